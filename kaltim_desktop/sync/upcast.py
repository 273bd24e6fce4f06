# SPDX-License-Identifier: GPL-3.0-or-later
"""Upcasting ops written by an older sync schema (sync-design §3.10).

When an op's payload changes meaning (a field renamed, re-typed, split), :data:`SYNC_SCHEMA`
is raised and an **upcaster** is registered for each entity whose fields changed, keyed by
``(entity, from_schema)``: it turns the ``set`` of an op of ``from_schema`` into the shape of
``from_schema + 1``. :func:`upcast` chains them up to today's schema.

Upcasting is for *applying* only: the checks and the tables see today's shape, while the op as
the origin wrote it — its text, its hash, what is stored in ``sync_op`` and what is exported
again — never changes (history is never rewritten; a fork check compares the original hash).
Laptops in the field upgrade late, so upcasters are kept for at least the last two schemas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kaltim_desktop.sync.ops import SYNC_SCHEMA

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

# (entity, from_schema) -> function of an old ``set`` returning the next schema's ``set``.
# No op schema has changed yet: the registry is empty until SYNC_SCHEMA is first raised.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def register(entity: str, from_schema: int, upcaster: Upcaster) -> Upcaster:
    """Register ``upcaster`` for ops of ``entity`` written with ``from_schema``."""
    key = (entity, from_schema)
    if key in UPCASTERS:
        raise ValueError(f"an upcaster for {entity} from schema {from_schema} exists")
    UPCASTERS[key] = upcaster
    return upcaster


def upcast(op: dict[str, Any]) -> dict[str, Any]:
    """``op`` with its ``set`` in today's shape; ``op`` itself when it is already current.

    The result is a new dict (the received op is left untouched, so its hash and stored text
    stay the origin's); its ``schema`` is still the origin's. A schema step without a
    registered upcaster changed nothing for that entity.
    """
    schema = op.get("schema")
    if type(schema) is not int or schema >= SYNC_SCHEMA:
        return op
    fields = dict(op["set"])
    entity = op.get("entity")
    for step in range(schema, SYNC_SCHEMA):
        upcaster = UPCASTERS.get((entity, step))
        if upcaster is not None:
            fields = upcaster(fields)
    return {**op, "set": fields}
