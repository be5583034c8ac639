"""`openhhs serve` runs the portal; `openhhs demo` builds a synthetic city and serves it."""
