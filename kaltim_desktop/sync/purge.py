# SPDX-License-Identifier: GPL-3.0-or-later
"""Erasure (UU PDP right to deletion, sync-design §3.8): what a ``purge`` op does on a replica,
and how the ops it redacts travel and are received.

:func:`redact` runs where the purge is written (``ChangeSet.purge``) and where it is applied
(``Applier._purge``). For a person it:

- blanks **every** column of the row (sex, education and skills included: together they still
  point at one person): NOT NULL texts (``name``, ``sex``) become ``""``, the rest NULL;
  ``deleted`` becomes true, ``merged_into`` NULL and ``updated_at`` the ``created_at``. The row
  itself stays, so later ops to it are recognised and nothing resurrects it. The final row
  depends on nothing the ops said, so every replica ends with the same row whatever it had
  applied before the purge;
- removes the person's name tokens (the search index);
- rewrites the ``fields``/``prev`` of every stored op of the person (the purge op aside) to
  ``{"redacted": true}`` (a create keeps ``""`` for its NOT NULL texts, so that a replica that
  never saw the person can still build the row), keeping ``op_hash``: idempotency and fork
  detection compare hashes, never contents;
- redacts what other records copied from the person, in their ops and their rows: the
  ``head_name`` of the households the person belonged to where it holds one of the person's
  names, the printed ``payload``/``content`` of the documents issued to the person and of the
  household's documents that print the person's name or NIK (the document number stays
  verifiable), the ``note`` of "not a duplicate" decisions about the person; in those ops only
  the copied values are blanked, the rest still applies;
- rewrites held ops of these records the same way, and remembers the records in the setting
  :data:`ERASED_SETTING` (ops to an erased record that arrive later are redacted on arrival and
  change nothing);
- blanks the person's values in the audit trail and re-seals its chain, and marks the database
  for a scrub (``VACUUM`` and a truncating WAL checkpoint), since SQLite keeps old page images
  in free pages and in the WAL (:mod:`.purge_audit`).

The membership rows stay (ids and the relation only); the service ends them with ordinary ops.
A household purge is not offered: a household's address is its members' address, and its
village code is what scopes every sync check.

**Redacted ops in bundles.** A redacted op no longer matches its hash, so it travels with the
hash beside it: the op's 13 keys (with the redacted ``set``/``prev``) plus ``"op_hash"``. The
codec carries it as canonical JSON (an op with an extra key does not fit the structured form).
The receiver stores it with that hash: for a slot already stored it is "already present" when
the hashes match and a fork when they do not; the original op arriving for a slot stored
redacted is "already present" too (same hash), so personal data never comes back.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from sqlalchemy import String, Text, delete, select, update
from sqlalchemy.orm import Session

from kaltim_desktop.models import (
    REPLICATED,
    Document,
    DuplicateDecision,
    Membership,
    Person,
    PersonNameToken,
    Setting,
    SyncHeldOp,
    SyncOp,
)
from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.sync.ops import EncodedOp, encode_parts
from kaltim_desktop.sync.projection import writable_columns
from kaltim_desktop.sync.purge_audit import SCRUB_SETTING, redact_audit

__all__ = [
    "ERASABLE",
    "HASH_KEY",
    "MARK",
    "REASONS",
    "encoding",
    "erased",
    "is_purged",
    "is_redacted_fields",
    "received",
    "redact",
    "wire_op",
]

# Why a record is erased: codes, never free text (the op travels to every replica).
REASONS = (
    "consent_withdrawn",  # the person withdrew consent (UU PDP Art. 9)
    "erasure_request",  # the person asked for deletion (UU PDP Art. 8)
    "registered_in_error",  # registered by mistake (wrong person, test entry)
    "minor_in_error",  # a child registered without a legal basis
)
ERASABLE = frozenset(("person",))
MARK = "redacted"
HASH_KEY = "op_hash"  # the original hash, beside a redacted op in a bundle
ERASED_SETTING = "sync.erased"  # JSON: {"entity/id": "record" | "copy"}
RECORD, COPY = "record", "copy"
# What other records copy from a person, by entity: the copied columns (the head's name kept
# on the household, what a document printed, a reviewer's note on a duplicate pair).
_COPIED = {
    "household": ("head_name",),
    "document": ("payload", "content"),
    "duplicate_decision": ("note",),
}
_MARK_JSON = '"redacted":true'
_HEX64 = re.compile(r"[0-9a-f]{64}")


@functools.cache
def _blanks(entity: str) -> dict[str, Any]:
    """Every op-writable column of ``entity`` at its blank value ("" when NOT NULL)."""
    table = REPLICATED[entity].__table__
    blanks: dict[str, Any] = {}
    writable = writable_columns(entity) - {"deleted", "merged_into"}
    for column in table.columns:
        if column.key not in writable:
            continue
        if column.nullable:
            blanks[column.key] = None
        elif isinstance(column.type, String | Text):
            blanks[column.key] = ""
        # A NOT NULL number or date has no blank: left out (see the check below).
    return blanks


for _entity in ERASABLE:  # an erased record has every column blanked
    if set(_blanks(_entity)) != writable_columns(_entity) - {"deleted", "merged_into"}:
        raise RuntimeError(f"{_entity}: a column without a blank value cannot be erased")


def _required_blanks(entity: str) -> dict[str, Any]:
    """The NOT NULL columns' blanks: what a redacted create keeps so the row can be built."""
    return {key: value for key, value in _blanks(entity).items() if value is not None}


