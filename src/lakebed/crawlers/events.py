"""Crawler events, shaped like EventBridge's ``Glue Crawler State Change``.

For now the bus is an in-process list of hooks on ``CrawlerService.listeners``; the events
service will subscribe there when it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DETAIL_TYPE = "Glue Crawler State Change"


@dataclass(frozen=True)
class CrawlerEvent:
    """One state change of a crawl: ``Started``, ``Succeeded``, ``Failed`` or ``Stopped``."""

    crawler_name: str
    crawl_id: str
    state: str
    time: datetime
    detail: dict[str, Any] = field(default_factory=dict)
    source: str = "lakebed.crawlers"
    detail_type: str = DETAIL_TYPE


Listener = Callable[[CrawlerEvent], None]
