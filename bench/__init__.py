"""Benchmarks: `make bench` runs each `bench/bench_*.py`; figures go to docs/benchmarks.md."""
