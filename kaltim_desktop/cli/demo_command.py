# SPDX-License-Identifier: GPL-3.0-or-later
"""``demo``: fill an empty database with generated households, and the start-up summary."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from babel.numbers import format_decimal

from kaltim_desktop.cli.output import TerminalProgress, print_json, to_jsonable
from kaltim_desktop.db import Database
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _, current_language
from kaltim_desktop.services.maintenance import DataSummary, data_summary

log = logging.getLogger(__name__)

# What ``main.py --demo`` creates on first use: big enough to feel real, quick to generate.
DEMO_HOUSEHOLDS = 500
DEMO_SEED = 1


def register(commands: argparse._SubParsersAction, add_json) -> None:
    parser = commands.add_parser(
        "demo",
        help=_("fill an empty database with generated demo households"),
        description=_(
            "Fill an empty database with generated households, members, house assessments, "
            "handovers, grants and trainings. The names and numbers are invented."
        ),
    )
    parser.add_argument(
        "--households",
        type=int,
        required=True,
        metavar="N",
        help=_("number of households to generate"),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEMO_SEED,
        metavar="S",
        help=_("random seed; the same seed gives the same data (default: 1)"),
    )
    add_json(parser)
    parser.set_defaults(handler=run_demo)


def generate(db: Database, households: int, seed: int) -> Any:
    """Generate demo data with a progress line on the terminal; return the service's summary.

    Raises:
        KaltimError: the database already has households.
    """
    # Imported late: the generator pulls in name lists that other commands never need.
    from kaltim_desktop.services.demo import generate_demo

    progress = TerminalProgress()
    try:
        result = generate_demo(db, households=households, seed=seed, progress=progress)
    finally:
        progress.finish()
    log.info("demo data generated: %d households, seed %d", households, seed)
    return result


def ensure_demo_data(db: Database) -> Any | None:
    """Generate the standard demo data set unless the database already has households."""
    if data_summary(db).households:
        return None
    print(_("Creating the demo database ({count} households)…").format(count=DEMO_HOUSEHOLDS))
    return generate(db, DEMO_HOUSEHOLDS, DEMO_SEED)


def run_demo(args: argparse.Namespace, ctx) -> int:
    if args.households < 1:
        raise KaltimError(_("The number of households must be at least 1."))
    with ctx.database() as db:
        result = generate(db, args.households, args.seed)
        summary = data_summary(db)
    if args.json:
        print_json(
            {
                "data_dir": ctx.data_dir,
                "seed": args.seed,
                "generated": to_jsonable(result),
                "summary": summary,
            }
        )
        return 0
    elapsed = getattr(result, "elapsed_seconds", None)
    if elapsed is not None:
        seconds = format_decimal(elapsed, format="#,##0.0", locale=current_language())
        print(_("Demo data generated in {seconds} s.").format(seconds=seconds))
    print_summary(summary, ctx)
    return 0


def print_summary(summary: DataSummary, ctx) -> None:
    """Print what the database holds and where the data lives (the start screen, for now)."""
    rows = [
        (_("Households"), summary.households),
        (_("Persons"), summary.persons),
        (_("House handovers"), summary.handovers),
        (_("Business grants"), summary.grants),
        (_("Trainings"), summary.trainings),
    ]
    width = max(len(label) for label, _count in rows)
    for label, count in rows:
        print(f"{label.ljust(width)}  {count:>9}")
    print(_("Data directory: {path}").format(path=ctx.data_dir))
