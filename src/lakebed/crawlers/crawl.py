"""One crawl, start to end: scan the targets, detect tables, compare with the catalog. The
result (``CrawlPlan``) is what the dry run prints and what a run applies.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from lakebed.crawlers import jdbc
from lakebed.crawlers.changes import (
    Change,
    Policy,
    crawler_tables,
    diff_table,
    diff_vanished,
)
from lakebed.crawlers.models import (
    CrawlerConfiguration,
    CrawlError,
    DeleteBehavior,
    ErrorLog,
    RecrawlBehavior,
    UpdateBehavior,
)
from lakebed.crawlers.partitions import Rules, resolve
from lakebed.crawlers.scan import Scanner, ScanStats, level_of
from lakebed.crawlers.tables import TablePlan, build, table_name, unique_name
from lakebed.errors import CancelledError, InvalidInputError, NotFoundError
from lakebed.storage.object_store import normalize_uri

if TYPE_CHECKING:
    from lakebed.catalog import Catalog
    from lakebed.crawlers.classifiers.base import Classifier
    from lakebed.crawlers.connections import Connections
    from lakebed.crawlers.models import Crawler
    from lakebed.storage import ObjectStore


@dataclass
class CrawlPlan:
    """Everything a crawl found and would change."""

    tables: list[TablePlan] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    stats: ScanStats = field(default_factory=ScanStats)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> ErrorLog:
        """Per-file, per-folder and per-table problems the crawl stepped over."""
        return self.stats.errors


def plan_crawl(
    crawler: Crawler,
    *,
    catalog: Catalog,
    store: ObjectStore,
    classifiers: list[Classifier],
    connections: Connections,
    stop: threading.Event | None = None,
) -> CrawlPlan:
    """Scan ``crawler``'s targets and compute the catalog changes.

    Raises:
        InvalidInputError: the configuration is invalid or the table threshold is exceeded.
        CancelledError: ``stop`` was set.
    """
    config = CrawlerConfiguration.parse(crawler.configuration)
    incremental = crawler.recrawl_policy.recrawl_behavior == RecrawlBehavior.CRAWL_NEW_FOLDERS_ONLY
    scp = crawler.schema_change_policy
    policy = Policy(
        UpdateBehavior.LOG if incremental else scp.update_behavior,
        DeleteBehavior.LOG if incremental else scp.delete_behavior,
        config.merge_new_columns,
        config.inherit_partition_schema,
        incremental,
    )
    out = CrawlPlan()
    database = (crawler.database_name or "").lower()
    owned = crawler_tables(catalog, database, crawler.name) if database else []
    known: set[str] = set()
    known_tables: set[str] = set()
    if incremental:
        out.notes.append(
            "CRAWL_NEW_FOLDERS_ONLY: known partition folders are not listed; "
            "table updates and deletions are only logged."
        )
        for t in owned:
            parts = catalog.list_partitions(t) if t.partition_keys else []
            known.update(p.location.rstrip("/") for p in parts if p.location)
            if not t.partition_keys and t.location:
                known_tables.add(normalize_uri(t.location).rstrip("/"))
    scanner = Scanner(
        store,
        classifiers,
        stop=stop,
        known_folders=frozenset(known),
        known_tables=frozenset(known_tables),
    )
    out.stats = scanner.stats
    rules = Rules(config.combine_compatible_schemas, config.table_level)
    taken: set[str] = set()
    crawled_roots: list[str] = []
    t = crawler.targets
    paths = [(s.path, s.exclusions, s.sample_size) for s in t.s3_targets]
    paths += [(p, (), None) for d in t.delta_targets for p in d.delta_tables]
    paths += [
        (p, x.exclusions, None) for x in (*t.iceberg_targets, *t.hudi_targets) for p in x.paths
    ]
    if (paths or t.jdbc_targets) and not database:
        raise InvalidInputError(
            f"Crawler '{crawler.name}' has path or JDBC targets but no DatabaseName: set the "
            "database its tables go to.",
            code="INVALID_INPUT",
        )
    if database and not catalog.database_exists(database):
        raise NotFoundError(
            f"Schema '{database}' does not exist: create it (CREATE DATABASE {database}) "
            f"or change crawler '{crawler.name}''s DatabaseName.",
            code="SCHEMA_NOT_FOUND",
        )
    # Names of tables elsewhere (another location) are taken: Glue adds a hash suffix.
    existing = {tb.name: tb for tb in catalog.list_tables(database)} if database else {}
    for path, exclusions, sample_size in paths:
        root_uri = normalize_uri(path).rstrip("/")
        crawled_roots.append(root_uri)
        root = scanner.scan(root_uri, exclusions=exclusions, sample_size=sample_size)
        for unit in resolve(root, rules):
            base = table_name(unit, crawler.table_prefix)
            other = existing.get(base)
            elsewhere = other is not None and _location(other.location) != unit.root.uri
            name = unique_name(base, unit.root.uri, taken | ({base} if elsewhere else set()))
            taken.add(name)
            names = config.partition_key_names.get(name) or config.partition_key_names.get("*")
            out.tables.append(
                build(
                    unit,
                    name=name,
                    database=database,
                    crawler=crawler.name,
                    key_names=names,
                    typed_keys=config.typed_partition_keys,
                )
            )
            for x in unit.left_out:
                folder = x.group.files[0].rsplit("/", 1)[0]
                out.errors.add(
                    CrawlError(
                        x.group.files[0],
                        x.code,
                        f"{x.group.file_count} {x.group.first.classification} file(s) in "
                        f"'{folder}/' {x.reason}: they are in no table's schema.",
                    )
                )
    for jt in t.jdbc_targets:
        if stop is not None and stop.is_set():
            raise CancelledError("The crawl was stopped.", code="CRAWLER_STOPPED")
        for plan in jdbc.plan(
            jt,
            connections=connections,
            database=database,
            prefix=crawler.table_prefix,
            crawler=crawler.name,
        ):
            taken.add(plan.table.name)
            out.tables.append(plan)
    catalog_plans = _catalog_targets(crawler, catalog, scanner, out)
    new_tables = [p for p in out.tables if p.table.name not in existing]
    if config.table_threshold is not None and len(new_tables) > config.table_threshold:
        raise InvalidInputError(
            f"Crawler '{crawler.name}' would create {len(new_tables)} tables, more than its "
            f"TableThreshold of {config.table_threshold}; nothing was changed. Check the "
            "include paths or raise the threshold.",
            code="TABLE_THRESHOLD_EXCEEDED",
        )
    for plan in out.tables:
        out.changes.extend(_diff(plan, catalog, policy))
    for plan in catalog_plans:
        log_deletes = replace(policy, delete=DeleteBehavior.LOG)
        out.changes.extend(_diff(plan, catalog, log_deletes))
        out.tables.append(plan)
    if not incremental:
        vanished = [
            tb
            for tb in owned
            if tb.name not in taken
            and tb.location
            and any(
                _location(tb.location).startswith(r + "/") or _location(tb.location) == r
                for r in crawled_roots
            )
        ]
        out.changes.extend(diff_vanished(vanished, policy))
    out.notes.extend(out.stats.notes)
    return out


def _location(location: str | None) -> str:
    return normalize_uri(location).rstrip("/") if location else ""


def _diff(plan: TablePlan, catalog: Catalog, policy: Policy) -> list[Change]:
    try:
        old = catalog.get_table(plan.table.database, plan.table.name)
    except NotFoundError:
        old = None
    existing = catalog.list_partitions(old) if old is not None and old.partition_keys else None
    return diff_table(plan, old, existing, policy)


def _catalog_targets(
    crawler: Crawler, catalog: Catalog, scanner: Scanner, out: CrawlPlan
) -> list[TablePlan]:
    """Existing tables re-crawled at their own location (never new tables)."""
    plans = []
    for target in crawler.targets.catalog_targets:
        for name in target.tables:
            try:
                table = catalog.get_table(target.database_name, name)
            except NotFoundError as e:
                out.errors.add(CrawlError(f"{target.database_name}.{name}", e.code, e.message))
                continue
            if not table.location:
                continue
            uri = normalize_uri(table.location).rstrip("/")
            root = scanner.scan(uri)
            units = resolve(root, Rules(True, level_of(uri)))
            if not units or (units[0].group is None and units[0].root.format_table is None):
                out.errors.add(
                    CrawlError(
                        uri,
                        "EMPTY_TABLE_LOCATION",
                        f"No data found for catalog target '{table.database}.{table.name}'.",
                    )
                )
                continue
            plans.append(
                build(
                    units[0],
                    name=table.name,
                    database=table.database,
                    crawler=crawler.name,
                    key_names=None,
                )
            )
    return plans
