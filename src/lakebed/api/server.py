"""``serve``: run the HTTP front doors with uvicorn, shutting down gracefully."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

log = logging.getLogger("lakebed.server")


def serve(lb: Lakebed, *, host: str = "127.0.0.1", port: int = 8333, auth: bool = True) -> None:
    """Serve ``lb`` until interrupted; running queries are cancelled on shutdown, so none is
    left RUNNING.
    """
    import uvicorn

    from lakebed.api.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not auth:
        log.warning(
            "*** AUTHENTICATION IS OFF (--no-auth): anyone who can reach %s:%d has full "
            "access. Use only for local development. ***",
            host,
            port,
        )
    config = uvicorn.Config(create_app(lb, auth=auth), host=host, port=port, log_level="info")
    lb.crawlers.start_scheduler()  # scheduled crawls; stopped by lb.close()
    try:
        uvicorn.Server(config).run()
    finally:
        lb.close()
