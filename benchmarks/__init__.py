"""Benchmarks: solve instances and report status, objective, bound, gap and time."""
