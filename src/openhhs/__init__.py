"""OpenHHS: integrated health and human services data, lawfully linked."""

__version__ = "0.1.0"
