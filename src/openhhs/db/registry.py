"""Imports every capability's ORM models so `Base.metadata` is complete (migrations, tests).

Add one line here when a capability gets a `models.py`.
"""

import openhhs.model  # noqa: F401  (the common data model)
