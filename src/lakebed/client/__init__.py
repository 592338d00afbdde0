"""Front doors for Python: ``connect`` (embedded or remote) and the DB-API module."""
