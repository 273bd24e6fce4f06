# SPDX-License-Identifier: GPL-3.0-or-later
"""Households, persons, their memberships and house-condition assessments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desktop.models._base import Base, Replicated


class Household(Replicated, Base):
    """A family as registered by an officer, keyed by id (never by the KK number, which changes)."""

    __tablename__ = "household"
    # Result lists are ordered by the head's name.
    __table_args__ = (Index("ix_household_head_name_id", "head_name", "id"),)

    kk_number: Mapped[str | None] = mapped_column(String(16), index=True)
    kk_as_of: Mapped[date | None] = mapped_column(Date)
    village_code: Mapped[str] = mapped_column(String(13), index=True)
    rt: Mapped[int | None] = mapped_column(Integer)
    rw: Mapped[int | None] = mapped_column(Integer)
    hamlet: Mapped[str | None] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    # Micro-degrees: exact integers, so the op log never carries floats.
    gps_lat_e6: Mapped[int | None] = mapped_column(Integer)
    gps_lon_e6: Mapped[int | None] = mapped_column(Integer)
    dtsen_decile: Mapped[int | None] = mapped_column(SmallInteger)
    dtsen_as_of: Mapped[date | None] = mapped_column(Date)
    # The head's name is kept on the household for fast lists; services keep it in step.
    head_name: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)


class Person(Replicated, Base):
    """A person; the NIK is an ordinary indexed column because the same NIK twice is a
    duplicate to review, not a database error."""

    __tablename__ = "person"

    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    # Reversed NIK so that a search by the last digits (as printed on masked papers) uses an index.
    nik_reversed: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(1))
    birth_place: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    education: Mapped[str | None] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(100))
    disability: Mapped[str | None] = mapped_column(String(20))
    skills: Mapped[str | None] = mapped_column(Text)
    # Start of residence in Kaltim: the 3-year domicile rule of Pergub Kaltim 3/2025.
    domicile_since: Mapped[date | None] = mapped_column(Date)


class Membership(Replicated, Base):
    """A person's place in a household; a person is active in at most one household."""

    __tablename__ = "membership"
    # Covers "the active household of this person" without touching the table.
    __table_args__ = (
        Index("ix_membership_person_current", "person_id", "active", "deleted", "household_id"),
    )

    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"))
    relation: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    left_on: Mapped[date | None] = mapped_column(Date)

    @classmethod
    def current(cls) -> ColumnElement[bool]:
        """The memberships that count: active and not tombstoned."""
        return and_(cls.active.is_(True), cls.deleted.is_(False))


class HouseAssessment(Replicated, Base):
    """One RTLH survey of a household's house; the newest one is the current condition."""

    __tablename__ = "house_assessment"

    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    floor_area_dm2: Mapped[int | None] = mapped_column(Integer)
    occupants: Mapped[int | None] = mapped_column(SmallInteger)
    roof_material: Mapped[str | None] = mapped_column(String(20))
    roof_condition: Mapped[str | None] = mapped_column(String(20))
    wall_material: Mapped[str | None] = mapped_column(String(20))
    wall_condition: Mapped[str | None] = mapped_column(String(20))
    floor_material: Mapped[str | None] = mapped_column(String(20))
    floor_condition: Mapped[str | None] = mapped_column(String(20))
    structure_condition: Mapped[str | None] = mapped_column(String(20))
    toilet: Mapped[str | None] = mapped_column(String(20))
    toilet_gooseneck: Mapped[bool | None] = mapped_column(Boolean)
    septic_tank: Mapped[bool | None] = mapped_column(Boolean)
    water_source: Mapped[str | None] = mapped_column(String(20))
    electricity: Mapped[str | None] = mapped_column(String(20))
    # The computed verdict is stored so reports and lists need not recompute it; it is a
    # function of the fields above and travels in the same op.
    decent: Mapped[bool | None] = mapped_column(Boolean)
    reasons: Mapped[str | None] = mapped_column(Text)


class PersonNameToken(Base):
    """Search index: one row per normalised name word; derived, rebuilt from ``person``."""

    __tablename__ = "person_name_token"
    __table_args__ = ({"sqlite_with_rowid": False},)

    token: Mapped[str] = mapped_column(String(60), primary_key=True)
    # Indexed on its own too: renaming a person deletes that person's tokens.
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
