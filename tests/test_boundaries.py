# SPDX-License-Identifier: GPL-3.0-or-later
"""The core never imports Qt: only ``kaltim_desktop.ui`` and ``kaltim_desktop.app`` may.

Checked twice: by importing every core module in a fresh interpreter (PySide6 is installed, so
an import anywhere in the chain would show up in ``sys.modules``), and by scanning the sources,
which also catches imports inside functions that the first check never runs.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import kaltim_desktop

PACKAGE_DIR = Path(kaltim_desktop.__file__).parent
CORE_PACKAGES = ["models", "services", "sync", "domain", "reports", "cli"]
QT_PREFIXES = ("PySide6", "shiboken6", "PyQt")


def core_packages() -> list[str]:
    """The core packages present in this tree (``reports`` may not exist yet)."""
    return [name for name in CORE_PACKAGES if (PACKAGE_DIR / name / "__init__.py").is_file()]


def test_pyside6_is_installed_so_the_check_means_something():
    assert importlib.util.find_spec("PySide6") is not None


IMPORT_EVERYTHING = """
import json, pkgutil, importlib, sys
imported = []
for name in {packages!r}:
    package = importlib.import_module("kaltim_desktop." + name)
    imported.append(package.__name__)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
qt = sorted(m for m in sys.modules if m.startswith({prefixes!r}))
print(json.dumps({{"imported": imported, "qt": qt}}))
"""


def test_core_modules_import_without_qt():
    packages = core_packages()
    assert {"models", "services", "sync", "domain", "cli"} <= set(packages)
    code = IMPORT_EVERYTHING.format(packages=packages, prefixes=QT_PREFIXES)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PACKAGE_DIR.parent,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # Every module of the services package was really imported, not just the package.
    assert "kaltim_desktop.services.households" in report["imported"]
    assert "kaltim_desktop.services.maintenance" in report["imported"]
    assert report["qt"] == []


def qt_imports(path: Path) -> list[str]:
    """``file:line module`` for every Qt import in a source file, wherever it is."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]  # importlib.import_module("PySide6...")
        else:
            continue
        found += [f"{path.name}:{node.lineno} {n}" for n in names if n.startswith(QT_PREFIXES)]
    return found


def test_no_core_source_file_imports_qt():
    files = [f for name in core_packages() for f in (PACKAGE_DIR / name).rglob("*.py")]
    # The top-level core modules too (db, paths, errors, i18n...), all but the GUI bootstrap.
    files += [f for f in PACKAGE_DIR.glob("*.py") if f.name != "app.py"]
    assert len(files) > 20
    offenders = [hit for f in files for hit in qt_imports(f)]
    assert offenders == []


def test_the_scan_would_see_a_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert qt_imports(sample) == ["sample.py:2 PySide6.QtCore"]
