# SPDX-License-Identifier: GPL-3.0-or-later
"""Synthetic programme records for demo data: house assessments, handovers, grants, trainings.

The records follow the rules the programme services enforce, so the demo looks like data those
services could have written: a handover's stage dates run forward and none lies in the future;
the BAST recipient is an adult member; business grants go only to households whose house was
handed over, to a member aged 17 or more with three years' residence (Pergub Kaltim 3/2025);
training participants meet the same age and residence rules, and an enrolment's id is derived
from the training and the person like the trainings service does.

Funders (PT names) and officials are fictional. The Kodim numbers follow the Kodam VI/Mulawarman
territorial units as commonly cited and are used only as labels.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from datetime import date, timedelta
from itertools import accumulate

from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.domain.rtlh import HouseCondition, assess
from kaltim_desktop.services.demo_people import REGENCIES, Family
from kaltim_desktop.services.programme_rules import MIN_AGE, RESIDENCE_YEARS, age_on, years_before
from kaltim_desktop.services.training_rules import enrolment_id

HANDOVER_SHARE = 0.04  # of the households whose house is not decent
GRANT_SHARE = 0.6  # of the households whose house was handed over
ENROLMENT_SHARE = 0.05  # of all households: one adult joins a training
HOUSEHOLDS_PER_TRAINING = 500

_FUNDERS = ("PT Mahakam Bara Sejahtera", "PT Borneo Sawit Lestari", "PT Kaltim Energi Nusantara",
            "PT Benua Etam Mining", "PT Sungai Kedang Plantation", "PT Teluk Balikpapan Logistik",
            "PT Bontang Petrokimia Mandiri", "PT Bank Etam Sejahtera")  # fmt: skip
_KODIM = {"64.72": "0901/Samarinda", "64.03": "0902/Berau", "64.01": "0904/Paser",
          "64.71": "0905/Balikpapan", "64.02": "0906/Kutai Kartanegara", "64.74": "0908/Bontang",
          "64.08": "0909/Kutai Timur", "64.07": "0912/Kutai Barat", "64.11": "0912/Kutai Barat",
          "64.09": "0913/Penajam Paser Utara"}  # fmt: skip
_FIRST_PARTY = (("Drs. Syahrial Fadli, M.Si.", "196811141994031007"),
                ("Ir. Rahmawati Yusuf, M.T.", "197203082000032004"))  # fmt: skip
_FIRST_POSITION = "Kepala Biro Administrasi Pembangunan Setda Provinsi Kalimantan Timur"
_CANCEL_REASONS = ("Status lahan bersengketa", "Penerima pindah domisili",
                   "Penerima tidak bersedia rumah lama dibongkar")  # fmt: skip
_BUSINESS = {
    "Warung sembako": ("Etalase kaca", "Timbangan digital", "Rak barang"),
    "Usaha kue basah": ("Oven gas", "Mixer", "Kompor gas 2 tungku", "Loyang"),
    "Jahit pakaian": ("Mesin jahit", "Mesin obras", "Gunting kain"),
    "Bengkel sepeda motor": ("Kompresor", "Kunci set", "Dongkrak"),
    "Budidaya ikan nila": ("Terpal kolam", "Benih ikan", "Pakan ikan"),
    "Kerajinan anyaman rotan": ("Rotan olahan", "Pisau raut", "Pewarna"),
    "Pangkas rambut": ("Kursi pangkas", "Mesin cukur", "Cermin"),
    "Usaha amplang": ("Penggorengan", "Alat press plastik", "Kompor gas 2 tungku"),
}
_GRANT_FORMS = (("tools_materials", 50), ("training", 20), ("cash", 20), ("apprenticeship", 10))
_TRAINING_TITLES = {
    "food_processing": ("Pelatihan Pengolahan Pangan Berbasis Ikan",
                        "Pelatihan Pembuatan Amplang dan Kerupuk"),
    "rattan_craft": ("Pelatihan Kerajinan Anyaman Rotan", "Pelatihan Kriya Rotan dan Manik"),
    "sewing": ("Pelatihan Menjahit Pakaian", "Pelatihan Menjahit dan Bordir"),
    "carpentry": ("Pelatihan Pertukangan Kayu", "Pelatihan Pembuatan Mebel Kayu"),
    "barbering": ("Pelatihan Pangkas Rambut",),
    "agriculture": ("Pelatihan Budidaya Ikan Air Tawar", "Pelatihan Hidroponik Sayuran"),
    "other": ("Pelatihan Perbaikan Sepeda Motor", "Pelatihan Servis Telepon Seluler"),
}  # fmt: skip
_AGENCIES = (("disperindagkop", 55), ("disnakertrans", 35), ("dinsos", 10))
# House materials for a sound and for a poor house (domain.md §3.1 lists); codes from vocab.
_SOUND = {
    "roof_material": (
        ("metal_sheet", 70),
        ("clay_tile", 10),
        ("wood_shingle", 15),
        ("concrete", 5),
    ),
    "wall_material": (("wood_plank", 60), ("masonry", 35), ("plastered_bamboo", 3), ("log", 2)),
    "floor_material": (("wood_plank", 50), ("cement_brick", 25), ("ceramic", 20), ("terrazzo", 5)),
    "condition": (("good", 70), ("light_damage", 30)),
    "toilet": (("own", 85), ("shared", 15)),
    "water_source": (
        ("piped_metered", 40),
        ("piped_retail", 8),
        ("drilled_well", 20),
        ("protected_well", 15),
        ("rainwater", 15),
        ("public_tap", 2),
    ),
    "electricity": (("pln_metered", 80), ("pln_unmetered", 15), ("non_pln", 5)),
}
_POOR = {
    "roof_material": (("metal_sheet", 55), ("clay_tile", 4), ("wood_shingle", 12),
                      ("asbestos", 10), ("thatch", 15), ("other", 4)),
    "wall_material": (("wood_plank", 55), ("masonry", 8), ("bamboo", 12),
                      ("plastered_bamboo", 3), ("log", 5), ("unplastered_brick", 10),
                      ("other", 7)),
    "floor_material": (("wood_plank", 45), ("cement_brick", 20), ("ceramic", 3), ("earth", 18),
                       ("bamboo", 12), ("other", 2)),
    "condition": (("good", 25), ("light_damage", 40), ("heavy_damage", 35)),
    "toilet": (("own", 40), ("shared", 20), ("public", 15), ("none", 25)),
    "water_source": (("piped_metered", 12), ("piped_retail", 5), ("public_tap", 3),
                     ("drilled_well", 8), ("protected_well", 8), ("rainwater", 14),
                     ("bottled", 10), ("unprotected_well", 14), ("unprotected_spring", 4),
                     ("river", 20), ("other", 2)),
    "electricity": (("pln_metered", 50), ("pln_unmetered", 28), ("non_pln", 14), ("none", 8)),
}  # fmt: skip
_SOUND_SHARE = {1: 0.15, 2: 0.25, 3: 0.35, 4: 0.45, 5: 0.55, None: 0.35}


def _table(pairs):
    return tuple(v for v, _ in pairs), list(accumulate(w for _, w in pairs))


_SOUND_T = {k: _table(v) for k, v in _SOUND.items()}
_POOR_T = {k: _table(v) for k, v in _POOR.items()}
_FORMS_T = _table(_GRANT_FORMS)
_AGENCIES_T = _table(_AGENCIES)


def _pick(rng: random.Random, table):
    values, cum = table
    return values[bisect(cum, rng.random() * cum[-1])]


def assessment_fields(condition: HouseCondition, assessed_on: date) -> dict:
    """The stored assessment: the survey, the computed verdict and its reason codes (the same
    shape :func:`kaltim_desktop.services.households.record_assessment` stores)."""
    verdict = assess(condition)
    reasons = [r.code for r in verdict.reasons]
    return {
        **{name: getattr(condition, name) for name in HouseCondition.__dataclass_fields__},
        "assessed_on": assessed_on,
        "decent": verdict.decent,
        "reasons": json.dumps(reasons) if reasons else None,
    }


class ProgrammeFactory:
    """Draws house surveys and programme records for generated families."""

    def __init__(self, rng: random.Random, new_id, today: date) -> None:
        self.rng = rng
        self.new_id = new_id
        self.today = today
        self._bast_serial: dict[int, int] = {}
        self._decision_serial: dict[int, int] = {}
        self.trainings: dict[str, list[tuple[str, date, date]]] = {}  # regency -> trainings

    def _day(self, start: date, low: int, high: int) -> date | None:
        """``start`` plus ``low..high`` days, or None when that lies after today."""
        day = start + timedelta(days=self.rng.randint(low, high))
        return day if day <= self.today else None

    # ---- houses -------------------------------------------------------------------------

    def house(self, family: Family, assessed_on: date) -> dict:
        """A survey of the family's current house; poorer deciles live in poorer houses."""
        rng = self.rng
        occupants = len(family.members) + (rng.randint(1, 2) if rng.random() < 0.1 else 0)
        sound = rng.random() < _SOUND_SHARE[family.fields["dtsen_decile"]]
        t = _SOUND_T if sound else _POOR_T
        toilet = _pick(rng, t["toilet"])
        has_toilet = toilet in ("own", "shared")
        low = 720 * occupants if sound else 1200
        condition = HouseCondition(
            floor_area_dm2=rng.randrange(low, max(low, 6000) + 2400, 50),
            occupants=occupants,
            roof_material=_pick(rng, t["roof_material"]),
            roof_condition=_pick(rng, t["condition"]),
            wall_material=_pick(rng, t["wall_material"]),
            wall_condition=_pick(rng, t["condition"]),
            floor_material=_pick(rng, t["floor_material"]),
            floor_condition=_pick(rng, t["condition"]),
            structure_condition=_pick(rng, t["condition"]),
            toilet=toilet,
            toilet_gooseneck=(sound or rng.random() < 0.6) if has_toilet else None,
            septic_tank=(sound or rng.random() < 0.45) if has_toilet else None,
            water_source=_pick(rng, t["water_source"]),
            electricity=_pick(rng, t["electricity"]),
        )
        return assessment_fields(condition, assessed_on)

    def new_house(self, house_type: str, occupants: int, handed_over_on: date) -> dict:
        """The survey of a house the programme built: sound by construction."""
        concrete = house_type == "type36_concrete"
        return assessment_fields(
            HouseCondition(
                floor_area_dm2=3600 if concrete else 4500,
                occupants=occupants,
                roof_material="metal_sheet",
                roof_condition="good",
                wall_material="masonry" if concrete else "wood_plank",
                wall_condition="good",
                floor_material="ceramic" if concrete else "wood_plank",
                floor_condition="good",
                structure_condition="good",
                toilet="own",
                toilet_gooseneck=True,
                septic_tank=True,
                water_source=self.rng.choice(("drilled_well", "rainwater", "piped_metered")),
                electricity="pln_metered",
            ),
            min(self.today, handed_over_on + timedelta(days=self.rng.randint(1, 30))),
        )

    # ---- handovers and grants -----------------------------------------------------------

    def handover(self, family: Family, surveyed_on: date) -> dict:
        """A handover at a random stage; stages whose date would be in the future are not
        reached yet."""
        rng = self.rng
        house_type = "type36_concrete" if rng.random() < 0.55 else "type45_wood"
        cost = rng.randrange(110_000_000, 125_000_001, 500_000)
        first_name, first_nip = rng.choice(_FIRST_PARTY)
        kodim = _KODIM[family.regency]
        fields = {
            "household_id": family.household_id,
            "recipient_person_id": family.members[0].person_id,
            "stage": "surveyed", "funder": rng.choice(_FUNDERS),
            "building_partner": f"Kodim {kodim}", "house_type": house_type,
            "cost_rupiah": cost if house_type == "type36_concrete" else cost - 8_000_000,
            "surveyed_on": surveyed_on, "first_party_name": first_name,
            "first_party_nip": first_nip, "first_party_position": _FIRST_POSITION,
            "partner_signatory": f"Komandan Kodim {kodim}",
        }  # fmt: skip
        target = rng.choices(("surveyed", "under_construction", "completed", "handed_over",
                              "cancelled"), (25, 20, 10, 40, 5))[0]  # fmt: skip
        if target == "cancelled":
            fields.update(stage="cancelled", cancel_reason=rng.choice(_CANCEL_REASONS))
            return fields
        day = surveyed_on
        for stage, column, low, high in (
            ("under_construction", "construction_started_on", 30, 120),
            ("completed", "completed_on", 75, 110),  # about three months of building
            ("handed_over", "handed_over_on", 7, 45),
        ):
            if target == fields["stage"]:
                break
            day = self._day(day, low, high)
            if day is None:
                break
            fields.update(stage=stage, **{column: day})
        if fields["stage"] == "handed_over":
            year = day.year
            self._bast_serial[year] = self._bast_serial.get(year, 0) + 1
            fields["bast_number"] = f"400.9.14/{self._bast_serial[year]:03d}/Adbang/{year}"
        return fields

    def grant(self, family: Family, handed_over_on: date) -> dict | None:
        """A business grant after the house was handed over, or None when nobody qualifies."""
        rng = self.rng
        proposed = self._day(handed_over_on, 14, 240)
        if proposed is None:
            return None
        eligible = [
            m
            for m in family.members[:2]
            if m.relation in ("head", "spouse")
            and age_on(m.fields["birth_date"], proposed) >= MIN_AGE
            and m.fields["domicile_since"] <= years_before(proposed, RESIDENCE_YEARS)
        ]
        if not eligible:
            return None
        business = rng.choice(tuple(_BUSINESS))
        form = _pick(rng, _FORMS_T)
        items = rng.sample(_BUSINESS[business], 2) if form == "tools_materials" else []
        fields = {
            "household_id": family.household_id,
            "recipient_person_id": rng.choice(eligible).person_id,
            "programme": "modal_usaha", "period": proposed.year, "stage": "proposed",
            "form": form, "business_type": business, "agency": "disperindagkop",
            "amount_rupiah": rng.randrange(2_500_000, 15_000_001, 250_000),
            "items": json.dumps(items, ensure_ascii=False) if items else None,
            "proposed_on": proposed,
        }  # fmt: skip
        target = rng.choices(("proposed", "verified", "approved", "disbursed", "void"),
                             (20, 20, 20, 35, 5))[0]  # fmt: skip
        if target == "void":
            fields.update(stage="void", void_reason="Penerima mengundurkan diri")
            return fields
        day = proposed
        for stage, column, low, high in (("verified", "verified_on", 7, 30),
                                         ("approved", "approved_on", 14, 60),
                                         ("disbursed", "disbursed_on", 7, 45)):  # fmt: skip
            if target == fields["stage"]:
                break
            day = self._day(day, low, high)
            if day is None:
                break
            fields.update(stage=stage, **{column: day})
            if stage == "approved":
                serial = self._decision_serial.get(day.year, 0) + 1
                self._decision_serial[day.year] = serial
                fields["decision_number"] = f"500.3/{serial:03d}/SK-BMU/Disperindagkop/{day.year}"
        return fields

    # ---- trainings ----------------------------------------------------------------------

    def training_list(self, count: int) -> list[tuple[str, dict]]:
        """``count`` trainings over the regencies, from two years ago to two months ahead."""
        rng, tree = self.rng, region_tree()
        regencies = sorted(REGENCIES)
        weights = [REGENCIES[r][0] for r in regencies]
        out = []
        for number in range(1, count + 1):
            regency = rng.choices(regencies, weights)[0]
            category = rng.choice(tuple(_TRAINING_TITLES))
            start = self.today + timedelta(days=rng.randint(-730, 60))
            days = rng.randint(3, 10)
            end = start + timedelta(days=days - 1)
            town = REGENCIES[regency][2]
            district = rng.choice(tree.children(regency)).name
            training_id = self.new_id()
            out.append((training_id, {
                "title": f"{rng.choice(_TRAINING_TITLES[category])} Angkatan {number} "
                         f"Tahun {start.year}",
                "skill_category": category, "agency": _pick(rng, _AGENCIES_T),
                "start_date": start, "end_date": end,
                "place": rng.choice((f"UPTD Balai Latihan Kerja {town}",
                                     f"Aula Kantor Kecamatan {district}")),
                "trainer": f"Tim Instruktur BLK {town}", "hours": days * 8,
                "regency_code": regency,
            }))  # fmt: skip
            self.trainings.setdefault(regency, []).append((training_id, start, end))
        return out

    def enrolment(self, family: Family) -> tuple[str, dict] | None:
        """One adult of ``family`` in a training of their regency, or None."""
        rng = self.rng
        options = self.trainings.get(family.regency)
        if not options:
            return None
        training_id, start, end = rng.choice(options)
        people = [
            m
            for m in family.members
            if age_on(m.fields["birth_date"], start) >= MIN_AGE
            and m.fields["domicile_since"] <= years_before(start, RESIDENCE_YEARS)
        ]
        if not people:
            return None
        person = rng.choice(people)
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        fields = {"training_id": training_id, "person_id": person.person_id,
                  "status": "enrolled", "completed_on": None}  # fmt: skip
        if end < self.today and rng.random() < 0.8:
            attended = [d for d in days if rng.random() < 0.9] or days[:1]
            fields.update(status="completed", completed_on=end)
        elif end < self.today:
            attended = days[: rng.randint(0, len(days) - 1)]
            fields["status"] = "dropped"
        else:
            attended = [d for d in days if d <= self.today and rng.random() < 0.9]
        if attended:
            fields["attended_days"] = json.dumps(
                [d.isoformat() for d in attended], separators=(",", ":")
            )
        return enrolment_id(training_id, person.person_id), fields
