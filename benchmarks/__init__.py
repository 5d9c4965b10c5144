"""Measured, not asserted: each file is a script (python benchmarks/NAME.py).

A package so that mypy names them benchmarks.NAME (benchmarks/recordings.py is not the recordings package).
"""
