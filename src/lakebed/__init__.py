"""lakebed: a self-hosted data lake with Athena's SQL, a Glue-style catalog and Iceberg tables.

>>> import lakebed
>>> with lakebed.connect(tmp_home) as lb:  # doctest: +SKIP
...     lb.sql("SELECT 1 AS one").fetchall()
[(1,)]
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lakebed.client.embedded import Lakebed as Lakebed
from lakebed.client.result import QueryResult as QueryResult
from lakebed.config import Settings as Settings
from lakebed.errors import AccessDeniedError as AccessDeniedError
from lakebed.errors import AlreadyExistsError as AlreadyExistsError
from lakebed.errors import CancelledError as CancelledError
from lakebed.errors import ConfigError as ConfigError
from lakebed.errors import ConflictError as ConflictError
from lakebed.errors import DataError as DataError
from lakebed.errors import InternalError as InternalError
from lakebed.errors import InvalidInputError as InvalidInputError
from lakebed.errors import LakebedError as LakebedError
from lakebed.errors import NotFoundError as NotFoundError
from lakebed.errors import NotSupportedError as NotSupportedError
from lakebed.errors import ParseError as ParseError
from lakebed.errors import QueryError as QueryError
from lakebed.queries.models import QueryExecution as QueryExecution
from lakebed.queries.models import QueryState as QueryState
from lakebed.queries.models import QueryStats as QueryStats

if TYPE_CHECKING:
    from lakebed.client.remote import RemoteLakebed

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Imported on first use so that ``import lakebed`` stays light.
    if name == "RemoteLakebed":
        from lakebed.client.remote import RemoteLakebed

        return RemoteLakebed
    raise AttributeError(f"module 'lakebed' has no attribute {name!r}")


def connect(
    home: str | os.PathLike[str] | None = None, /, **settings: Any
) -> Lakebed | RemoteLakebed:
    """Open a lake: embedded in this process, or on a server when ``home`` is a URL.

    Args:
        home: the lake's home folder (default ``$LAKEBED_HOME`` or ``./.lakebed``), created
            when missing with a SQLite metastore and a local warehouse; or the
            ``http(s)://host:port`` of ``lakebed serve``.
        **settings: for a folder, any ``Settings`` field (``warehouse``, ``metastore_url``,
            ``s3_endpoint`` …); for a URL, ``access_key_id`` and ``secret_access_key``.

    Raises:
        ConfigError: a setting is invalid.
    """
    if isinstance(home, str) and home.startswith(("http://", "https://")):
        from lakebed.client.remote import RemoteLakebed

        return RemoteLakebed(home, **settings)
    from lakebed.config import load_settings

    return Lakebed(load_settings(home, **settings))
