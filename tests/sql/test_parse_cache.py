"""A repeated query is parsed once; every caller still gets a tree of its own."""

from __future__ import annotations

from sqlglot import exp

from lakebed.sql.parse import QUERIES, parse


def test_repeated_query_text_is_parsed_once() -> None:
    text = "SELECT 1 AS parse_cache_probe"
    first = parse(text)
    hits = QUERIES.hits
    again = parse(text + ";")  # the same statement
    assert QUERIES.hits == hits + 1
    assert (again.kind, again.statement_type) == (first.kind, first.statement_type)
    assert again.node == first.node


def test_each_parse_gets_its_own_tree() -> None:
    text = "SELECT a FROM parse_cache_t WHERE a > 1"
    first = parse(text)
    first.node.find(exp.Table).set("this", exp.to_identifier("changed"))
    again = parse(text)
    assert again.node.find(exp.Table).name == "parse_cache_t"
    assert again.node is not parse(text).node


def test_statements_other_than_queries_are_not_kept() -> None:
    text = "DROP TABLE IF EXISTS parse_cache_t"
    parse(text)
    hits = QUERIES.hits
    assert parse(text).kind == "DROP_TABLE"
    assert QUERIES.hits == hits
