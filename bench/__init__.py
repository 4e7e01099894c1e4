"""Benchmarks: scripts run as `python bench/NAME.py`, each described in its docstring."""
