# SPDX-License-Identifier: GPL-3.0-or-later
"""What the build leaves out: never a module the application imports, never its own files."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kaltim_desktop
from installer.bundle_contents import BABEL_LOCALES, EXCLUDED_MODULES, keep_in_bundle


def imported_modules() -> set[str]:
    """Every absolute module name the application's sources import, wherever the import is."""
    names: set[str] = set()
    for path in Path(kaltim_desktop.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_module_the_application_imports_is_excluded():
    used = imported_modules()
    assert "PySide6.QtCharts" in used and "PIL.Image" in used  # the scan sees imports
    clashes = sorted(
        name
        for name in used
        for excluded in EXCLUDED_MODULES
        if name == excluded or name.startswith(excluded + ".")
    )
    assert clashes == []


def test_web_engine_qml_and_test_tools_are_excluded():
    for module in ("PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtQuick", "pytest"):
        assert module in EXCLUDED_MODULES


@pytest.mark.parametrize(
    "destination",
    [
        "kaltim_desktop/locale/id/LC_MESSAGES/ui.mo",
        "kaltim_desktop/data/fonts/DejaVuSerif.ttf",
        "kaltim_desktop/data/kaltim_regions.csv",
        "migrations/versions/0001_initial_schema.py",
        "babel/locale-data/id.dat",
        "babel/locale-data/en_GB.dat",
        "babel/global.dat",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/plugins/platforms/qwindows.dll",  # Windows: no Qt/ folder
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/lib/libQt6Charts.so.6",
    ],
)
def test_what_the_application_needs_is_kept(destination):
    assert keep_in_bundle(destination)


@pytest.mark.parametrize(
    "destination",
    [
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6\\translations\\qtbase_de.qm",  # Windows: separators, no Qt/ folder
        "PySide6/plugins/imageformats/qpdf.dll",
        "babel/locale-data/fr.dat",
        "babel/locale-data/en_AU.dat",
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    ],
)
def test_what_it_never_loads_is_dropped(destination):
    assert not keep_in_bundle(destination)


def test_the_babel_locales_cover_the_formatting_languages():
    from kaltim_desktop.domain import formatting

    assert set(formatting._DATE_LOCALES.values()) <= set(BABEL_LOCALES)
