"""Process-wide tuning for a long-running hub process: the garbage collector set for large payloads.

Applied by `stafett serve` and by each FHIR validation worker once start-up is done, and by the benchmarks, which
measure the hub as it is served.
"""

from __future__ import annotations

import gc

# A young-generation collection every 50,000 container allocations instead of 700: parsing and writing a large Bundle
# allocates hundreds of thousands of containers that all live until the request ends, so frequent collections only
# rescan them; what the request leaves behind is freed by reference counting when it ends.
GC_THRESHOLDS = (50_000, 20, 20)


def tune_gc_for_serving() -> None:
    """Freeze what start-up built (modules, classes, schemas: it lives as long as the process) so that full
    collections no longer rescan it, and collect less often (GC_THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