# ---- redacting op payloads -------------------------------------------------------------------


def _record_payload(action: str, entity: str) -> dict:
    """The ``set`` of an op of an erased record: the marker (and a create's NOT NULL blanks)."""
    if action == "create":
        return {**_required_blanks(entity), MARK: True}
    return {MARK: True}


def _copy_payload(entity: str, fields: dict, values: frozenset[str] | None) -> dict:
    """``fields`` with the columns ``entity`` copies from a person blanked (those whose text
    holds one of ``values``, or all when ``values`` is None), marked when anything was;
    ``fields`` itself when nothing was."""
    hit = [
        k for k in _COPIED[entity]
        if isinstance(fields.get(k), str) and fields[k]
        and (values is None or any(v in fields[k] for v in values))
    ]  # fmt: skip
    if not hit:
        return fields
    blanks = _blanks(entity)
    return {**fields, **{k: blanks[k] for k in hit}, MARK: True}


def _copy_op(entity: str, fields: dict, prev: dict, values) -> tuple[dict, dict] | None:
    """The redacted ``set`` and ``prev`` of an op of a record holding copies, or None when it
    holds none of ``values`` (see :func:`_copy_payload`)."""
    new_fields = _copy_payload(entity, fields, values)
    new_prev = _copy_payload(entity, prev, values)
    if new_fields is fields and new_prev is prev:
        return None
    return {**new_fields, MARK: True}, new_prev


def _record_op(action: str, entity: str, prev: Any) -> tuple[dict, dict]:
    """The redacted ``set`` and ``prev`` of an op of an erased record (``prev``: the op's, or
    whether it had one)."""
    return _record_payload(action, entity), {MARK: True} if prev else {}


def is_redacted_fields(fields: Any) -> bool:
    """Whether a stored ``fields`` JSON text is a redacted payload (the marker is a key; inside a
    JSON string the same characters would be escaped)."""
    return type(fields) is str and _MARK_JSON in fields


# ---- redact ------------------------------------------------------------------------------------


def redact(session: Session, entity: str, entity_id: str) -> None:
    """Erase the personal data of ``entity_id`` on this replica (see the module docstring).

    Reads only the database: the caller has written its buffered rows and ops first."""
    if entity not in ERASABLE:
        raise ValueError(f"{entity} records cannot be erased")
    session.flush()
    names = _identity(session, entity_id, "name")
    identity = names | _identity(session, entity_id, "nik")
    redact_audit(session, f"{entity}/{entity_id}", identity)
    ops = session.execute(
        select(SyncOp.origin, SyncOp.seq, SyncOp.action, SyncOp.prev).where(
            SyncOp.entity == entity, SyncOp.entity_id == entity_id, SyncOp.action != "purge"
        )
    ).all()
    for origin, seq, action, prev in ops:
        _store(session, origin, seq, *_record_op(action, entity, prev != "{}"))
    copies = _copies(session, entity_id, frozenset(names), frozenset(identity))
    for (copy_entity, copy_id), values in copies.items():
        _redact_copy_ops(session, copy_entity, copy_id, values)
        _redact_copy_row(session, copy_entity, copy_id, values)
    _blank_row(session, entity, entity_id)
    _redact_held(session, (entity, entity_id), copies)
    _remember(session, {(entity, entity_id): RECORD, **dict.fromkeys(copies, COPY)})


