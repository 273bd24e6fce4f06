# SPDX-License-Identifier: GPL-3.0-or-later
"""What a receiver allows the sender of a bundle (:class:`Policy`) and the checks of each
received op against it (:func:`check_shape`, :func:`check_rights`); what applying did
(:class:`Outcome`); the scope rule both sides use (:func:`in_scope`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kaltim_desktop.models import REPLICATED
from kaltim_desktop.sync.bundles.errors import E_DAMAGED, E_OWNERSHIP, E_SCOPE, BundleRejected

OP_KEYS = frozenset(
    ("origin", "seq", "op_id", "hlc", "entity", "entity_id", "action", "base", "set", "prev",
     "partition", "actor", "schema")
)  # fmt: skip
ACTIONS = frozenset(("create", "update", "delete", "undelete", "resolve", "merge", "purge"))
PROVINCE_ONLY_STAGES = {"grant_award": frozenset(("approved",))}


def in_scope(region: str | None, scope: tuple[str, ...]) -> bool:
    """``64.72.06.1001`` is in scope ``64.72``; ``64.721…`` is not."""
    if not region:
        return False
    return any(region == s or region.startswith(s + ".") for s in scope)


@dataclass(frozen=True)
class Policy:
    """What the receiver allows this sender.

    ``own_device``: set for a district sender, whose ops must all be its own; ``scope``: None
    for the province (it may send anything); ``valid_through``: origin → last accepted seq of
    a revoked device; ``province_devices``: device ids whose origins may approve grants.
    """

    own_device: str | None
    scope: tuple[str, ...] | None
    province_devices: frozenset[str]
    valid_through: dict[str, int] = field(default_factory=dict)
    revoked: bool = False
    check_clock: bool = False
    bundle_id: str | None = None


@dataclass
class Outcome:
    applied: int = 0
    already: int = 0
    held_gap: int = 0
    held_revoked: int = 0
    held_clock: int = 0
    released: int = 0
    per_entity: Counter = field(default_factory=Counter)
    gaps: dict[str, int] = field(default_factory=dict)  # origin -> first missing seq

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "already": self.already,
            "held_gap": self.held_gap,
            "held_revoked": self.held_revoked,
            "held_clock": self.held_clock,
            "released": self.released,
            "per_entity": {f"{e}.{a}": n for (e, a), n in sorted(self.per_entity.items())},
            "gaps": dict(self.gaps),
        }


def device_of(origin: str) -> str:
    return origin.rpartition("#")[0]


# A redacted op (erasure, :mod:`kaltim_desktop.sync.purge`) travels with its original hash.
REDACTED_KEYS = OP_KEYS | {"op_hash"}


def check_shape(op: dict[str, Any]) -> bool:
    """Refuse an op that is not exactly shaped as this version writes them (extra top-level
    keys would change its hash); return whether it is a redacted op (see ``REDACTED_KEYS``)."""
    redacted = False
    ok = (
        (op.keys() == OP_KEYS or (redacted := op.keys() == REDACTED_KEYS))
        and op["entity"] in REPLICATED
        and op["action"] in ACTIONS
        and isinstance(op["seq"], int) and op["seq"] > 0
        and isinstance(op["origin"], str) and "#" in op["origin"]
        and isinstance(op["set"], dict) and isinstance(op["base"], dict)
        and isinstance(op["prev"], dict)
        and isinstance(op["entity_id"], str) and isinstance(op["hlc"], str)
    )  # fmt: skip
    if not ok:
        raise BundleRejected(E_DAMAGED, "op shape")
    return redacted


def check_rights(op: dict[str, Any], policy: Policy, region: Callable[[dict], str | None]) -> None:
    """The sender may write this op: its own origin only (a district), inside its scope (the
    op's partition *and* ``region(op)``, the record's region as stored here), and a grant
    approved only by a province origin."""
    if policy.own_device is not None and device_of(op["origin"]) != policy.own_device:
        raise BundleRejected(E_SCOPE, "op of another origin")
    if policy.scope is not None:
        if op["partition"] and not in_scope(op["partition"], policy.scope):
            raise BundleRejected(E_SCOPE, "partition outside scope")
        if not in_scope(region(op), policy.scope):
            raise BundleRejected(E_SCOPE, "record outside scope")
    stages = PROVINCE_ONLY_STAGES.get(op["entity"])
    if (
        stages
        and op["set"].get("stage") in stages
        and device_of(op["origin"]) not in policy.province_devices
    ):
        raise BundleRejected(E_OWNERSHIP, "district origin approves a grant")
    # Erasure is decided at the province (districts ask it to erase).
    if op["action"] == "purge" and device_of(op["origin"]) not in policy.province_devices:
        raise BundleRejected(E_OWNERSHIP, "district origin purges a record")
