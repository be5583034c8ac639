"""Worker Connect: the person-level API and caseworker portal (PRODUCT.md §2.6).

Search-first (no browse-all), a one-screen snapshot across agencies filtered by the caller's
agreements and purpose, the agency push API, match, steward review and access history.
"""
