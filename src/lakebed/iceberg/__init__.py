"""Iceberg tables: planning and reading (``scan``), writing files (``write``), atomic
commits with optimistic concurrency (``commit``), SQL DDL and DML (``ddl``, ``dml``),
schema/partition/snapshot evolution (``evolution``), maintenance (``maintenance``,
``schedule``), metadata tables and the statements sqlglot does not parse (``grammar``).

The PyIceberg catalog over lakebed's metastore is ``lakebed.catalog.iceberg.LakebedCatalog``.
"""
