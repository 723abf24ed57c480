"""Reading both platforms into the raw tables: queries, streams, loading with validation."""
