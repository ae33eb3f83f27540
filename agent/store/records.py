"""Frozen dataclasses kept in state.db as JSON (an interview, its event), and stored moments."""

from __future__ import annotations

import dataclasses
import enum
import json
import sqlite3
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")


def to_plain(value: Any) -> Any:
    """A JSON-ready value for a dataclass tree (a moment keeps its zone's name)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime cannot be stored")
        return {"$dt": value.isoformat(), "$tz": getattr(value.tzinfo, "key", None)}
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Serialize a dataclass tree to compact JSON."""
    return json.dumps(to_plain(value), ensure_ascii=False, separators=(",", ":"))


def loads(cls: type[T], text: str) -> T:
    """Rebuild a dataclass tree of type `cls` from JSON (fields it lacks take their defaults)."""
    return typing.cast(T, from_plain(cls, json.loads(text)))


@cache
def _hints(cls: type) -> dict[str, Any]:
    """Resolved field types of a dataclass."""
    return typing.get_type_hints(cls)


def from_plain(tp: Any, value: Any) -> Any:
    """Rebuild a value of type `tp` from its JSON form."""
    if tp in (str, int, float, bool):  # most of a tree: nothing to rebuild
        return value
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_plain(options[0], value)
    if origin is tuple:
        return tuple(from_plain(typing.get_args(tp)[0], v) for v in value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        fields = [f.name for f in dataclasses.fields(tp) if f.name in value]
        return tp(**{name: from_plain(hints[name], value[name]) for name in fields})
    if tp is datetime:
        if isinstance(value, str):  # a moment kept as bare ISO text
            return datetime.fromisoformat(value)
        moment = datetime.fromisoformat(value["$dt"])
        return moment.astimezone(ZoneInfo(value["$tz"])) if value.get("$tz") else moment
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    return value


def from_row(cls: type[T], row: sqlite3.Row, **given: Any) -> T:
    """A dataclass from a row whose columns are its fields (moments and enums decoded)."""
    hints, columns = _hints(cls), dict(row)
    names = [f.name for f in dataclasses.fields(cls) if f.name in columns and f.name not in given]
    return cls(**given, **{name: from_plain(hints[name], columns[name]) for name in names})


def put(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    """Insert a whole row, replacing the one with the same key (moments kept as ISO 8601 text)."""
    values = [v.isoformat() if isinstance(v, datetime) else v for v in row.values()]
    marks = ", ".join("?" * len(row))
    conn.execute(f"INSERT OR REPLACE INTO {table}({', '.join(row)}) VALUES({marks})", values)


def moment(text: str | None) -> datetime | None:
    """A moment stored in a column as ISO 8601 text (None when there is none)."""
    return datetime.fromisoformat(text) if text else None
