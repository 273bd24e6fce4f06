# SPDX-License-Identifier: GPL-3.0-or-later
"""The Indonesian catalogues: complete for the current source, compiled, and really used.

When a test here fails after a code change, refresh the catalogues (see the README):

    uv run python tools/catalogues.py update
    (translate the new or fuzzy entries in the .po files)
    uv run python tools/catalogues.py compile
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import kaltim_desktop
from kaltim_desktop import i18n
from kaltim_desktop.domain.nik import parse_nik
from kaltim_desktop.domain.vocab import RELATION, SEX
from kaltim_desktop.i18n import _
from tools import catalogues

PACKAGE_DIR = Path(kaltim_desktop.__file__).parent
ROOT = PACKAGE_DIR.parent
LC_MESSAGES = i18n.LOCALE_DIR / "id" / "LC_MESSAGES"

# str.format fields ({count}, {seconds:.1f}) and printf conversions (%s, %(name)s, %d, %%).
BRACE_FIELD = re.compile(r"\{[^{}]*\}")
PERCENT_FIELD = re.compile(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]"
)


@cache
def source_msgids(domain: str) -> frozenset[str | tuple[str, ...]]:
    """Every msgid that Babel extracts now from the files of one domain (plurals as tuples)."""
    return frozenset(m.id for m in catalogues.extract(domain) if m.id)


def po_file(domain: str) -> Path:
    return LC_MESSAGES / f"{domain}.po"


@cache
def po_catalog(domain: str) -> Catalog:
    with po_file(domain).open("rb") as f:
        return read_po(f, locale="id", domain=domain)


domains = pytest.mark.parametrize("domain", i18n.DOMAINS)


def placeholders(text: str) -> Counter[str]:
    return Counter(BRACE_FIELD.findall(text)) + Counter(PERCENT_FIELD.findall(text))


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(s and s.strip() for s in strings)


def test_extraction_finds_the_messages():
    # Guards against a silently broken extraction, which would make the next test pass vacuously.
    core = source_msgids(i18n.DOMAIN)
    assert len(core) > 300
    assert "Male" in core
    assert "The number must have exactly 16 digits; this value has {count}." in core


def test_domains_split_the_files_by_area():
    assert catalogues.DOMAINS == i18n.DOMAINS
    assert catalogues.domain_of("ui/main_window.py") == "ui"
    assert catalogues.domain_of("domain/nik.py") == i18n.DOMAIN
    assert catalogues.domain_of("sync/oplog.py") == i18n.DOMAIN
    assert catalogues.domain_of("ui/pages/certificates.py") == "documents"
    assert catalogues.domain_of("ui/import_wizard.py") == "exchange"


@domains
def test_every_source_message_has_an_indonesian_translation(domain):
    catalog = po_catalog(domain)
    missing = []
    for msgid in source_msgids(domain):
        message = catalog.get(msgid)
        if message is None or not translated(message):
            missing.append(msgid if isinstance(msgid, str) else " | ".join(msgid))
    assert not missing, (
        f"{len(missing)} message(s) have no Indonesian translation (missing, empty or fuzzy) in "
        f"{po_file(domain).relative_to(ROOT)}; refresh it (see this module's docstring):\n"
        + "\n".join(f"  {m!r}" for m in sorted(missing))
    )


@domains
def test_catalogue_header_and_no_fuzzy_entries(domain):
    catalog = po_catalog(domain)
    assert str(catalog.locale) == "id"
    assert catalog.plural_forms == "nplurals=1; plural=0;"
    assert not catalog.fuzzy, "the header is marked fuzzy: pybabel compile would skip it"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries left in the catalogue: {fuzzy}"


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


@domains
def test_committed_mo_matches_the_po(domain):
    mo_file = LC_MESSAGES / f"{domain}.mo"
    with mo_file.open("rb") as f:
        mo = read_mo(f)
    expected = {m.id: m.string for m in po_catalog(domain) if m.id and translated(m)}
    # read_mo gives plural ids and strings as lists, read_po as tuples.
    compiled = {_hashable(m.id): _hashable(m.string) for m in mo if m.id}
    stale = sorted(
        str(k) for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)
    )
    assert not stale, (
        f"{mo_file.relative_to(ROOT)} is out of date for {len(stale)} message(s); run "
        "`uv run python tools/catalogues.py compile`:\n" + "\n".join(f"  {m!r}" for m in stale)
    )


@domains
def test_placeholders_are_kept_in_every_translation(domain):
    wrong = []
    for message in po_catalog(domain):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # Indonesian has one plural form, used for every n: it takes the plural msgid's fields.
        source = ids[-1]
        for string in strings:
            if string and placeholders(string) != placeholders(source):
                wrong.append(f"{source!r} -> {string!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_placeholder_pattern_sees_both_styles():
    assert placeholders("{count} of {limit}, {seconds:.1f} s") == Counter(
        {"{count}": 1, "{limit}": 1, "{seconds:.1f}": 1}
    )
    assert placeholders("%(name)s has %d, 100%% and %s") == Counter(
        {"%(name)s": 1, "%d": 1, "%%": 1, "%s": 1}
    )
    assert not placeholders("7,2 m² per orang (Rp5.000.000)")


def test_set_language_switches_real_messages():
    try:
        i18n.set_language("id")
        assert i18n.current_language() == "id"
        assert [i.message for i in parse_nik("0000").issues] == [
            "Nomor harus tepat 16 digit; nilai ini berisi 4 digit."
        ]
        serial = parse_nik("6472061505800000")  # otherwise valid, serial 0000
        assert "Empat digit terakhir (nomor urut) tidak boleh 0000." in [
            i.message for i in serial.issues
        ]
        assert _(SEX["M"]) == "Laki-laki"
        assert _(SEX["F"]) == "Perempuan"
        assert _(RELATION["head"]) == "Kepala keluarga"
        assert _(RELATION["spouse"]) == "Istri/suami"

        i18n.set_language("en")
        assert i18n.current_language() == "en"
        assert [i.message for i in parse_nik("0000").issues] == [
            "The number must have exactly 16 digits; this value has 4."
        ]
        assert _(SEX["M"]) == "Male"
    finally:
        i18n.set_language("en")


def test_unsupported_language_falls_back_to_indonesian():
    try:
        i18n.set_language("fr")
        assert i18n.current_language() == "id"
        assert _("Male") == "Laki-laki"
    finally:
        i18n.set_language("en")


def _fresh_interpreter(env_lang: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "KALTIM_LANG"}
    if env_lang is not None:
        env["KALTIM_LANG"] = env_lang
    env["PYTHONIOENCODING"] = "utf-8"
    code = (
        "from kaltim_desktop.i18n import _, current_language\n"
        "from kaltim_desktop.domain.nik import parse_nik\n"
        "print(current_language())\n"
        "print(_('Male'))\n"
        "print(parse_nik('0000').issues[0].message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        check=True,
        timeout=120,
    )
    return result.stdout.splitlines()


def test_default_language_without_kaltim_lang_is_indonesian():
    assert _fresh_interpreter(None) == [
        "id",
        "Laki-laki",
        "Nomor harus tepat 16 digit; nilai ini berisi 4 digit.",
    ]


@pytest.mark.parametrize(("env_lang", "expected"), [("en", "Male"), ("id", "Laki-laki")])
def test_kaltim_lang_chooses_the_language(env_lang, expected):
    assert _fresh_interpreter(env_lang)[:2] == [env_lang, expected]
