# SPDX-License-Identifier: GPL-3.0-or-later
"""Name folding and similarity for duplicate detection."""

from __future__ import annotations

import pytest

from kaltim_desktop.dedup.names import (
    ABBREVIATIONS,
    DROPPED_WORDS,
    SPELLING_FOLDS,
    fold_word,
    name_key,
    name_similarity,
    names_close,
)


def similarity(a: str, b: str) -> int:
    return name_similarity(name_key(a), name_key(b))


@pytest.mark.parametrize(("pattern", "replacement", "example"), SPELLING_FOLDS)
def test_every_fold_in_the_table_joins_its_example(pattern, replacement, example) -> None:
    # Each example reads "Old = New[, Old = New] (comment)": both sides must give one key.
    for pair in example.split("(")[0].split(","):
        old, new = (side.strip() for side in pair.split("="))
        assert name_key(old) == name_key(new), (pattern, old, new)


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (["Muhammad", "Muhamad", "Mohammad", "Mohamad", "Moh.", "Moch.", "Mhd.", "M.", "Mohd.",
          "Muh.", "Moehammad", "Mochammad"], ("muamad", "ridwan")),
        (["Abdul", "Abd.", "Abdoel"], ("abdul", "gani")),
        (["Nur", "Noor", "Nor"], ("nur", "aini")),
        (["Siti", "St.", "Sitti"], ("siti", "amina")),
    ],
)  # fmt: skip
def test_spelling_variants_of_common_first_words(variants, key) -> None:
    second = {"muamad": "Ridwan", "abdul": "Gani", "nur": "Aini", "siti": "Aminah"}[key[0]]
    assert {name_key(f"{v} {second}") for v in variants} == {key}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("H. Moch. Ridwan, S.Pd.", "Muhammad Ridwan"),  # titles and Muhammad
        ("Hj. Siti Aminah", "St. Aminah"),
        ("Drs. Abdul Karim", "Abd. Karim, S.H."),
        ("Soekarno", "Sukarno"),  # old spelling oe
        ("Djoko Tjahjono", "Joko Cahyono"),  # dj, tj and j/y
        ("Jusuf", "Yusuf"),
        ("Achmad Rachmat", "Ahmad Ramat"),  # ch, kh and the silent h
        ("Khadijah", "Hadijah"),
        ("Syamsul Bahri", "Samsul Bahri"),
        ("Ramadhan", "Ramadan"),
        ("Abdullah", "Abdulah"),  # double letters
        ("Sulaeman", "Sulaiman"),
        ("Ny. Fatimah", "Fatimah"),  # a form of address
        ("Budi bin Slamet", "Budi Slamet"),
    ],
)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)
    assert similarity(a, b) == 100


def test_word_order_and_compounds() -> None:
    assert similarity("Budi Santoso", "Santoso Budi") == 98
    assert similarity("Nur Hayati", "Nurhayati") >= 90
    assert similarity("Abdul Rahman", "Abdulrahman") >= 90


def test_typos_initials_and_missing_words() -> None:
    assert similarity("Ridwan Saleh", "Ridwna Saleh") >= 85  # a swap is one edit
    assert similarity("A. Rahman", "Abdul Rahman") >= 90  # an initial
    assert 80 <= similarity("Muhammad Ridwan", "Muhammad Ridwan Saleh") < 95
    # One word against three: a missing word costs more when little is left to compare.
    assert similarity("Ridwan", "Muhammad Ridwan Saleh") < similarity(
        "Muhammad Ridwan", "Muhammad Ridwan Saleh"
    )


def test_different_names_score_low() -> None:
    assert similarity("Hasan", "Husin") <= 60  # twins' names
    assert similarity("Muhammad Rizky", "Muhammad Rizal") < 80  # brothers
    assert similarity("Siti Aminah", "Siti Aisyah") < 85
    assert similarity("Agus", "Bambang") < 30
    assert similarity("", "Agus") == 0


def test_fold_word_is_only_for_matching() -> None:
    assert fold_word("muhammad") == "muamad"
    assert fold_word("oemar") == "umar"


def test_names_close_needs_the_same_number_of_words() -> None:
    assert names_close("H. MOH. RIDWAN", "Muhammad Ridwan")
    assert names_close("Muhamad Ridwam", "Muhammad Ridwan")  # a typo
    assert names_close("Soekarno Hadi", "Sukarno Hadi")
    assert not names_close("Ridwan", "Muhammad Ridwan")
    assert not names_close("Muhammad Ridwan Saleh", "Muhammad Ridwan")
    assert not names_close("Muhammad Rizky", "Muhammad Rizal")
    assert not names_close("", "")


@pytest.mark.parametrize(
    ("a", "b"),
    [("Zubaidah Zainuddin", "Zubaidah Karim"), ("Parman Handoko", "P. Handoko"),
     ("Muhammad Andika Hidayat", "Andika Muhammad"), ("Nur Hayati", "Nurhayati")],
)  # fmt: skip
def test_similarity_does_not_depend_on_the_order_of_the_names(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a)


@pytest.mark.parametrize(("short", "full"), sorted(ABBREVIATIONS.items()))
def test_every_abbreviation_in_the_table(short: str, full: str) -> None:
    assert name_key(f"{short.capitalize()}. Yusuf") == name_key(f"{full.capitalize()} Yusuf")


@pytest.mark.parametrize("word", sorted(DROPPED_WORDS))
def test_every_dropped_word_in_the_table(word: str) -> None:
    assert name_key(f"{word.capitalize()}. Aminah Slamet") == name_key("Aminah Slamet")
