"""Arrow extension types that mark what Trino calls a result column's type where the Arrow
storage alone cannot say it (``unknown``, ``interval year to month``, zoned timestamps …).
"""

from __future__ import annotations

import contextlib
from typing import ClassVar, TypeVar

import pyarrow as pa

M = TypeVar("M", bound=pa.ExtensionType)


class Mark(pa.ExtensionType):
    """A parameterless mark: subclasses name their ``storage`` and ``name``."""

    storage: ClassVar[pa.DataType]
    name: ClassVar[str]

    def __init__(self) -> None:
        super().__init__(self.storage, self.name)

    def __arrow_ext_serialize__(self) -> bytes:
        return b""

    @classmethod
    def __arrow_ext_deserialize__(cls, storage_type: pa.DataType, serialized: bytes) -> Mark:
        return cls()


def registered(mark: M) -> M:
    """``mark``, registered with Arrow (once: a module loaded twice registers again)."""
    with contextlib.suppress(pa.ArrowKeyError):
        pa.register_extension_type(mark)
    return mark
