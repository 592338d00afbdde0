"""Crawler, classifier and crawl-run objects, shaped 1:1 like Glue's (``CreateCrawler``,
``GetCrawler``, ``CreateClassifier``, ``ListCrawls``): snake_case fields here, Glue's
PascalCase names through ``to_glue``/``from_glue`` (``s3_targets`` ↔ ``S3Targets``).
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from lakebed.errors import InvalidInputError, NotSupportedError


class CrawlerState(StrEnum):
    """Glue's crawler ``State``."""

    READY = "READY"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"


class CrawlStatus(StrEnum):
    """``LastCrawl.Status``."""

    SUCCEEDED = "SUCCEEDED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


class ScheduleState(StrEnum):
    """Glue's ``Schedule.State`` (lakebed changes it in one transaction, so it never
    reports ``TRANSITIONING``).
    """

    SCHEDULED = "SCHEDULED"
    NOT_SCHEDULED = "NOT_SCHEDULED"
    TRANSITIONING = "TRANSITIONING"


class RunState(StrEnum):
    """A crawl's state in its history (Glue's ``CrawlerHistory.State``)."""

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    STOPPED = "STOPPED"


class UpdateBehavior(StrEnum):
    """``SchemaChangePolicy.UpdateBehavior``."""

    LOG = "LOG"
    UPDATE_IN_DATABASE = "UPDATE_IN_DATABASE"


class DeleteBehavior(StrEnum):
    """``SchemaChangePolicy.DeleteBehavior``."""

    LOG = "LOG"
    DELETE_FROM_DATABASE = "DELETE_FROM_DATABASE"
    DEPRECATE_IN_DATABASE = "DEPRECATE_IN_DATABASE"


class RecrawlBehavior(StrEnum):
    """``RecrawlPolicy.RecrawlBehavior`` (event mode needs an event queue: not supported)."""

    CRAWL_EVERYTHING = "CRAWL_EVERYTHING"
    CRAWL_NEW_FOLDERS_ONLY = "CRAWL_NEW_FOLDERS_ONLY"
    CRAWL_EVENT_MODE = "CRAWL_EVENT_MODE"


@dataclass(frozen=True)
class S3Target:
    """A folder to crawl: a local path, ``file://`` or ``s3://`` URI.

    Attributes:
        exclusions: globs relative to ``path`` (``*`` within a folder, ``**`` across
            folders, ``?``, ``[...]``, ``{a,b}``).
        sample_size: files sampled per leaf folder (1..249); None samples every file.
    """

    path: str
    exclusions: tuple[str, ...] = ()
    connection_name: str | None = None
    sample_size: int | None = None
    event_queue_arn: str | None = None
    dlq_event_queue_arn: str | None = None


@dataclass(frozen=True)
class JdbcTarget:
    """Tables of a database reached with SQLAlchemy.

    Attributes:
        connection_name: the SQLAlchemy URL (``sqlite:///path.db``, ``postgresql://...``)
            until Glue connection objects exist.
        path: ``database/schema/table`` include path; ``%`` is a wildcard.
    """

    connection_name: str
    path: str
    exclusions: tuple[str, ...] = ()
    enable_additional_metadata: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogTarget:
    """Existing catalog tables to re-crawl (no new tables; deletions are only logged)."""

    database_name: str
    tables: tuple[str, ...]
    connection_name: str | None = None
    event_queue_arn: str | None = None
    dlq_event_queue_arn: str | None = None


@dataclass(frozen=True)
class DeltaTarget:
    """Delta Lake table folders."""

    delta_tables: tuple[str, ...]
    connection_name: str | None = None
    write_manifest: bool = False
    create_native_delta_table: bool = True


@dataclass(frozen=True)
class IcebergTarget:
    """Folders holding Iceberg tables."""

    paths: tuple[str, ...]
    connection_name: str | None = None
    exclusions: tuple[str, ...] = ()
    maximum_traversal_depth: int | None = None


