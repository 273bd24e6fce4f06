# SPDX-License-Identifier: GPL-3.0-or-later
"""The Linux one-folder build, built once per test run and used the way an officer would.

Every run of the built program starts from a temporary directory outside the source tree, with
no Python paths, virtual environment or Kaltim variables and a home of its own, and the
self-test reports where its code was loaded from: inside the bundle, not this checkout.
Deselect with ``-m "not installer"`` (the build takes a minute or two); CI runs it.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path

import pytest

from installer.build import SIZE_TARGET_MB, Build, build, run_built, size_report
from kaltim_desktop.db import current_revision, head_revision
from kaltim_desktop.selftest import core_module_names
from kaltim_desktop.ui.main_window import PAGES

pytestmark = [
    pytest.mark.installer,
    pytest.mark.skipif(sys.platform != "linux", reason="the tested build is the Linux one"),
]

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_0001 = ROOT / "tests" / "fixtures" / "db" / "schema-0001.sqlite"
MB = 1_000_000


@pytest.fixture(scope="session")
def frozen(tmp_path_factory) -> Build:
    return build(tmp_path_factory.mktemp("installer"), archive=True)


@pytest.fixture
def home(tmp_path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def run_frozen(executable: Path, *args: str, home: Path, cwd: Path) -> subprocess.CompletedProcess:
    cwd.mkdir(parents=True, exist_ok=True)
    return run_built(executable, ["--lang", "en", *args], home=home, cwd=cwd)


def reported_path(report: str, label: str) -> Path:
    match = re.search(rf"^  {label}: (.+)$", report, re.MULTILINE)
    assert match, report
    return Path(match.group(1))


def test_the_frozen_self_test_passes_from_the_bundle_alone(frozen, home, tmp_path):
    outside = tmp_path / "elsewhere"
    result = run_frozen(frozen.executable, "--self-test", home=home, cwd=outside)

    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    assert report.rstrip().endswith("Self-test passed.")
    assert len(re.findall(r"^  \[ OK \] ", report, re.MULTILINE)) == 9
    # Every module of the source tree outside the Qt layer is in the bundle and imports there.
    assert f"[ OK ] Program modules: {len(core_module_names())} modules imported" in report
    assert f"[ OK ] Desktop window: {len(PAGES)} screens shown, Qt platform offscreen" in report
    # The executable starts as a worker process (large exports and imports use them).
    assert re.search(r"^  \[ OK \] Worker processes: \d+ changes decoded", report, re.MULTILINE)
    # The code and the migrations came from the bundle, not from this source tree.
    assert "  Frozen build: yes" in report
    program = reported_path(report, "Program files")
    assert program.is_relative_to(frozen.app_dir.resolve()), program
    assert not program.is_relative_to(ROOT / "kaltim_desktop")
    assert reported_path(report, "Migrations").is_relative_to(frozen.app_dir.resolve())
    assert f"  Version: {frozen.version}" in report
    # Nothing was written to the officer's data directory, the home or the working directory.
    assert list(home.iterdir()) == []
    assert list(outside.iterdir()) == []


def test_the_self_test_fails_loudly_when_the_bundle_lacks_a_file(frozen, home, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(frozen.app_dir, broken, symlinks=True)
    (broken / "_internal" / "kaltim_desktop" / "locale" / "id" / "LC_MESSAGES" / "ui.mo").unlink()

    result = run_frozen(broken / frozen.executable.name, "--self-test", home=home, cwd=tmp_path)

    assert result.returncode == 1
    assert "[FAIL] Application files: SelfTestFailure: translation catalogues missing: ui" in (
        result.stdout
    )
    assert "Self-test FAILED at: Application files" in result.stdout


def test_the_build_reports_its_size_within_the_target(frozen):
    assert frozen.size_bytes <= SIZE_TARGET_MB * MB
    report = size_report(frozen.app_dir)
    assert report[0] == (
        f"Unpacked size: {frozen.size_bytes / MB:.1f} MB (target <= {SIZE_TARGET_MB} MB)"
    )
    assert any(line.endswith("_internal/PySide6/Qt/lib") for line in report)
    internal = frozen.app_dir / "_internal"
    # What the application uses is there; what it does not use is not.
    assert (internal / "PySide6" / "Qt" / "lib" / "libQt6Charts.so.6").is_file()
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so").is_file()
    assert (internal / "migrations" / "env.py").is_file()
    assert (internal / "kaltim_desktop" / "data" / "fonts" / "DejaVuSerif.ttf").is_file()
    for unused in ("libQt6WebEngineCore.so.6", "libQt6Qml.so.6", "libQt6Quick.so.6"):
        assert not (internal / "PySide6" / "Qt" / "lib" / unused).exists()
    assert not (internal / "PySide6" / "Qt" / "translations").exists()


def extract(archive: Path, target: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="tar")
    (folder,) = target.iterdir()
    return folder


def households(path: Path) -> int:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT count(*) FROM household").fetchone()[0]


def test_an_update_keeps_the_database_backs_it_up_and_migrates_it_at_first_start(
    frozen, home, tmp_path
):
    # The officer's database of an older version (schema 0001), where the platformdirs data
    # directory of a Linux user is.
    data = home / ".local" / "share" / "KaltimDesktop"
    data.mkdir(parents=True)
    database = data / "kaltim.sqlite"
    shutil.copy(FIXTURE_0001, database)
    registered = households(database)
    assert registered > 0 and current_revision(database) == "0001"

    # Install the new version from its archive and start it once.
    installed = extract(frozen.archive, tmp_path / "install")
    executable = installed / frozen.executable.name
    first = run_frozen(executable, "user", "list", "--json", home=home, cwd=tmp_path / "cwd")

    assert first.returncode == 0, first.stderr
    assert {officer["username"] for officer in json.loads(first.stdout)} == {"admin", "operator1"}
    assert current_revision(database) == head_revision()
    (backup,) = (data / "backups").glob("kaltim-*-r0001.sqlite")
    assert current_revision(backup) == "0001"
    assert households(backup) == registered == households(database)
    assert list(installed.rglob("*.sqlite")) == []  # nothing was written into the install

    # Installing again over it (the same program folder replaced) keeps the upgraded database.
    shutil.rmtree(installed)
    installed = extract(frozen.archive, tmp_path / "install")
    check = run_frozen(
        installed / frozen.executable.name, "db", "check", "--json", home=home, cwd=tmp_path
    )

    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    assert report["ok"] is True and report["revision"] == head_revision()
    assert report["counts"]["household"] == registered
    assert [p.name for p in (data / "backups").iterdir()] == [backup.name]
