"""Turns ORM rows into plain JSON objects column by column and back (uuid, timestamps, dates, enums, bytes), so a
package carries every stored field of the case, and the importer writes them back unchanged.
"""

from __future__ import annotations

import base64
import enum
import uuid
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Date, Enum, LargeBinary, Uuid

from hub.db.base import Base, UTCDateTime

M = TypeVar("M", bound=Base)


def _to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def to_row(obj: Base, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: _to_json(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in exclude}


def values_to_row(values: dict[str, Any]) -> dict[str, Any]:
    """`to_row` of column values that were written as a row (not an ORM object)."""
    return {key: _to_json(value) for key, value in values.items()}


def _from_json(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID(str(value))
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value


def column_values(model: type[Base], row: dict[str, Any], *, exclude: tuple[str, ...] = (), **overrides: Any) -> dict[str, Any]:
    """The row's columns of `model` as Python values (unknown keys ignored) with `overrides` on top."""
    values = {}
    for column in model.__table__.columns:
        if column.key in exclude or column.key in overrides or column.key not in row:
            continue
        values[column.key] = _from_json(column, row[column.key])
    return {**values, **overrides}


def from_row(model: type[M], row: dict[str, Any], *, exclude: tuple[str, ...] = (), **overrides: Any) -> M:
    """A new, unsaved instance of `model` with the row's columns (unknown keys ignored) and `overrides` on top."""
    return model(**column_values(model, row, exclude=exclude, **overrides))