@dataclass(frozen=True)
class HudiTarget:
    """Folders holding Hudi tables."""

    paths: tuple[str, ...]
    connection_name: str | None = None
    exclusions: tuple[str, ...] = ()
    maximum_traversal_depth: int | None = None


@dataclass(frozen=True)
class CrawlerTargets:
    """What a crawler crawls."""

    s3_targets: tuple[S3Target, ...] = ()
    jdbc_targets: tuple[JdbcTarget, ...] = ()
    catalog_targets: tuple[CatalogTarget, ...] = ()
    delta_targets: tuple[DeltaTarget, ...] = ()
    iceberg_targets: tuple[IcebergTarget, ...] = ()
    hudi_targets: tuple[HudiTarget, ...] = ()


@dataclass(frozen=True)
class SchemaChangePolicy:
    """What a crawl does with changed and vanished tables and partitions."""

    update_behavior: UpdateBehavior = UpdateBehavior.UPDATE_IN_DATABASE
    delete_behavior: DeleteBehavior = DeleteBehavior.DEPRECATE_IN_DATABASE


@dataclass(frozen=True)
class RecrawlPolicy:
    """Whether a crawl re-reads everything or only folders it has not seen."""

    recrawl_behavior: RecrawlBehavior = RecrawlBehavior.CRAWL_EVERYTHING


@dataclass(frozen=True)
class LineageConfiguration:
    """Glue's lineage switch (stored; lakebed records no lineage yet)."""

    crawler_lineage_settings: str = "DISABLE"


@dataclass(frozen=True)
class LakeFormationConfiguration:
    """Glue's Lake Formation credentials option (stored)."""

    use_lake_formation_credentials: bool = False
    account_id: str | None = None


@dataclass(frozen=True)
class Schedule:
    """A crawler's schedule: ``cron(...)`` in UTC and whether it is active."""

    schedule_expression: str
    state: str = "SCHEDULED"


@dataclass(frozen=True)
class LastCrawlInfo:
    """The outcome of the latest crawl."""

    status: CrawlStatus
    start_time: datetime
    error_message: str | None = None
    log_group: str | None = None
    log_stream: str | None = None
    message_prefix: str | None = None


@dataclass(frozen=True)
class Crawler:
    """A crawler definition with its state (Glue's ``Crawler``)."""

    name: str
    targets: CrawlerTargets
    database_name: str | None = None
    role: str | None = None
    description: str | None = None
    classifiers: tuple[str, ...] = ()
    recrawl_policy: RecrawlPolicy = field(default_factory=RecrawlPolicy)
    schema_change_policy: SchemaChangePolicy = field(default_factory=SchemaChangePolicy)
    lineage_configuration: LineageConfiguration = field(default_factory=LineageConfiguration)
    state: CrawlerState = CrawlerState.READY
    table_prefix: str | None = None
    schedule: Schedule | None = None
    crawl_elapsed_time: int = 0
    creation_time: datetime | None = None
    last_updated: datetime | None = None
    last_crawl: LastCrawlInfo | None = None
    version: int = 0
    configuration: str | None = None
    crawler_security_configuration: str | None = None
    lake_formation_configuration: LakeFormationConfiguration | None = None
    tags: dict[str, str] = field(default_factory=dict)


# -- classifiers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GrokClassifierSpec:
    """A custom Grok classifier (``%{PATTERN:field:type}`` plus ``NAME regex`` lines)."""

    name: str
    classification: str
    grok_pattern: str
    custom_patterns: str | None = None
    creation_time: datetime | None = None
    last_updated: datetime | None = None
    version: int = 0


@dataclass(frozen=True)
class XMLClassifierSpec:
    """A custom XML classifier: ``row_tag`` names the element holding each record."""

    name: str
    classification: str
    row_tag: str
    creation_time: datetime | None = None
    last_updated: datetime | None = None
    version: int = 0


