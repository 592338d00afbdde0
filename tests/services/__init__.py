"""Real services the test run starts for itself (PostgreSQL, an S3-compatible store, …).

Each service is a class with ``start()``/``stop()``; ``tests/conftest.py`` turns them into
session fixtures, so every pytest-xdist worker starts its own copies on free loopback ports
and nothing is shared between workers. To add a service (MariaDB, Redis, Kafka …): write a
module here on top of ``_process.py``, install its Debian package in ``.ci/run`` (section
"Debian packages the tests need"), and add a fixture beside ``postgres_server``.
"""
