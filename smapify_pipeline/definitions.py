"""The one ``dg.Definitions`` of the code location. Settings are validated on import."""

import dagster as dg

from smapify_pipeline.settings import load_settings

settings = load_settings()

defs = dg.Definitions()
