"""Crawlers: fill the catalog from the lake the way Glue crawlers do, predictably."""

from __future__ import annotations

from lakebed.crawlers.models import (
    CatalogTarget,
    Crawler,
    CrawlerTargets,
    CrawlRun,
    CsvClassifierSpec,
    GrokClassifierSpec,
    JdbcTarget,
    JsonClassifierSpec,
    RecrawlPolicy,
    S3Target,
    SchemaChangePolicy,
    XMLClassifierSpec,
)
from lakebed.crawlers.service import CrawlerService

__all__ = [
    "CatalogTarget",
    "CrawlRun",
    "Crawler",
    "CrawlerService",
    "CrawlerTargets",
    "CsvClassifierSpec",
    "GrokClassifierSpec",
    "JdbcTarget",
    "JsonClassifierSpec",
    "RecrawlPolicy",
    "S3Target",
    "SchemaChangePolicy",
    "XMLClassifierSpec",
]
