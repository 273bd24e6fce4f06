# SPDX-License-Identifier: GPL-3.0-or-later
"""Document data ↔ JSON, so an issued document's content is stored once and a reprint draws
exactly what was issued, even after the registry changed."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import fields, is_dataclass
from datetime import date
from functools import cache
from typing import Any

from kaltim_desktop.reports.documents import model as m

KIND_CLASSES = {
    m.BAST: m.BastData,
    m.RLH_CERTIFICATE: m.RlhCertificateData,
    m.GRANT_CERTIFICATE: m.GrantCertificateData,
    m.TRAINING_CERTIFICATE: m.TrainingCertificateData,
    m.AID_HISTORY: m.AidHistoryData,
}


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(data: m.DocumentData) -> str:
    return json.dumps(_plain(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(m))


def _build(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_build(item, v) for v in value)
    if tp is date:
        return date.fromisoformat(value)
    if isinstance(tp, type) and is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{f.name: _build(hints[f.name], value[f.name]) for f in fields(tp)})
    return value


def loads(kind: str, text: str) -> m.DocumentData:
    return _build(KIND_CLASSES[kind], json.loads(text))
