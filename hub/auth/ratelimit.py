"""Token buckets in memory for POST /oauth/token: one per remote address (asked before the request is read) and one
per client (charged only once the client's assertion verified, so that nobody can spend another client's tokens).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

from hub.core.settings import Settings


class Buckets:
    """Buckets of `burst` tokens refilled at `per_minute`, one per key; the least recently used keys beyond
    `max_keys` are forgotten (a forgotten key starts full again, as a new one does). Counts in this process only."""

    def __init__(self, *, per_minute: float, burst: int, max_keys: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self.lock = threading.Lock()

    def take(self, key: str) -> int:
        """Spend one token of `key`'s bucket: 0 when there was one, else the seconds until there is (Retry-After)."""
        now = time.monotonic()
        with self.lock:
            tokens, at = self.buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self.buckets[key] = (tokens - 1.0, now)
                wait = 0
            else:
                self.buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / self.rate))
            while len(self.buckets) > self.max_keys:
                self.buckets.popitem(last=False)
            return wait


def token_buckets(settings: Settings) -> dict[str, Buckets]:
    """The buckets of one app's token endpoint: "address" and "client"."""
    return {
        "address": Buckets(per_minute=settings.token_rate_per_address, burst=settings.token_burst_per_address),
        "client": Buckets(per_minute=settings.token_rate_per_client, burst=settings.token_burst_per_client),
    }
