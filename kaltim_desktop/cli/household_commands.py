# SPDX-License-Identifier: GPL-3.0-or-later
"""``household find QUERY`` and ``household show ID``.

The human ``find`` list masks NIK and KK numbers (a search result is often read over someone's
shoulder); ``show`` is the full record of one household, as an officer sees it on screen.
"""

from __future__ import annotations

import argparse

from kaltim_desktop.cli.output import print_json, print_table
from kaltim_desktop.domain.formatting import format_date_long, format_rt_rw
from kaltim_desktop.domain.nik import mask_nik
from kaltim_desktop.domain.rtlh import REASONS
from kaltim_desktop.domain.vocab import EDUCATION, RELATION, SEX
from kaltim_desktop.i18n import _
from kaltim_desktop.services.households import HouseholdDetail, get_household
from kaltim_desktop.services.search import search_households

DEFAULT_LIMIT = 50


def register(commands: argparse._SubParsersAction, add_json) -> None:
    group = commands.add_parser(
        "household",
        help=_("find or show households"),
        description=_("Look up registered households."),
    )
    group.set_defaults(group_parser=group)
    sub = group.add_subparsers(metavar="ACTION", title=_("actions"))

    find = sub.add_parser(
        "find",
        help=_("search households by name, NIK, KK number or address"),
        description=_(
            "Search households by a member's name, a NIK (or its last digits), a KK number "
            "or the village."
        ),
    )
    find.add_argument("query", metavar="QUERY", help=_("what to search for"))
    find.add_argument(
        "--region",
        metavar="CODE",
        help=_("only within this regency, district or village code (e.g. 64.72)"),
    )
    find.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=_("at most N results (default: {default})").format(default=DEFAULT_LIMIT),
    )
    add_json(find)
    find.set_defaults(handler=run_find)

    show = sub.add_parser("show", help=_("show one household with its members"))
    show.add_argument("id", metavar="ID", help=_("the household id"))
    add_json(show)
    show.set_defaults(handler=run_show)


def run_find(args: argparse.Namespace, ctx) -> int:
    with ctx.database() as db:
        rows = search_households(db, args.query, region=args.region, limit=max(args.limit, 1))
    if args.json:
        print_json({"query": args.query, "region": args.region, "results": rows})
        return 0
    if not rows:
        print(_("No household found."))
        return 0
    print_table(
        [
            _("Id"),
            _("Head of family"),
            _("KK"),
            _("RT/RW"),
            _("Village"),
            _("District"),
            _("Members"),
            _("Matched NIK"),
        ],
        [
            (
                r.id,
                r.head_name or "-",
                mask_nik(r.kk_number) if r.kk_number else "-",
                format_rt_rw(r.rt, r.rw) or "-",
                r.village_name,
                r.district_name,
                r.member_count,
                mask_nik(r.matched_nik_masked) if r.matched_nik_masked else "",
            )
            for r in rows
        ],
    )
    return 0


def run_show(args: argparse.Namespace, ctx) -> int:
    with ctx.database() as db:
        detail = get_household(db, args.id.strip())
    if args.json:
        print_json(detail)
    else:
        for line in detail_lines(detail):
            print(line)
    return 0


def _date(value) -> str:
    return format_date_long(value) if value else "-"


def _label(vocabulary: dict[str, str], code: str | None) -> str:
    if code is None:
        return "-"
    return _(vocabulary[code]) if code in vocabulary else code


def detail_lines(d: HouseholdDetail) -> list[str]:
    """The household as lines of text in the current language."""
    lines = [_("Household {id}").format(id=d.id)]
    if d.deleted:
        lines.append(_("(deleted)"))
    lines.append(_("Head of family: {name}").format(name=d.head_name or "-"))
    if d.kk_number:
        lines.append(
            _("KK number: {kk} (as of {date})").format(kk=d.kk_number, date=_date(d.kk_as_of))
        )
    lines.append(_("Address: {address}").format(address=d.address or "-"))
    if d.phone:
        lines.append(_("Phone: {phone}").format(phone=d.phone))
    if d.dtsen_decile:
        lines.append(
            _("DTSEN decile: {decile} (as of {date})").format(
                decile=d.dtsen_decile, date=_date(d.dtsen_as_of)
            )
        )
    lines.append(_("Members ({count}):").format(count=len(d.members)))
    for m in d.members:
        birth_date = _date(m.birth_date) if m.birth_date else None
        born = ", ".join(p for p in (m.birth_place, birth_date) if p) or "-"
        lines.append(f"  - {m.name} ({_label(RELATION, m.relation)}, {_label(SEX, m.sex)})")
        lines.append(
            "    "
            + _("NIK {nik}; born {born}; education {education}").format(
                nik=m.nik or "-", born=born, education=_label(EDUCATION, m.education)
            )
        )
    a = d.assessment
    if a is None:
        lines.append(_("House: not assessed yet."))
    else:
        verdict = {True: _("decent"), False: _("not decent (RTLH)"), None: _("incomplete data")}[
            a.decent
        ]
        lines.append(
            _("House (assessed {date}): {verdict}").format(
                date=_date(a.assessed_on), verdict=verdict
            )
        )
        lines += [f"  - {_(REASONS[code]) if code in REASONS else code}" for code in a.reasons]
    return lines
