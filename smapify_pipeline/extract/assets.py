"""Extract group: one asset per output of each stream in ``streams.py``, all made by one factory."""

from collections.abc import Iterator

import dagster as dg

from smapify_pipeline.extract.run import ExtractConfig, run_stream
from smapify_pipeline.extract.streams import STREAMS, Stream

GROUP = "extract"
POOL = "duckdb"

__all__ = ["EXTRACT_ASSETS", "ExtractConfig", "extract_assets"]


def extract_assets(stream: Stream) -> dg.AssetsDefinition:
    """The assets of ``stream``, materialized together by one op."""

    @dg.multi_asset(
        name=stream.op,
        specs=[
            dg.AssetSpec(
                output.asset,
                group_name=GROUP,
                kinds={stream.platform, "duckdb"},
                description=output.description,
                deps=list(stream.deps),
            )
            for output in stream.outputs
        ],
        pool=POOL,
        required_resource_keys={stream.platform, "warehouse_db"},
    )
    def extract(context: dg.AssetExecutionContext, config: ExtractConfig) -> Iterator[dg.MaterializeResult]:
        resource = getattr(context.resources, stream.platform)
        with context.resources.warehouse_db.connect() as conn:
            yield from run_stream(stream, resource, conn, config, context.run.run_id, context.log)

    return extract


EXTRACT_ASSETS = [extract_assets(stream) for stream in STREAMS]
