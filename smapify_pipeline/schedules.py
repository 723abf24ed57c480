"""Schedules: ``full_sync`` every 15 minutes (the backstop behind the sensors) and the nightly
``reconciliation`` report at 03:00 Japan time, when both shops are quiet.

Both default to RUNNING. Their runs carry the ``smapify/sync`` tag like every sync run, so a tick that
falls while another sync is running is queued behind it, not run alongside it.
"""

from __future__ import annotations

import dagster as dg

TIMEZONE = "Asia/Tokyo"


def _schedule(name: str, job: str, cron: str, description: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name=name,
        job_name=job,
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
    )


SCHEDULES = [
    _schedule("full_sync_every_15_minutes", "full_sync", "*/15 * * * *", "Everything, every 15 minutes."),
    _schedule(
        "nightly_reconciliation",
        "reconciliation",
        "0 3 * * *",
        "Stock drift per product and location, every night at 03:00 JST.",
    ),
]