@dataclass(frozen=True)
class JsonClassifierSpec:
    """A custom JSON classifier: ``json_path`` selects the records (``$[*]``...)."""

    name: str
    json_path: str
    creation_time: datetime | None = None
    last_updated: datetime | None = None
    version: int = 0


@dataclass(frozen=True)
class CsvClassifierSpec:
    """A custom CSV classifier."""

    name: str
    delimiter: str = ","
    quote_symbol: str = '"'
    contains_header: str = "UNKNOWN"
    header: tuple[str, ...] = ()
    disable_value_trimming: bool = False
    allow_single_column: bool = False
    custom_datatype_configured: bool = False
    custom_datatypes: tuple[str, ...] = ()
    serde: str | None = None
    creation_time: datetime | None = None
    last_updated: datetime | None = None
    version: int = 0


ClassifierSpec = GrokClassifierSpec | XMLClassifierSpec | JsonClassifierSpec | CsvClassifierSpec

# The member of Glue's ``Classifier`` union each spec travels in.
CLASSIFIER_KINDS: dict[str, type[Any]] = {
    "GrokClassifier": GrokClassifierSpec,
    "XMLClassifier": XMLClassifierSpec,
    "JsonClassifier": JsonClassifierSpec,
    "CsvClassifier": CsvClassifierSpec,
}


# -- runs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrawlError:
    """A problem with one file, folder or table that the crawl stepped over."""

    uri: str
    code: str
    message: str


MAX_KEPT_ERRORS = 1000
"""Per-file errors a crawl keeps (its count is exact), so that memory stays bounded."""


@dataclass
class ErrorLog:
    """The errors of one crawl: the first ``MAX_KEPT_ERRORS`` and how many there were."""

    kept: list[CrawlError] = field(default_factory=list)
    count: int = 0

    def add(self, error: CrawlError) -> None:
        """Record one error."""
        self.count += 1
        if len(self.kept) < MAX_KEPT_ERRORS:
            self.kept.append(error)


@dataclass(frozen=True)
class CrawlMetrics:
    """Counts of one crawl."""

    tables_created: int = 0
    tables_updated: int = 0
    tables_deleted: int = 0
    partitions_added: int = 0
    partitions_updated: int = 0
    partitions_deleted: int = 0
    files_seen: int = 0
    files_sampled: int = 0
    folders_seen: int = 0
    errors: int = 0
    duration_ms: int = 0


@dataclass(frozen=True)
class CrawlRun:
    """One crawl of a crawler (Glue's ``CrawlerHistory`` plus lakebed's metrics and errors).

    Attributes:
        changes: the catalog changes the crawl made (or, with LOG policies, only logged),
            as lines like ``CREATE TABLE sales.orders``.
    """

    crawl_id: str
    crawler_name: str
    state: RunState
    start_time: datetime
    end_time: datetime | None = None
    metrics: CrawlMetrics = field(default_factory=CrawlMetrics)
    errors: tuple[CrawlError, ...] = ()
    changes: tuple[str, ...] = ()
    error_message: str | None = None

    @property
    def summary(self) -> str:
        """Glue's ``Summary``: the counts as a JSON string."""
        return json.dumps(
            {
                "TABLE": {
                    "ADD": {"Count": self.metrics.tables_created},
                    "UPDATE": {"Count": self.metrics.tables_updated},
                    "DELETE": {"Count": self.metrics.tables_deleted},
                },
                "PARTITION": {
                    "ADD": {"Count": self.metrics.partitions_added},
                    "UPDATE": {"Count": self.metrics.partitions_updated},
                    "DELETE": {"Count": self.metrics.partitions_deleted},
                },
            },
            separators=(",", ":"),
        )


@dataclass(frozen=True)
class CrawlerMetrics:
    """Glue's ``GetCrawlerMetrics`` answer for one crawler (times in seconds)."""

    crawler_name: str
    time_left_seconds: float = 0.0
    still_estimating: bool = False
    last_runtime_seconds: float = 0.0
    median_runtime_seconds: float = 0.0
    tables_created: int = 0
    tables_updated: int = 0
    tables_deleted: int = 0


