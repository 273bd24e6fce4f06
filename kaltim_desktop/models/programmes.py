# SPDX-License-Identifier: GPL-3.0-or-later
"""House handovers, business-capital grants, trainings and enrolments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desktop.models._base import Base, Replicated


class Handover(Replicated, Base):
    """A decent house built with CSR money and handed over (serah terima rumah layak huni)."""

    __tablename__ = "handover"

    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    recipient_person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    stage: Mapped[str] = mapped_column(String(20), index=True)
    funder: Mapped[str | None] = mapped_column(String(200))
    building_partner: Mapped[str | None] = mapped_column(String(200))
    house_type: Mapped[str | None] = mapped_column(String(20))
    cost_rupiah: Mapped[int | None] = mapped_column(BigInteger)
    surveyed_on: Mapped[date | None] = mapped_column(Date)
    construction_started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    handed_over_on: Mapped[date | None] = mapped_column(Date)
    bast_number: Mapped[str | None] = mapped_column(String(80))
    first_party_name: Mapped[str | None] = mapped_column(String(120))
    first_party_nip: Mapped[str | None] = mapped_column(String(18))
    first_party_position: Mapped[str | None] = mapped_column(String(200))
    partner_signatory: Mapped[str | None] = mapped_column(String(200))
    photo_refs: Mapped[str | None] = mapped_column(Text)  # JSON list of SHA-256 content hashes
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class Grant(Replicated, Base):
    """A business-capital grant (bantuan modal usaha), Pergub Kaltim 3/2025."""

    __tablename__ = "grant_award"

    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    recipient_person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    programme: Mapped[str] = mapped_column(String(40))
    period: Mapped[int] = mapped_column(SmallInteger)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    form: Mapped[str] = mapped_column(String(20))
    business_type: Mapped[str | None] = mapped_column(String(120))
    agency: Mapped[str] = mapped_column(String(30))
    amount_rupiah: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[str | None] = mapped_column(Text)
    decision_number: Mapped[str | None] = mapped_column(String(80))
    proposed_on: Mapped[date | None] = mapped_column(Date)
    verified_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    void_reason: Mapped[str | None] = mapped_column(Text)


class Training(Replicated, Base):
    """A skills training run by a provincial agency."""

    __tablename__ = "training"

    title: Mapped[str] = mapped_column(String(200))
    skill_category: Mapped[str] = mapped_column(String(30))
    agency: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    trainer: Mapped[str | None] = mapped_column(String(200))
    hours: Mapped[int | None] = mapped_column(SmallInteger)  # jam pelajaran (JP)
    regency_code: Mapped[str | None] = mapped_column(String(5), index=True)


class Enrolment(Replicated, Base):
    """A person's place in a training; the id is derived from (training, person), so the same
    enrolment made on two laptops collapses into one record."""

    __tablename__ = "enrolment"

    training_id: Mapped[str] = mapped_column(ForeignKey("training.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    attended_days: Mapped[str | None] = mapped_column(Text)  # JSON list of ISO dates
    completed_on: Mapped[date | None] = mapped_column(Date)
