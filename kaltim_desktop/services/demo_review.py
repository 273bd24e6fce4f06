# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo data for the review page: a few persons registered a second time, as happens in the
field (a migrant registered again, a name spelt differently, a NIK left out), and the
province's duplicate scan run over them. Everything goes through the ordinary services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kaltim_desktop.db import Database
from kaltim_desktop.models import Household, Membership, Person
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.province_checks import check_everything

# How each second registration differs from the first: the NIK kept or left out, and the name.
_VARIANTS = (
    (True, lambda name: name),  # the same person, the same NIK, registered again elsewhere
    (True, lambda name: "H. " + name),  # with a title after the pilgrimage
    (False, lambda name: name.replace("Muhammad", "M.").replace("Ahmad", "Achmad")),
    (False, lambda name: name[:-1] + name[-1] * 2 if len(name) > 4 else name),  # a typo
)


@dataclass(frozen=True)
class DemoReview:
    registered_again: int
    duplicates: int


def add_demo_duplicates(db: Database, actor: Actor) -> DemoReview:
    """Register a few heads of household a second time in a neighbouring household and run
    the duplicate scan, so the review page has pairs to show."""
    with db.read() as session:
        heads = session.execute(
            select(Person, Household.village_code)
            .join(Membership, Membership.person_id == Person.id)
            .join(Household, Household.id == Membership.household_id)
            .where(Membership.relation == "head", Membership.current(), Person.nik.is_not(None))
            .where(Person.birth_date.is_not(None))
            .order_by(Person.id)
            .limit(len(_VARIANTS) * 7)
        ).all()
    chosen = heads[:: max(1, len(heads) // len(_VARIANTS))][: len(_VARIANTS)]
    for (person, village), (keep_nik, spelt) in zip(chosen, _VARIANTS, strict=False):
        head = MemberInput(
            name=spelt(person.name), sex=person.sex, relation="head",
            nik=person.nik if keep_nik else None, birth_place=person.birth_place,
            birth_date=person.birth_date, occupation=person.occupation,
        )  # fmt: skip
        save_household(
            db, actor, HouseholdInput(village_code=village, rt=1, members=(head,)),
            confirm_warnings=True,  # the officer was told and saved anyway
        )  # fmt: skip
    result = check_everything(db, actor)
    return DemoReview(len(chosen), result.duplicates_new)