def _identity(session: Session, person_id: str, column: str) -> set[str]:
    """Every value of ``column`` (name, NIK) the person had here: the row's and each one an op
    of the person wrote."""
    found = set()
    current = session.scalar(select(Person.__table__.c[column]).where(Person.id == person_id))
    if current:
        found.add(current)
    for fields, prev in session.execute(
        select(SyncOp.fields, SyncOp.prev).where(
            SyncOp.entity == "person", SyncOp.entity_id == person_id
        )
    ):
        for payload in (fields, prev):
            value = json.loads(payload).get(column)
            if isinstance(value, str) and value:
                found.add(value)
    return found


Copies = dict[tuple[str, str], frozenset[str] | None]


def _copies(session: Session, person_id: str, names, identity) -> Copies:
    """The records that may hold copies of the person's data, each with the values to look
    for in its copied columns (None: whatever they hold is the person's)."""
    households = sorted(
        session.scalars(
            select(Membership.household_id).where(Membership.person_id == person_id).distinct()
        )
    )
    copies: Copies = {("household", h): names for h in households}
    # The household's documents (an aid history lists its members) may print the person;
    # a document issued to the person is all about the person.
    for document_id, recipient in session.execute(
        select(Document.id, Document.person_id).where(
            (Document.person_id == person_id) | Document.household_id.in_(households)
        )
    ):
        copies[("document", document_id)] = None if recipient == person_id else identity
    decisions = select(DuplicateDecision.id).where(
        (DuplicateDecision.first_id == person_id) | (DuplicateDecision.second_id == person_id)
    )
    copies.update({("duplicate_decision", d): None for d in session.scalars(decisions)})
    return dict(sorted(copies.items()))


def _redact_copy_ops(session, entity: str, entity_id: str, values) -> None:
    rows = session.execute(
        select(SyncOp.origin, SyncOp.seq, SyncOp.fields, SyncOp.prev).where(
            SyncOp.entity == entity, SyncOp.entity_id == entity_id
        )
    ).all()
    for origin, seq, fields_json, prev_json in rows:
        redacted = _copy_op(entity, json.loads(fields_json), json.loads(prev_json), values)
        if redacted is not None:
            _store(session, origin, seq, *redacted)


def _store(session: Session, origin: str, seq: int, fields: dict, prev: dict) -> None:
    session.execute(
        update(SyncOp)
        .where(SyncOp.origin == origin, SyncOp.seq == seq)
        .values(fields=canonical_json(fields), prev=canonical_json(prev)),
        execution_options={"synchronize_session": False},
    )


def _blank_row(session: Session, entity: str, entity_id: str) -> None:
    table = REPLICATED[entity].__table__
    blanks = {**_blanks(entity), "deleted": True, "merged_into": None}
    if entity == "person":
        blanks["nik_reversed"] = None
    session.execute(
        update(table)
        .where(table.c.id == entity_id)
        .values(**blanks, updated_at=table.c.created_at),
        execution_options={"synchronize_session": False},
    )
    if entity == "person":
        session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == entity_id))
    session.expire_all()  # Core statements: the identity map must not show the old values


def _redact_copy_row(session: Session, entity: str, entity_id: str, values) -> None:
    """The copied columns of a row, blanked by the rule its ops were redacted by."""
    table = REPLICATED[entity].__table__
    columns = _COPIED[entity]
    row = session.execute(
        select(*(table.c[k] for k in columns)).where(table.c.id == entity_id)
    ).first()
    if row is None:
        return
    current = dict(zip(columns, row, strict=True))
    redacted = _copy_payload(entity, current, values)
    if redacted is not current:
        session.execute(
            update(table).where(table.c.id == entity_id).values({k: redacted[k] for k in columns}),
            execution_options={"synchronize_session": False},
        )


def _redact_held(session: Session, record: tuple[str, str], copies: dict) -> None:
    """Held ops (not applied yet) of the erased record and of its copies, rewritten to the form
    they travel in, so releasing them applies the redacted payload with the original hash."""
    for held in session.scalars(select(SyncHeldOp)).all():
        op = json.loads(held.line)
        key = (op.get("entity"), op.get("entity_id"))
        if key == record and op["action"] != "purge":
            redacted = _record_op(op["action"], key[0], op["prev"])
        elif key in copies:
            redacted = _copy_op(key[0], op["set"], op["prev"], copies[key])
            if redacted is None:
                continue
        else:
            continue
        op.update({"set": redacted[0], "prev": redacted[1], HASH_KEY: held.op_hash})
        held.line = canonical_json(op)


