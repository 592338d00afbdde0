"""Athena data catalogs (Create/Get/List/Update/Delete) and tags through boto3 against a
real server process.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

ARN = "arn:aws:athena:us-east-1:000000000000"


def _error(e: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    r = e.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Message"]


def test_data_catalog_lifecycle(server: Any) -> None:
    athena = server.client("athena")
    created = athena.create_data_catalog(
        Name="other_glue",
        Type="GLUE",
        Description="another account's Glue",
        Parameters={"catalog-id": "123456789012"},
        Tags=[{"Key": "team", "Value": "data"}],
    )["DataCatalog"]
    assert created["Status"] == "CREATE_COMPLETE" and created["Type"] == "GLUE"
    got = athena.get_data_catalog(Name="other_glue")["DataCatalog"]
    assert got["Parameters"] == {"catalog-id": "123456789012"}
    assert got["Description"] == "another account's Glue"
    names = [c["CatalogName"] for c in athena.list_data_catalogs()["DataCatalogsSummary"]]
    assert names[0] == "AwsDataCatalog" and "other_glue" in names

    athena.update_data_catalog(
        Name="other_glue",
        Type="HIVE",
        Parameters={"metadata-function": "arn:aws:lambda:us-east-1:1:function:hms"},
    )
    got = athena.get_data_catalog(Name="other_glue")["DataCatalog"]
    assert got["Type"] == "HIVE" and "Description" not in got
    assert athena.list_tags_for_resource(ResourceARN=f"{ARN}:datacatalog/other_glue")["Tags"] == [
        {"Key": "team", "Value": "data"}
    ]

    deleted = athena.delete_data_catalog(Name="other_glue")["DataCatalog"]
    assert deleted["Name"] == "other_glue" and deleted["Status"] == "DELETE_COMPLETE"
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.get_data_catalog(Name="other_glue")
    assert _error(e)[:2] == ("InvalidRequestException", 400)
    assert e.value.response["AthenaErrorCode"] == "CATALOG_NOT_FOUND"


def test_lambda_catalog_takes_either_parameter_form(server: Any) -> None:
    athena = server.client("athena")
    fn = "arn:aws:lambda:us-east-1:1:function:f"
    athena.create_data_catalog(Name="lam_one", Type="LAMBDA", Parameters={"function": fn})
    athena.create_data_catalog(
        Name="lam_two",
        Type="LAMBDA",
        Parameters={"metadata-function": fn, "record-function": fn},
    )
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.create_data_catalog(
            Name="lam_bad", Type="LAMBDA", Parameters={"record-function": fn}
        )
    assert "metadata-function+record-function or function" in _error(e)[2]
    for name in ("lam_one", "lam_two"):
        athena.delete_data_catalog(Name=name)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"Name": "g1", "Type": "GLUE"}, "needs the parameter(s) catalog-id"),
        ({"Name": "bad name!", "Type": "GLUE", "Parameters": {"catalog-id": "1"}}, "letters"),
        (
            {"Name": "fed", "Type": "FEDERATED", "Parameters": {"connection-type": "MYSQL"}},
            "FEDERATED",
        ),
        ({"Name": "AwsDataCatalog", "Type": "GLUE", "Parameters": {"catalog-id": "1"}}, "built-in"),
    ],
)
def test_create_data_catalog_refuses_bad_input(server: Any, kwargs: Any, message: str) -> None:
    athena = server.client("athena")
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.create_data_catalog(**kwargs)
    assert message in _error(e)[2]


def test_aws_data_catalog_is_fixed_and_names_are_unique(server: Any) -> None:
    athena = server.client("athena")
    for call in (
        lambda: athena.delete_data_catalog(Name="AwsDataCatalog"),
        lambda: athena.update_data_catalog(
            Name="AwsDataCatalog", Type="GLUE", Parameters={"catalog-id": "1"}
        ),
    ):
        with pytest.raises(athena.exceptions.InvalidRequestException) as e:
            call()
        assert "AwsDataCatalog cannot be" in _error(e)[2]
    assert athena.get_data_catalog(Name="AwsDataCatalog")["DataCatalog"]["Type"] == "GLUE"

    athena.create_data_catalog(Name="dup", Type="GLUE", Parameters={"catalog-id": "1"})
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.create_data_catalog(Name="DUP", Type="GLUE", Parameters={"catalog-id": "2"})
    assert "already exists" in _error(e)[2]
    with pytest.raises(athena.exceptions.InvalidRequestException):
        athena.delete_data_catalog(Name="never_made")
    with pytest.raises(athena.exceptions.InvalidRequestException):
        athena.update_data_catalog(Name="never_made", Type="GLUE", Parameters={"catalog-id": "1"})
    # A registered catalog is a record: queries still run in AwsDataCatalog only.
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.start_query_execution(
            QueryString="SELECT 1", QueryExecutionContext={"Catalog": "dup"}
        )
    assert "runs queries in AwsDataCatalog only" in _error(e)[2]
    with pytest.raises(athena.exceptions.MetadataException) as e:
        athena.list_databases(CatalogName="dup")
    assert "reads databases and tables from AwsDataCatalog only" in _error(e)[2]
    with pytest.raises(athena.exceptions.MetadataException) as e:
        athena.list_databases(CatalogName="never_made")
    assert "does not exist" in _error(e)[2]
    athena.delete_data_catalog(Name="dup")


def test_workgroup_tags_add_overwrite_list_and_remove(server: Any) -> None:
    athena = server.client("athena")
    athena.create_work_group(Name="tagged", Tags=[{"Key": "owner", "Value": "ana"}])
    arn = f"{ARN}:workgroup/tagged"
    athena.tag_resource(
        ResourceARN=arn, Tags=[{"Key": "owner", "Value": "bo"}, {"Key": "cost", "Value": "7"}]
    )
    assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "cost", "Value": "7"},
        {"Key": "owner", "Value": "bo"},
    ]
    athena.untag_resource(ResourceARN=arn, TagKeys=["cost", "not-there"])
    assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "owner", "Value": "bo"}
    ]
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.tag_resource(ResourceARN=arn, Tags=many)
    assert "at most 50 tags" in _error(e)[2]
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.tag_resource(ResourceARN=arn, Tags=[{"Key": "aws:x", "Value": "v"}])
    assert "reserved prefix" in _error(e)[2]
    # Nothing half-applied: the refused calls left the tags as they were.
    assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "owner", "Value": "bo"}
    ]
    athena.delete_work_group(WorkGroup="tagged")


def test_tags_of_a_data_catalog_page(server: Any) -> None:
    athena = server.client("athena")
    athena.create_data_catalog(Name="paged", Type="GLUE", Parameters={"catalog-id": "1"})
    arn = f"{ARN}:datacatalog/paged"
    athena.tag_resource(
        ResourceARN=arn, Tags=[{"Key": f"k{i:02}", "Value": str(i)} for i in range(40)]
    )
    first = athena.list_tags_for_resource(ResourceARN=arn, MaxResults=75)
    assert len(first["Tags"]) == 40 and "NextToken" not in first
    keys = [
        t["Key"]
        for p in athena.get_paginator("list_tags_for_resource").paginate(ResourceARN=arn)
        for t in p["Tags"]
    ]
    assert keys == [f"k{i:02}" for i in range(40)]
    athena.delete_data_catalog(Name="paged")


def test_tagging_unknown_or_malformed_resources(server: Any) -> None:
    athena = server.client("athena")
    missing = f"{ARN}:workgroup/nobody"
    for call in (
        lambda: athena.tag_resource(ResourceARN=missing, Tags=[{"Key": "a", "Value": "b"}]),
        lambda: athena.untag_resource(ResourceARN=missing, TagKeys=["a"]),
        lambda: athena.list_tags_for_resource(ResourceARN=missing),
        lambda: athena.list_tags_for_resource(ResourceARN=f"{ARN}:datacatalog/nobody"),
    ):
        with pytest.raises(athena.exceptions.ResourceNotFoundException) as e:
            call()
        assert _error(e)[1] == 400
        assert e.value.response.get("ResourceName", "").startswith(ARN)
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.list_tags_for_resource(ResourceARN="arn:aws:s3:::bucket")
    assert "not the ARN of an Athena workgroup" in _error(e)[2]
    with pytest.raises(athena.exceptions.InvalidRequestException) as e:
        athena.tag_resource(
            ResourceARN=f"{ARN}:datacatalog/AwsDataCatalog", Tags=[{"Key": "a", "Value": "b"}]
        )
    assert "cannot be tagged" in _error(e)[2]
