"""Front doors over HTTP: the AWS JSON 1.1 APIs (Athena, Glue), health and metrics.

Every door is thin: parse the request, call a service on the ``Lakebed`` object, shape the
response, map errors. ``app.py`` assembles them into one ASGI application.
"""
