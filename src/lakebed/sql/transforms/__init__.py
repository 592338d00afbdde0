"""Trino → DuckDB rewrite rules, one module per family; ``sql/translate.py`` orders them."""