# -- Glue's wire names ---------------------------------------------------------------------

T = TypeVar("T")


_NAME_RE = re.compile(r"^[\w\-.$ ]{1,255}$")


def check_name(name: str, kind: str) -> str:
    """``name`` if it is a valid Glue name for a ``kind`` object.

    Raises:
        InvalidInputError: it is not (INVALID_INPUT).
    """
    if not _NAME_RE.match(name or ""):
        raise InvalidInputError(
            f"Invalid {kind} name '{name}': use 1-255 letters, digits, '-', '_', '.', '$' or "
            "spaces.",
            code="INVALID_INPUT",
        )
    return name


def glue_name(snake: str) -> str:
    """``s3_targets`` → ``S3Targets``, ``row_tag`` → ``RowTag``."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def to_glue(obj: Any) -> Any:
    """A model as Glue's JSON shape (absent fields omitted, times as datetimes)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if value is None or value == () or value == {}:
                continue
            out[glue_name(f.name)] = to_glue(value)
        return out
    if isinstance(obj, tuple | list):
        return [to_glue(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_glue(v) for k, v in obj.items()}
    if isinstance(obj, StrEnum):
        return str(obj)
    return obj


def from_glue(cls: type[T], data: dict[str, Any]) -> T:
    """Build a model from Glue's JSON shape.

    Raises:
        InvalidInputError: an unknown field, or a value of the wrong shape.
        NotSupportedError: a Glue field lakebed does not support (MongoDB/DynamoDB targets).
    """
    if not isinstance(data, dict):
        raise InvalidInputError(f"{cls.__name__} must be an object, not {data!r}.")
    hints = typing.get_type_hints(cls)
    by_glue = {glue_name(f.name): f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs = {}
    for key, value in data.items():
        if key in ("MongoDBTargets", "DynamoDBTargets"):
            if value:
                raise NotSupportedError(f"{key} are not supported: lakebed crawls files and SQL.")
            continue
        if key not in by_glue:
            raise InvalidInputError(
                f"Unknown field '{key}' in {cls.__name__.removesuffix('Spec')}; expected one "
                f"of {', '.join(sorted(by_glue))}.",
                code="INVALID_INPUT",
            )
        name = by_glue[key]
        kwargs[name] = _convert(hints[name], value, key)
    missing = [
        glue_name(f.name)
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name not in kwargs
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise InvalidInputError(
            f"{cls.__name__.removesuffix('Spec')} needs {', '.join(missing)}.",
            code="INVALID_INPUT",
        )
    return cls(**kwargs)


def field_value(cls: type[Any], name: str, value: Any) -> Any:
    """``value`` for field ``name`` of ``cls``, converted from Glue's shape when it is a
    dict or list (``{"UpdateBehavior": "LOG"}`` → ``SchemaChangePolicy``).

    Raises:
        InvalidInputError: the value has the wrong shape.
    """
    if isinstance(value, dict | list | str) and not dataclasses.is_dataclass(value):
        return _convert(typing.get_type_hints(cls)[name], value, glue_name(name))
    return value


def _convert(hint: Any, value: Any, key: str) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(inner[0], value, key)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise InvalidInputError(f"'{key}' must be a list, not {value!r}.")
        return tuple(_convert(typing.get_args(hint)[0], v, key) for v in value)
    if origin is dict:
        return dict(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_glue(hint, value)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        try:
            return hint(value)
        except ValueError as e:
            allowed = "|".join(m.value for m in hint)
            raise InvalidInputError(
                f"'{key}' is '{value}'; expected {allowed}.", code="INVALID_INPUT"
            ) from e
    return value


@dataclass(frozen=True)
class CrawlerConfiguration:
    """The parsed ``Configuration`` JSON of a crawler (Version 1.0).

    Attributes:
        inherit_partition_schema: ``CrawlerOutput.Partitions.AddOrUpdateBehavior`` is
            ``InheritFromTable``: partitions take the table's schema.
        merge_new_columns: ``CrawlerOutput.Tables.AddOrUpdateBehavior`` is
            ``MergeNewColumns``: updates only add columns, never change existing ones.
        table_threshold: the crawl fails if it would create more tables.
        combine_compatible_schemas: ``Grouping.TableGroupingPolicy`` is
            ``CombineCompatibleSchemas``: sibling folders with compatible schemas become one
            table even when their columns differ.
        table_level: ``Grouping.TableLevelConfiguration``: the absolute folder depth of table
            roots (the bucket, or a local path's first folder, is level 1).
        partition_key_names: lakebed's ``Lakebed.PartitionKeyNames``: table name → names
            for its partition keys, replacing ``partition_0``... (``"*"`` applies to all).
        typed_partition_keys: lakebed's ``Lakebed.TypedPartitionKeys``: a partition key
            whose values all parse as one type (int, bigint, double, boolean, date,
            timestamp) gets that type instead of Glue's ``string``.
    """

    inherit_partition_schema: bool = False
    merge_new_columns: bool = False
    table_threshold: int | None = None
    combine_compatible_schemas: bool = False
    table_level: int | None = None
    partition_key_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    typed_partition_keys: bool = False

    @classmethod
    def parse(cls, text: str | None) -> CrawlerConfiguration:
        """Parse a crawler's ``Configuration``.

        Raises:
            InvalidInputError: it is not JSON, or a setting has a value Glue does not allow.
        """
        if not text:
            return cls()
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise InvalidInputError(
                f"Crawler Configuration is not valid JSON ({e}).", code="INVALID_CONFIGURATION"
            ) from e
        if not isinstance(doc, dict):
            raise InvalidInputError(
                "Crawler Configuration must be a JSON object.", code="INVALID_CONFIGURATION"
            )
        output = doc.get("CrawlerOutput", {})
        grouping = doc.get("Grouping", {})
        partitions = output.get("Partitions", {}).get("AddOrUpdateBehavior")
        tables = output.get("Tables", {})
        policy = grouping.get("TableGroupingPolicy")
        _allowed("CrawlerOutput.Partitions.AddOrUpdateBehavior", partitions, "InheritFromTable")
        _allowed(
            "CrawlerOutput.Tables.AddOrUpdateBehavior",
            tables.get("AddOrUpdateBehavior"),
            "MergeNewColumns",
        )
        _allowed("Grouping.TableGroupingPolicy", policy, "CombineCompatibleSchemas")
        level = grouping.get("TableLevelConfiguration")
        threshold = tables.get("TableThreshold")
        for key, value in (("TableLevelConfiguration", level), ("TableThreshold", threshold)):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise InvalidInputError(
                    f"Crawler Configuration {key} must be a positive integer, not {value!r}.",
                    code="INVALID_CONFIGURATION",
                )
        own = doc.get("Lakebed", {})
        names = own.get("PartitionKeyNames", {})
        return cls(
            inherit_partition_schema=partitions == "InheritFromTable",
            merge_new_columns=tables.get("AddOrUpdateBehavior") == "MergeNewColumns",
            table_threshold=threshold,
            combine_compatible_schemas=policy == "CombineCompatibleSchemas",
            table_level=level,
            partition_key_names={k.lower(): tuple(n.lower() for n in v) for k, v in names.items()},
            typed_partition_keys=bool(own.get("TypedPartitionKeys", False)),
        )


def _allowed(key: str, value: Any, allowed: str) -> None:
    if value is not None and value != allowed:
        raise InvalidInputError(
            f"Crawler Configuration {key} is '{value}'; the only value is '{allowed}'.",
            code="INVALID_CONFIGURATION",
        )
