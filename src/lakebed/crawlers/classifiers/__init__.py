"""Classifiers: one module per format, and the registry that orders them."""
