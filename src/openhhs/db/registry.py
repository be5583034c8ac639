"""Imports every capability's ORM models so `Base.metadata` is complete (migrations, tests).

Add one line here when a capability gets a `models.py`.
"""

import openhhs.access.models
import openhhs.audit.models
import openhhs.cci.models
import openhhs.ingest.models
import openhhs.linkage.models
import openhhs.model  # the common data model
import openhhs.workerconnect.models  # noqa: F401  (one noqa: the other lines rebind `openhhs`)