def _remember(session: Session, marks: dict[tuple[str, str], str]) -> None:
    known = _read_erased(session)
    for key, kind in marks.items():
        if known.get(key) != RECORD:  # a record stays a record even if it was a copy too
            known[key] = kind
    value = canonical_json({f"{e}/{i}": kind for (e, i), kind in sorted(known.items())})
    for name, text_value in ((ERASED_SETTING, value), (SCRUB_SETTING, "1")):
        row = session.get(Setting, name)
        if row is None:
            session.add(Setting(key=name, value=text_value))
        else:
            row.value = text_value
    session.flush()
    session.info["kaltim.erased"] = known


def _read_erased(session: Session) -> dict[tuple[str, str], str]:
    value = session.scalar(select(Setting.value).where(Setting.key == ERASED_SETTING))
    known: dict[tuple[str, str], str] = {}
    for key, kind in json.loads(value or "{}").items():
        entity, _slash, entity_id = key.partition("/")
        known[(entity, entity_id)] = kind
    return known


def erased(session: Session) -> dict[tuple[str, str], str]:
    """The records erased here (``RECORD``) and those they had copied into (``COPY``); read
    once per session (:func:`redact` keeps it current)."""
    known = session.info.get("kaltim.erased")
    if known is None:
        known = session.info["kaltim.erased"] = _read_erased(session)
    return known


def is_purged(session: Session, entity: str, entity_id: str) -> bool:
    """Whether the record was erased here (no query after the first: see :func:`erased`)."""
    return erased(session).get((entity, entity_id)) == RECORD


# ---- bundles -----------------------------------------------------------------------------------


def wire_op(op: dict[str, Any], op_hash: str) -> dict[str, Any]:
    """The form a redacted op travels in: its keys plus its original hash."""
    return {**op, HASH_KEY: op_hash}


def _valid_wire(op: dict[str, Any]) -> bool:
    value, fields = op.get(HASH_KEY), op.get("set")
    return (
        type(value) is str and _HEX64.fullmatch(value) is not None
        and type(fields) is dict and fields.get(MARK) is True
    )  # fmt: skip


def encoding(op: dict[str, Any]) -> EncodedOp:
    """The stored form of a received op: a redacted one keeps the hash it travelled with."""
    encoded = encode_parts(
        op["origin"], op["seq"], op["op_id"], op["hlc"], op["entity"], op["entity_id"],
        op["action"], op["base"], op["set"], op["prev"], op["partition"], op["actor"],
        op["schema"],
    )  # fmt: skip
    if HASH_KEY in op:
        return encoded._replace(hash=op[HASH_KEY])
    return encoded


def received(
    items: list[dict[str, Any]], hashed: list | None, erased_here: dict[tuple[str, str], str]
) -> list:
    """Prepare a received batch that holds redacted ops or touches records erased here
    (``Applier.receive``): each redacted op gets its stored encoding with its original hash;
    an op (not a purge) of a record erased here is redacted on arrival, in place in ``items``,
    so it changes nothing and, held, waits in its redacted form. Returns ``hashed`` for the
    batch (see :mod:`.bundles.decode_ahead`; a create's prepared row is dropped: the applier
    builds it from the redacted payload)."""
    from kaltim_desktop.sync.bundles.errors import E_DAMAGED, BundleRejected

    out = list(hashed) if hashed is not None else [None] * len(items)
    late = _late_values(items, erased_here)
    for index, op in enumerate(items):
        kind = erased_here.get((op["entity"], op["entity_id"]))
        if HASH_KEY in op:
            if not _valid_wire(op):
                raise BundleRejected(E_DAMAGED, "redacted op")
        elif kind == RECORD and op["action"] != "purge":
            redacted = _record_op(op["action"], op["entity"], op["prev"])
            op = items[index] = wire_op({**op, "set": redacted[0], "prev": redacted[1]},
                                        encoding(op).hash)  # fmt: skip
        elif kind == COPY and late and op["entity"] in _COPIED:
            redacted = _copy_op(op["entity"], op["set"], op["prev"], late)
            if redacted is None:
                continue
            op = items[index] = wire_op({**op, "set": redacted[0], "prev": redacted[1]},
                                        encoding(op).hash)  # fmt: skip
        else:
            continue
        out[index] = (*encoding(op), None)
    return out


def _late_values(items: list[dict[str, Any]], erased_here) -> frozenset[str]:
    """Names and NIKs that ops of persons erased here bring in this batch (a rename made before
    the laptop heard of the erasure): the same change set copied them into the household."""
    found = set()
    for op in items:
        if op["entity"] == "person" and erased_here.get(("person", op["entity_id"])) == RECORD:
            for payload in (op["set"], op["prev"]):
                found.update(
                    v for k in ("name", "nik") if isinstance(v := payload.get(k), str) and v
                )
    return frozenset(found)
