"""Fault tests (issue 9): kills, replicas, a database restart, failing platforms, busy SQLite.

The scenarios live in `scenarios.py` so that `bench/soak.py` runs the same code at full size; the
tests here run them scaled down for CI and assert on what they measured.
"""
