"""Measuring the product's delivery time, not the test process's housekeeping.

After a thousand tests the process holds much garbage; a full cyclic collection landing inside the
measured second would time the test run, not the dispatcher. So collect first, and hold the
collector off while the lead travels.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_collector_pauses() -> Iterator[None]:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
