"""Glue's column statistics operations (``AWSGlue.UpdateColumnStatisticsForTable`` …)
over ``lb.catalog.column_statistics``, and its statistics task runs over
``lb.column_statistics_runs``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from lakebed import errors
from lakebed.api.aws.glue import CATALOG_ID, GLUE, error_detail
from lakebed.api.aws.glue_shapes import timestamp_in
from lakebed.api.aws.paging import page
from lakebed.api.aws.protocol import Body, Call, require
from lakebed.catalog.models import Table
from lakebed.catalog.statistics import REQUIRED, ColumnStatistics
from lakebed.queries.column_statistics import ColumnStatisticsRun

if TYPE_CHECKING:
    from lakebed.client.embedded import Lakebed

op = GLUE.operation
# Statistics kind -> the member of ``ColumnStatisticsData`` that holds its values.
_MEMBER = {kind: f"{kind.title()}ColumnStatisticsData" for kind in REQUIRED}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _when(value: Any, what: str) -> datetime:
    return timestamp_in(value, what, code="INVALID_STATISTICS")


def _values_in(kind: str, data: Body) -> dict[str, Any]:
    values = {_snake(k): v for k, v in data.items()}
    for bound in ("minimum_value", "maximum_value"):
        if bound not in values:
            continue
        if kind == "DATE":
            values[bound] = _when(values[bound], f"DATE {bound}").date().isoformat()
        elif kind == "DECIMAL":
            number = values[bound]
            if not isinstance(number, dict) or "UnscaledValue" not in number:
                raise errors.InvalidInputError(
                    f"DECIMAL {bound} needs UnscaledValue and Scale.", code="INVALID_STATISTICS"
                )
            values[bound] = {
                "unscaled_value": number["UnscaledValue"],
                "scale": number.get("Scale", 0),
            }
    return values


def _values_out(kind: str, values: dict[str, Any]) -> Body:
    out: Body = {}
    for key, value in values.items():
        if key in ("minimum_value", "maximum_value") and kind == "DATE":
            value = datetime.combine(date.fromisoformat(value), time(), UTC)
        elif key in ("minimum_value", "maximum_value") and kind == "DECIMAL":
            value = {"UnscaledValue": value["unscaled_value"], "Scale": value["scale"]}
        out[_camel(key)] = value
    return out


def _statistics_in(item: Body) -> ColumnStatistics:
    if not isinstance(item, dict):
        raise errors.InvalidInputError("ColumnStatistics must be an object.")
    require(item, "ColumnName", "ColumnType", "AnalyzedTime", "StatisticsData")
    data = item["StatisticsData"]
    kind = data.get("Type") if isinstance(data, dict) else None
    if kind not in _MEMBER:
        raise errors.InvalidInputError(
            f"StatisticsData Type {kind!r} is not one of {', '.join(_MEMBER)}.",
            code="INVALID_STATISTICS",
        )
    members = data.get(_MEMBER[kind])
    if not isinstance(members, dict):
        raise errors.InvalidInputError(
            f"StatisticsData of Type {kind} needs {_MEMBER[kind]}.", code="INVALID_STATISTICS"
        )
    return ColumnStatistics(
        column_name=str(item["ColumnName"]),
        column_type=str(item["ColumnType"]),
        kind=kind,
        values=_values_in(kind, members),
        analyzed_at=_when(item["AnalyzedTime"], "AnalyzedTime"),
    )


def _statistics_out(s: ColumnStatistics) -> Body:
    return {
        "ColumnName": s.column_name,
        "ColumnType": s.column_type,
        "AnalyzedTime": s.analyzed_at,
        "StatisticsData": {"Type": s.kind, _MEMBER[s.kind]: _values_out(s.kind, s.values)},
    }


def _table(lb: Lakebed, body: Body) -> Table:
    require(body, "DatabaseName", "TableName")
    return lb.catalog.get_table(body["DatabaseName"], body["TableName"])


def _partition(body: Body) -> list[str] | None:
    if "PartitionValues" not in body:
        return None
    require(body, "PartitionValues")
    return [str(v) for v in body["PartitionValues"]]


def _update(lb: Lakebed, body: Body) -> Body:
    table = _table(lb, body)
    require(body, "ColumnStatisticsList")
    if not isinstance(body["ColumnStatisticsList"], list) or len(body["ColumnStatisticsList"]) > 25:
        raise errors.InvalidInputError(
            "ColumnStatisticsList must be a list of at most 25 entries.", code="INVALID_STATISTICS"
        )
    parsed, failed = [], []
    for item in body["ColumnStatisticsList"]:
        try:
            parsed.append((item, _statistics_in(item)))
        except errors.LakebedError as e:
            failed.append({"ColumnStatistics": item, "Error": error_detail(e)})
    by_stats = {id(s): item for item, s in parsed}
    refused = lb.catalog.column_statistics.update(
        table, [s for _, s in parsed], partition=_partition(body)
    )
    failed += [{"ColumnStatistics": by_stats[id(s)], "Error": error_detail(e)} for s, e in refused]
    return {"Errors": failed}


def _get(lb: Lakebed, body: Body) -> Body:
    table = _table(lb, body)
    require(body, "ColumnNames")
    names = body["ColumnNames"]
    if not isinstance(names, list) or len(names) > 100:
        raise errors.InvalidInputError("ColumnNames must be a list of at most 100 names.")
    found, missing = lb.catalog.column_statistics.get(
        table, [str(n) for n in names], partition=_partition(body)
    )
    return {
        "ColumnStatisticsList": [_statistics_out(s) for s in found],
        "Errors": [{"ColumnName": name, "Error": error_detail(e)} for name, e in missing],
    }


def _delete(lb: Lakebed, body: Body) -> Body:
    table = _table(lb, body)
    require(body, "ColumnName")
    lb.catalog.column_statistics.delete(table, body["ColumnName"], partition=_partition(body))
    return {}


@op("UpdateColumnStatisticsForTable")
def update_column_statistics_for_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """Store statistics of a table's columns; refused entries are listed in Errors."""
    body.pop("PartitionValues", None)
    return _update(lb, body)


