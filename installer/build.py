# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the one-folder application with PyInstaller, report its size, pack it.

Usage (from the repository, on the system the build is for)::

    uv run python installer/build.py [--out DIR] [--self-test] [--no-archive]

Writes ``DIR/dist/kaltim-desktop/`` (default ``DIR``: ``build/installer``), prints the unpacked
size and what takes the space, and on Linux packs the folder as
``DIR/kaltim-desktop-<version>-linux-<machine>.tar.gz``. On Windows the folder is what
``installer/windows/kaltim-desktop.iss`` packs into the setup program. ``--self-test`` then
runs the built program's ``--self-test`` from a temporary directory, as an installer would.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

INSTALLER_DIR = Path(__file__).resolve().parent
ROOT = INSTALLER_DIR.parent
SPEC = INSTALLER_DIR / "kaltim-desktop.spec"
DEFAULT_OUT = ROOT / "build" / "installer"
APP_NAME = "kaltim-desktop"
SIZE_TARGET_MB = 250
MB = 1_000_000


@dataclass(frozen=True)
class Build:
    """A finished build: the application folder, its archive (Linux) and the figures."""

    app_dir: Path
    archive: Path | None
    version: str
    seconds: float
    size_bytes: int

    @property
    def executable(self) -> Path:
        return self.app_dir / (APP_NAME + (".exe" if sys.platform == "win32" else ""))


def package_version() -> str:
    """The version the build carries: the package's own (from pyproject via its metadata)."""
    sys.path.insert(0, str(ROOT))
    from kaltim_desktop import __version__

    return __version__


def tree_size(path: Path) -> int:
    """Bytes of the files under ``path`` (symbolic links count as nothing: they are links)."""
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def size_report(app_dir: Path, *, top: int = 12) -> list[str]:
    """The unpacked size, then the biggest folders and files that take it, largest first."""
    total = tree_size(app_dir)
    lines = [f"Unpacked size: {total / MB:.1f} MB (target <= {SIZE_TARGET_MB} MB)"]
    internal = app_dir / "_internal"
    entries = [p for p in (internal.iterdir() if internal.is_dir() else ()) if not p.is_symlink()]
    # PySide6 is most of the build: show its Qt libraries, plugins and bindings apart.
    qt = internal / "PySide6"
    if qt.is_dir():
        entries.remove(qt)
        entries += [p for p in (qt / "Qt").iterdir() if not p.is_symlink()]
    entries += [p for p in app_dir.iterdir() if p.is_file()]
    sized = sorted((tree_size(p) if p.is_dir() else p.lstat().st_size, p) for p in entries)[::-1]
    if qt.is_dir():
        bindings = sum(f.lstat().st_size for f in qt.glob("*.so")) + sum(
            f.lstat().st_size for f in qt.glob("*.pyd")
        )
        sized = sorted([*sized, (bindings, qt / "*.abi3 (Python bindings)")], reverse=True)
    lines.append("Largest parts:")
    for size, path in sized[:top]:
        lines.append(f"  {size / MB:7.1f} MB  {path.relative_to(app_dir).as_posix()}")
    files = sorted(
        ((f.lstat().st_size, f) for f in app_dir.rglob("*") if f.is_file() and not f.is_symlink()),
        reverse=True,
    )
    lines.append("Largest files:")
    for size, path in files[:top]:
        lines.append(f"  {size / MB:7.1f} MB  {path.relative_to(app_dir).as_posix()}")
    return lines


def pack(app_dir: Path, version: str, out: Path) -> Path:
    """``kaltim-desktop-<version>-linux-<machine>.tar.gz`` holding the application folder."""
    archive = out / f"{APP_NAME}-{version}-{sys.platform}-{platform.machine().lower()}.tar.gz"
    partial = archive.with_suffix(".partial")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(app_dir, arcname=f"{APP_NAME}-{version}")
    partial.replace(archive)
    return archive


def build(out: Path = DEFAULT_OUT, *, archive: bool = True) -> Build:
    """Run PyInstaller on the spec into ``out``; raise CalledProcessError when it fails."""
    version = package_version()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
            "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(SPEC),
        ],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    app_dir = out / "dist" / APP_NAME
    # The version for the Windows installer script (installer/windows/kaltim-desktop.iss).
    (out / "version.iss").write_text(f'#define AppVersion "{version}"\n', encoding="utf-8")
    packed = pack(app_dir, version, out) if archive and sys.platform != "win32" else None
    return Build(app_dir, packed, version, time.monotonic() - started, tree_size(app_dir))


def self_test_environment(home: Path) -> dict[str, str]:
    """The environment of an officer's session: no Python paths or virtual environment of
    this source tree, and a home of its own (so a slip into the real data directory shows)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "UV_", "XDG_", "KALTIM_", "QT_"))
    }
    env.update(HOME=str(home), USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData"))
    return env


def run_built(executable: Path, args: list[str], *, home: Path, cwd: Path):
    """Run the built program with ``args`` from ``cwd``, in :func:`self_test_environment`."""
    return subprocess.run(
        [str(executable), *args],
        cwd=cwd,
        env=self_test_environment(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_self_test(executable: Path, *, language: str = "en") -> subprocess.CompletedProcess:
    """Run ``executable --self-test`` from a temporary directory outside the source tree."""
    with tempfile.TemporaryDirectory(prefix="kaltim-frozen-") as scratch:
        home = Path(scratch) / "home"
        home.mkdir()
        return run_built(executable, ["--lang", language, "--self-test"], home=home, cwd=home)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--no-archive", action="store_true", help="do not pack the tarball")
    parser.add_argument(
        "--self-test", action="store_true", help="run the built program's --self-test"
    )
    args = parser.parse_args(argv)
    result = build(args.out.resolve(), archive=not args.no_archive)
    print(f"Kaltim Desktop {result.version}: built in {result.seconds:.0f} s")
    print(f"Application folder: {result.app_dir}")
    if result.archive is not None:
        print(f"Archive: {result.archive} ({result.archive.stat().st_size / MB:.1f} MB)")
    print("\n".join(size_report(result.app_dir)))
    if result.size_bytes > SIZE_TARGET_MB * MB:
        print(f"WARNING: the build is larger than {SIZE_TARGET_MB} MB", file=sys.stderr)
    if args.self_test:
        completed = run_self_test(result.executable)
        print(completed.stdout, end="")
        print(completed.stderr, end="", file=sys.stderr)
        return completed.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
