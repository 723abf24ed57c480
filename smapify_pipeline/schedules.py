"""Schedules: ``full_sync`` every 15 minutes (the backstop behind the sensors) and the nightly
``reconciliation`` report at 03:00 Japan time, when both shops are quiet.

Both default to RUNNING. Their runs carry the ``smapify/sync`` tag like every sync run, so a tick that
falls while another sync is running is queued behind it, not run alongside it.
"""

from __future__ import annotations

import dagster as dg

TIMEZONE = "Asia/Tokyo"

full_sync_schedule = dg.ScheduleDefinition(
    name="full_sync_every_15_minutes",
    job_name="full_sync",
    cron_schedule="*/15 * * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Everything, every 15 minutes.",
)

nightly_reconciliation_schedule = dg.ScheduleDefinition(
    name="nightly_reconciliation",
    job_name="reconciliation",
    cron_schedule="0 3 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Stock drift per product and location, every night at 03:00 JST.",
)

SCHEDULES = [full_sync_schedule, nightly_reconciliation_schedule]
