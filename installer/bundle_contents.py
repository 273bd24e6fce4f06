# SPDX-License-Identifier: GPL-3.0-or-later
"""What goes into the one-folder build and what is left out, shared by the spec file and tests.

PyInstaller's hooks collect generously (every Qt translation, every Babel locale, every plugin
of a Qt module). The application needs far less: its own gettext catalogues replace Qt's
translations (Qt has no Indonesian one), it formats dates and numbers only in ``id`` and
``en_GB``, and it renders PDF pages with pypdfium2, not Qt's PDF module. Dropping the rest keeps
the installed folder small; ``--self-test`` checks that what is left is enough.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import PurePosixPath

APP_NAME = "kaltim-desktop"

# Qt modules the application never imports. PySide6 is one wheel with everything; without
# these excludes an indirect import would drag WebEngine, QML and the rest in. QtCore, QtGui,
# QtWidgets, QtCharts and QtPrintSupport are used (QtCharts links libQt6OpenGL, not the
# QtOpenGL Python module).
UNUSED_QT_MODULES = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtConcurrent", "QtDataVisualization", "QtDBus",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtQml", "QtQuick",
    "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects",
    "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql",
    "QtStateMachine", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel",
    "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView",
    "QtXml",
)  # fmt: skip

UNUSED_MODULES = (
    # Pillow's AVIF codec (5 MB) and Tk bridge: photos are JPEG, PNG, WebP, TIFF or BMP only
    # (kaltim_desktop.services.photos.ACCEPTED_FORMATS).
    "PIL._avif", "PIL.AvifImagePlugin", "PIL.ImageTk", "PIL._imagingtk",
    # Development and test tools (pyzbar, pypdf and openpyxl are test-only dependencies).
    "tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "pyzbar", "pypdf", "openpyxl",
    "PyInstaller", "IPython", "pygments", "rfc8785", "ruff",
)  # fmt: skip

EXCLUDED_MODULES: tuple[str, ...] = (
    *(f"PySide6.{module}" for module in UNUSED_QT_MODULES),
    *UNUSED_MODULES,
)

# Babel locales the code formats with (kaltim_desktop.domain.formatting and the reports use
# "id" and "en_GB"), with the parents Babel falls back through.
BABEL_LOCALES = ("root", "id", "id_ID", "en", "en_001", "en_150", "en_GB", "en_US")

# Bundle paths (relative, forward slashes) left out of the build. Plugins are dropped before
# PyInstaller looks for the libraries they link, so those libraries stay out too. Qt's files are
# under PySide6/Qt/ on Linux and macOS but directly under PySide6/ on Windows: the patterns are
# written without the Qt/ and matched against both.
DROPPED_PATTERNS: tuple[str, ...] = (
    "PySide6/translations/*",  # our gettext translator answers Qt's few texts
    # Qt's PDF image-format plugin would pull libQt6Pdf in; pages are rendered with pypdfium2.
    "PySide6/plugins/imageformats/*qpdf*",
    # The virtual keyboard is written in QML: it would pull QtQuick, QtQml and QtNetwork in.
    "PySide6/plugins/platforminputcontexts/*virtualkeyboard*",
    # Network plugins and input over the network (TUIO, VNC): the application opens no socket.
    "PySide6/plugins/tls/*",
    "PySide6/plugins/networkinformation/*",
    "PySide6/plugins/generic/*tuiotouch*",
    "PySide6/plugins/platforms/*vnc*",
    # Full-screen embedded platforms (no window system): not a district laptop.
    "PySide6/plugins/platforms/*eglfs*",
    "PySide6/plugins/platforms/*minimalegl*",
    "PySide6/plugins/platforms/*vkkhrdisplay*",
    "PySide6/plugins/egldeviceintegrations/*",
    # The GTK theme would load the system's GTK 3 next to bundled GLib; the app uses Fusion.
    "PySide6/plugins/platformthemes/*gtk3*",
    "PySide6/plugins/qmltooling/*",
    # Qt's own scripts, headers and metatypes are for building against Qt, not running it.
    "PySide6/metatypes/*",
    "PySide6/include/*",
    "PySide6/typesystems/*",
    "PySide6/glue/*",
)


def _babel_locale(path: PurePosixPath) -> str | None:
    parts = path.parts
    if len(parts) == 3 and parts[:2] == ("babel", "locale-data") and path.suffix == ".dat":
        return path.stem
    return None


def keep_in_bundle(destination: str) -> bool:
    """True when the file at ``destination`` (its path inside the bundle) is kept."""
    path = PurePosixPath(destination.replace("\\", "/"))
    locale = _babel_locale(path)
    if locale is not None:
        return locale in BABEL_LOCALES
    text = str(path)
    if text.startswith("PySide6/Qt/"):
        text = "PySide6/" + text.removeprefix("PySide6/Qt/")
    return not any(fnmatchcase(text, pattern) for pattern in DROPPED_PATTERNS)
