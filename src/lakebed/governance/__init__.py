"""Governance: principals and credentials (grants, filters and audit come later)."""

from __future__ import annotations

from lakebed.governance.principals import AccessKey, Principals

__all__ = ["AccessKey", "Principals"]
