"""How fast the pipeline may call each platform: one table, a profile per kind of platform.

``sandbox`` is what the local simulators enforce (the Smaregi sandbox reads its default limits from here, so
the client and the simulator cannot disagree); ``production`` is what the real platforms allow. The profile
follows the configuration: unset credentials mean the sandboxes (``PlatformSettings.rate_limits``).

Smaregi limits calls per second per (app, contract), reads and writes separately. The reported production
figures, 50 reads/s and 20 writes/s, are unverified; the local sandbox mirrors them so that a benchmark
against it predicts production. Smaregi's own developer platform (``api.smaregi.dev``) is reported at 10 and 4:
pointed there, the client follows the 429 answers' ``Retry-After``.

Shopify's GraphQL cost bucket needs no figure here: the client paces from the bucket state every answer
reports (``platforms/shopify/pacing.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Profile = Literal["sandbox", "production"]


@dataclass(frozen=True)
class RateLimits:
    smaregi_reads_per_second: float
    smaregi_writes_per_second: float


RATE_LIMITS: dict[Profile, RateLimits] = {
    "sandbox": RateLimits(smaregi_reads_per_second=50.0, smaregi_writes_per_second=20.0),
    "production": RateLimits(smaregi_reads_per_second=50.0, smaregi_writes_per_second=20.0),
}