@op("UpdateColumnStatisticsForPartition")
def update_column_statistics_for_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Store statistics of a partition's columns; refused entries are listed in Errors."""
    require(body, "PartitionValues")
    return _update(lb, body)


@op("GetColumnStatisticsForTable")
def get_column_statistics_for_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """Statistics of some of a table's columns; columns without any are listed in Errors."""
    body.pop("PartitionValues", None)
    return _get(lb, body)


@op("GetColumnStatisticsForPartition")
def get_column_statistics_for_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Statistics of some of a partition's columns."""
    require(body, "PartitionValues")
    return _get(lb, body)


@op("DeleteColumnStatisticsForTable")
def delete_column_statistics_for_table(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete one column's table statistics."""
    body.pop("PartitionValues", None)
    return _delete(lb, body)


@op("DeleteColumnStatisticsForPartition")
def delete_column_statistics_for_partition(lb: Lakebed, body: Body, call: Call) -> Body:
    """Delete one column's statistics in a partition."""
    require(body, "PartitionValues")
    return _delete(lb, body)


# -- statistics task runs ---------------------------------------------------------------


def _run_shape(run: ColumnStatisticsRun) -> Body:
    return {
        "CustomerId": CATALOG_ID,
        "ColumnStatisticsTaskRunId": run.id,
        "DatabaseName": run.database,
        "TableName": run.table,
        "ColumnNameList": list(run.columns),
        "CatalogID": CATALOG_ID,
        "Role": run.role,
        "SampleSize": run.sample_size,
        "WorkerType": "lakebed",
        "ComputationType": "FULL",
        "Status": run.state,
        "CreationTime": run.created_at,
        "LastUpdated": run.ended_at or run.created_at,
        "StartTime": run.created_at,
        "EndTime": run.ended_at,
        "ErrorMessage": run.error_message,
        "DPUSeconds": 0.0,
    }


@op("StartColumnStatisticsTaskRun")
def start_column_statistics_task_run(lb: Lakebed, body: Body, call: Call) -> Body:
    """Compute statistics of a table's columns from its data (done when this answers)."""
    require(body, "DatabaseName", "TableName")
    columns = body.get("ColumnNameList")
    run = lb.column_statistics_runs.start(
        body["DatabaseName"],
        body["TableName"],
        columns=[str(c) for c in columns] if columns else None,
        role=body.get("Role"),
        sample_size=body.get("SampleSize"),
    )
    return {"ColumnStatisticsTaskRunId": run.id}


@op("GetColumnStatisticsTaskRun")
def get_column_statistics_task_run(lb: Lakebed, body: Body, call: Call) -> Body:
    """One statistics run."""
    require(body, "ColumnStatisticsTaskRunId")
    run = lb.column_statistics_runs.get(body["ColumnStatisticsTaskRunId"])
    return {"ColumnStatisticsTaskRun": _run_shape(run)}


@op("GetColumnStatisticsTaskRuns")
def get_column_statistics_task_runs(lb: Lakebed, body: Body, call: Call) -> Body:
    """A table's statistics runs, newest first."""
    require(body, "DatabaseName", "TableName")
    runs = lb.column_statistics_runs.list(database=body["DatabaseName"], table=body["TableName"])
    chunk, token = page(
        [_run_shape(r) for r in runs], body.get("NextToken"), body.get("MaxResults"), 100
    )
    return {"ColumnStatisticsTaskRuns": chunk, "NextToken": token}


@op("ListColumnStatisticsTaskRuns")
def list_column_statistics_task_runs(lb: Lakebed, body: Body, call: Call) -> Body:
    """Ids of every statistics run, newest first."""
    ids = [r.id for r in lb.column_statistics_runs.list()]
    chunk, token = page(ids, body.get("NextToken"), body.get("MaxResults"), 100)
    return {"ColumnStatisticsTaskRunIds": chunk, "NextToken": token}
