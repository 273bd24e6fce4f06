# SPDX-License-Identifier: GPL-3.0-or-later
"""Names: cleaning, lenient validation (Permendagri 73/2022) and the matching key."""

from __future__ import annotations

import pytest

from kaltim_desktop.domain.names import clean_name, name_tokens, normalize_name, validate_name


def codes(value: str) -> list[tuple[str, str]]:
    return [(i.code, i.severity) for i in validate_name(value)]


def test_clean_name() -> None:
    assert clean_name("  Siti \t Aminah\n ") == "Siti Aminah"
    # NFC: "e" + combining acute becomes one character.
    assert clean_name("Re\u0301ne") == "R\u00e9ne"
    assert clean_name("") == ""
    assert clean_name("BUDI") == "BUDI"  # capitals are kept as on the KTP


@pytest.mark.parametrize(
    "name",
    [
        "Sukarno",  # single names are valid
        "Ma'ruf Amin",
        "Ma\u2019ruf Amin",
        "Siti Nur-Aini",
        "H. Abdul Rahman, S.Pd.",
        "Hj. Siti Aminah",
        "Budi bin Slamet",
        "Aminah binti Ahmad",
        "LA ODE MUHAMMAD",
        "Élise Dayak",
    ],
)
def test_valid_names(name: str) -> None:
    assert validate_name(name) == ()


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_empty_name_is_an_error(name: str) -> None:
    assert codes(name) == [("name.empty", "error")]


def test_name_without_letters_is_an_error() -> None:
    assert codes("...") == [("name.no_letters", "error")]
    assert codes("1234") == [("name.no_letters", "error")]


def test_warnings() -> None:
    assert codes("Budi 2") == [("name.digits", "warning")]
    assert codes("Budi @ Slamet") == [("name.symbols", "warning")]
    assert codes("Budi (Slamet)") == [("name.symbols", "warning")]
    assert codes("محمد") == [("name.non_latin", "warning")]


def test_long_name_warning_boundary() -> None:
    sixty = "A" * 29 + " " + "B" * 30
    assert len(sixty) == 60
    assert validate_name(sixty) == ()
    assert codes(sixty + "C") == [("name.too_long", "warning")]


def test_messages_do_not_contain_the_name() -> None:
    name = "Rahmatullah 77 %%% " + "x" * 60
    issues = validate_name(name, field="members[0].name")
    assert {i.code for i in issues} == {"name.digits", "name.symbols", "name.too_long"}
    for issue in issues:
        assert issue.field == "members[0].name"
        assert "Rahmatullah" not in issue.message and issue.message


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("H. MOCH. Ridwan, S.Pd.", "muhammad ridwan"),
        ("Muhammad Ridwan", "muhammad ridwan"),
        ("M. Ridwan", "muhammad ridwan"),
        ("Mohamad Ridwan", "muhammad ridwan"),
        ("Muh. Ridwan", "muhammad ridwan"),
        ("Mochammad Ridwan", "muhammad ridwan"),
        ("Dr. Ir. H. Muh. Abd. Rahman, M.Si.", "muhammad abdul rahman"),
        ("Hj. Sitti Noor Aisyah, S. Pd. I", "siti nur aisyah"),
        ("Nor Hidayah, A.Md.", "nur hidayah"),
        ("Drs. Haji Abdul Karim, S.H., M.H.", "abdul karim"),
        ("St. Aminah, S.T.", "siti aminah"),
        ("Ma'ruf Amin", "maruf amin"),
        ("Maruf  AMIN", "maruf amin"),
        ("Siti Nur-Aini", "siti nur aini"),
        ("Élise", "elise"),
        ("Hajjah Aminah, S.Sos.", "aminah"),
        ("Budi bin Slamet", "budi bin slamet"),
        ("Haji", "haji"),  # a name made of titles only keeps them
        ("", ""),
    ],
)
def test_normalize_name(raw: str, key: str) -> None:
    assert normalize_name(raw) == key


def test_variants_match_each_other() -> None:
    spellings = ["Muhammad", "Muhamad", "Muhammed", "Mohammad", "Mohamad", "Mohammed", "Moh."]
    spellings += ["Moch.", "Mochamad", "Mochammad", "Muh.", "Muhd.", "M.", "Md."]
    assert {normalize_name(f"{s} Yusuf") for s in spellings} == {"muhammad yusuf"}
    assert normalize_name("Abd. Gani") == normalize_name("ABDUL GANI")


def test_name_tokens() -> None:
    assert name_tokens("H. MOCH. Ridwan, S.Pd.") == ["muhammad", "ridwan"]
    assert name_tokens("") == []
