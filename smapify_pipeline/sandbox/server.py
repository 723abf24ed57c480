"""Serve a sandbox ASGI app with uvicorn on loopback, in a background thread.

Used by the tests (port 0: the OS picks a free port), the demo and ``smapify sandbox serve``.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

import uvicorn


class SandboxServer:
    """Runs ``app`` on ``http://127.0.0.1:{port}`` until :meth:`stop`; ``port=0`` picks a free port."""

    def __init__(self, app: Any, port: int = 0, host: str = "127.0.0.1", log_level: str = "warning") -> None:
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError("sandboxes only listen on loopback")
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
            lifespan="on",
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"sandbox-{port}", daemon=True)
        self.host = host

    @property
    def port(self) -> int:
        sockets = [s for server in self._server.servers for s in server.sockets]
        return int(sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("sandbox server failed to start (is the port free?)")
            self._thread.join(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in ``smapify sandbox serve``)."""
        self._thread.join()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
