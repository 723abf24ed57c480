"""Error types both platform clients share."""

from __future__ import annotations


class PlatformError(Exception):
    """Base of every error a platform client raises."""


class OutcomeUnknown(PlatformError):
    """A write was sent but its answer never arrived: it may or may not have been applied.

    The caller must look on the remote side (marker, tag, terminal transaction id) before writing again;
    retrying blindly could apply the write twice. ``operation`` names the call, ``cause`` is the last error.
    """

    def __init__(self, operation: str, cause: BaseException | str) -> None:
        self.operation = operation
        self.cause = cause
        super().__init__(f"outcome of {operation} is unknown: {cause}")
