"""The SQL pipeline: parse → analyze → bind → translate → run (see ``pipeline.py``)."""
