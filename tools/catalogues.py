# SPDX-License-Identifier: GPL-3.0-or-later
"""Extract, update and compile the gettext catalogues, one domain per area of the code.

The package is split into several gettext domains so that work on one area (the desktop
screens, the documents, the exchange of spreadsheets, sync) touches only its own ``.po``
file. Each source file belongs to the first domain whose pattern matches its path (relative
to the package); everything else belongs to the core domain. At run time
:mod:`kaltim_desktop.i18n` loads every domain, so a string may be looked up in any of them.

Usage::

    uv run python tools/catalogues.py update     # extract, merge into every .po, reuse
                                                 # reviewed translations found in other domains
    (translate the new and fuzzy entries in the .po files)
    uv run python tools/catalogues.py compile    # write the .mo files
    uv run python tools/catalogues.py check      # list untranslated messages, exit 1 if any

Each command takes ``--domain NAME`` (repeatable) to touch only those catalogues.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "kaltim_desktop"
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("id",)
CORE_DOMAIN = "kaltim_desktop"

# First match wins; fnmatch patterns (``*`` also crosses ``/``) on paths relative to the
# package, with forward slashes. The screens of an
# area (``ui/*certificate*.py``...) belong to that area's domain, the rest of ``ui/`` to "ui".
DOMAIN_PATTERNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "reports/documents/*",
        "services/certificate*.py",
        "services/document*.py",
        "cli/certificate*.py",
        "ui/*certificate*.py",
    ),
    "exchange": (
        "exchange/*",
        "reports/programme/*",
        "services/progress*.py",
        "cli/exchange*.py",
        "ui/*exchange*.py",
        "ui/*import*.py",
        "ui/*export*.py",
        "ui/*report*.py",
    ),
    "sync": (
        "sync/bundles/*",
        "services/sync*.py",
        "cli/sync*.py",
        "ui/*sync*.py",
        "trust/province*",
        "trust/enrol*",
        "trust/registry*",
    ),
    "trust": ("trust/*",),
    "ui": ("ui/*",),
}
DOMAINS: tuple[str, ...] = (CORE_DOMAIN, *DOMAIN_PATTERNS)
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))
from kaltim_desktop.i18n import DOMAINS as RUNTIME_DOMAINS  # noqa: E402

assert RUNTIME_DOMAINS == DOMAINS, "kaltim_desktop.i18n.DOMAINS and DOMAIN_PATTERNS disagree"

# The same keywords as ``pybabel extract -k _ -k N_ -k ngettext:1,2``.
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "N_": None, "ngettext": (1, 2)}


def domain_of(relative_path: str) -> str:
    """Return the domain of a source file given its path relative to the package."""
    for domain, patterns in DOMAIN_PATTERNS.items():
        if any(fnmatchcase(relative_path, pattern) for pattern in patterns):
            return domain
    return CORE_DOMAIN


def source_files() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        yield path.relative_to(PACKAGE_DIR).as_posix(), path


def extract(domain: str) -> Catalog:
    """Extract the messages of one domain into a template catalogue."""
    template = Catalog(project="kaltim-desktop", domain=domain, fuzzy=False)
    for relative, path in source_files():
        if domain_of(relative) != domain:
            continue
        for _lineno, message, comments, context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            template.add(message, None, auto_comments=comments, context=context)
    return template


def po_path(domain: str, language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(domain: str, language: str) -> Catalog:
    path = po_path(domain, language)
    if not path.exists():
        return Catalog(locale=language, domain=domain, project="kaltim-desktop", fuzzy=False)
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=domain)


def reviewed(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(s and s.strip() for s in strings)


def update(domains: tuple[str, ...] = DOMAINS) -> None:
    for language in LANGUAGES:
        catalogs = {domain: read_catalog(domain, language) for domain in DOMAINS}
        known = {m.id: m.string for c in catalogs.values() for m in c if reviewed(m)}
        for domain in domains:
            template = extract(domain)
            catalog = catalogs[domain]
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            for message in catalog:
                if message.id and not reviewed(message) and message.id in known:
                    message.string = known[message.id]
                    message.flags.discard("fuzzy")
            path = po_path(domain, language)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as f:
                write_po(
                    f, catalog, omit_header=False, sort_output=True, no_location=True, width=100
                )
            print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def compile_all(domains: tuple[str, ...] = DOMAINS) -> None:
    for language in LANGUAGES:
        for domain in domains:
            catalog = read_catalog(domain, language)
            path = po_path(domain, language).with_suffix(".mo")
            with path.open("wb") as f:
                write_mo(f, catalog)
            print(f"{path.relative_to(ROOT)}: {sum(1 for m in catalog if reviewed(m))} messages")


def check(domains: tuple[str, ...] = DOMAINS) -> int:
    missing = 0
    for language in LANGUAGES:
        for domain in domains:
            catalog = read_catalog(domain, language)
            for msgid in {m.id for m in extract(domain) if m.id}:
                message = catalog.get(msgid)
                if message is None or not reviewed(message):
                    missing += 1
                    print(f"{language}/{domain}: {msgid!r}")
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    parser.add_argument(
        "--domain",
        action="append",
        choices=DOMAINS,
        help="only this domain (repeatable); default: all. Use it when others are editing "
        "other catalogues at the same time.",
    )
    args = parser.parse_args(argv)
    domains = tuple(args.domain) if args.domain else DOMAINS
    if args.command == "update":
        update(domains)
    elif args.command == "compile":
        compile_all(domains)
    else:
        return check(domains)
    return 0


if __name__ == "__main__":
    sys.exit(main())
