# SPDX-License-Identifier: GPL-3.0-or-later
"""Words of the review screens: kinds of items, field names and stored values as a reviewer
reads them (``15 Mei 1980``, ``Laki-laki``, ``Rp5.000.000``, a village's name)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_date_long, format_rupiah
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.exchange.mapping import FIELD_LABELS
from kaltim_desktop.i18n import N_, _
from kaltim_desktop.services.review_cards import place_name

KIND_LABELS = {
    "conflict": N_("Conflict"),
    "identity": N_("Identity changed on two laptops"),
    "deleted_edit": N_("Edited while deleted"),
    "duplicate": N_("Possible duplicate"),
    "invariant": N_("Province rule"),
    "parallel": N_("Parallel update"),
    "redirected": N_("Change to a merged record"),
}
STATUS_LABELS = {
    "open": N_("open"),
    "info": N_("for information"),
    "resolved": N_("resolved"),
    "dismissed": N_("not a duplicate"),
}
LEVEL_LABELS = {"duplicate": N_("duplicate"), "adjudicate": N_("needs a decision")}
ENTITY_LABELS = {
    "household": N_("Household"),
    "person": N_("Person"),
    "membership": N_("Membership"),
    "handover": N_("House handover"),
    "grant_award": N_("Business grant"),
    "training": N_("Training"),
    "enrolment": N_("Training participant"),
}
REASON_LABELS = {
    "same_nik": N_("same NIK"),
    "name": N_("similar name"),
    "birth_date": N_("same birth date"),
    "region": N_("same area"),
    "kk": N_("same KK"),
}
RULE_LABELS = {
    "households": N_("Person active in two households"),
    "handovers": N_("Two active house handovers for one household"),
    "grants": N_("Two grants of one programme in one period"),
}
_MORE_FIELDS = {
    "kk_as_of": N_("KK date"),
    "village_code": N_("Village (desa/kelurahan)"),
    "education": N_("Education"),
    "disability": N_("Disability"),
    "skills": N_("Skills"),
    "domicile_since": N_("Living in Kaltim since"),
    "gps_lat_e6": N_("GPS latitude"),
    "gps_lon_e6": N_("GPS longitude"),
    "dtsen_as_of": N_("DTSEN period"),
    "notes": N_("Notes"),
    "deleted": N_("Deleted"),
    "stage": N_("Stage"),
    "relation": N_("Relation to the head (SHDK)"),
    "active": N_("Active"),
}
_VOCABULARIES = {
    "sex": vocab.SEX,
    "relation": vocab.RELATION,
    "education": vocab.EDUCATION,
    "disability": vocab.DISABILITY,
    "house_type": vocab.HOUSE_TYPE,
    "agency": vocab.AGENCY,
    "skill_category": vocab.SKILL_CATEGORY,
}
_STAGES = {
    "handover": vocab.HANDOVER_STAGE,
    "grant_award": vocab.GRANT_STAGE,
    "enrolment": vocab.ENROLMENT_STATUS,
}


def label(mapping: dict[str, str], code: str | None) -> str:
    """The translated label of ``code``, or the code itself."""
    return _(mapping[code]) if code in mapping else (code or "")


def field_label(field: str) -> str:
    if field in FIELD_LABELS:
        return _(FIELD_LABELS[field])
    return label(_MORE_FIELDS, field)


def _day(value: date) -> str:
    return format_date_long(value)


def value_text(entity: str, field: str, value: Any) -> str:
    """A stored (or op) value in words; ``—`` for no value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "\n".join(
            f"{field_label(k)}: {value_text(entity, k, v)}" for k, v in sorted(value.items())
        )
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return _day(value)
    if field == "stage" and entity in _STAGES:
        return label(_STAGES[entity], value)
    if field in _VOCABULARIES:
        return label(_VOCABULARIES[field], value)
    if field == "village_code":
        return place_name(value)
    if field.endswith("_rupiah") and isinstance(value, int):
        return format_rupiah(value)
    if isinstance(value, str) and (field.endswith(("_date", "_on", "_as_of", "_since"))):
        try:
            return _day(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def when_text(moment: datetime | None) -> str:
    """``02-03-2026 09:00`` in the laptop's local time, or ``—``."""
    return moment.astimezone().strftime("%d-%m-%Y %H:%M") if moment else "—"


def laptop_text(head) -> str:
    """``L-7C2A0`` and, when the registry knows the laptop, where it works."""
    if head.device_role == "province":
        return "\n".join([head.device_id, _("Province office")])
    tree = region_tree()
    places = [tree.get(code).name for code in head.device_scope if tree.get(code) is not None]
    return "\n".join([head.device_id, ", ".join(places)]) if places else head.device_id


def programme_text(line) -> str:
    """One line of what a record received: ``Training: Menjahit — Completed, 3 Mei 2025``."""
    kinds = {
        "handover": (_("House handover"), vocab.HANDOVER_STAGE),
        "grant": (_("Business grant"), vocab.GRANT_STAGE),
        "training": (_("Training"), vocab.ENROLMENT_STATUS),
    }
    name, stages = kinds[line.kind]
    state = label(stages, line.stage) + (f", {_day(line.on)}" if line.on else "")
    return f"{name}: {line.title} — {state}" if line.title else f"{name} — {state}"
