# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line: ``python main.py [--data-dir DIR] [--lang id|en] <command>``.

Qt-free, like the services it calls; :mod:`kaltim_desktop.app` parses the arguments with
:func:`build_parser` and hands the command to :func:`run_command`.
"""

from kaltim_desktop.cli.main import Context, build_parser, run_command

__all__ = ["Context", "build_parser", "run_command"]
