# SPDX-License-Identifier: GPL-3.0-or-later
"""Qt's own texts (standard buttons, wizard buttons, edit menus) in the user's language.

Qt ships no Indonesian catalogue (there is no ``qtbase_id.qm``), so the standard "Cancel",
"&Next >" or "&Yes" would stay English in an Indonesian interface. This translator answers
Qt's lookups from our own gettext catalogue instead, for the handful of texts our screens show.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from kaltim_desktop.i18n import N_, _

# Qt source text -> our English source string (the same text, marked for extraction; a few
# differ only by Qt's accelerator or arrow decorations, which the translation keeps).
QT_TEXTS: dict[str, str] = {
    "OK": N_("OK"),
    "Cancel": N_("Cancel"),
    "&Cancel": N_("&Cancel"),
    "Close": N_("Close"),
    "&Close": N_("&Close"),
    "Save": N_("Save"),
    "&Save": N_("&Save"),
    "Discard": N_("Discard"),
    "Don't Save": N_("Don't Save"),
    "Apply": N_("Apply"),
    "Reset": N_("Reset"),
    "Restore Defaults": N_("Restore Defaults"),
    "Help": N_("Help"),
    "&Help": N_("&Help"),
    "Open": N_("Open"),
    "&Yes": N_("&Yes"),
    "&No": N_("&No"),
    "Yes to &All": N_("Yes to &All"),
    "N&o to All": N_("N&o to All"),
    "Abort": N_("Abort"),
    "Retry": N_("Retry"),
    "Ignore": N_("Ignore"),
    "Show Details...": N_("Show Details..."),
    "Hide Details...": N_("Hide Details..."),
    "&Next >": N_("&Next >"),
    "< &Back": N_("< &Back"),
    "&Finish": N_("&Finish"),
    "Commit": N_("Commit"),
    "&Undo": N_("&Undo"),
    "&Redo": N_("&Redo"),
    "Cu&t": N_("Cu&t"),
    "&Copy": N_("&Copy"),
    "&Paste": N_("&Paste"),
    "Delete": N_("Delete"),
    "Select All": N_("Select All"),
}


class GettextQtTranslator(QTranslator):
    """Answers Qt's translation lookups for :data:`QT_TEXTS` from the gettext catalogue."""

    def translate(self, context, source_text, disambiguation=None, n=-1):
        message = QT_TEXTS.get(source_text)
        if message is None:
            return ""  # Qt keeps its own text
        return _(message)

    def isEmpty(self) -> bool:
        return False


def install_qt_translations(app: QCoreApplication) -> GettextQtTranslator:
    """Install the translator on ``app``; keep the returned object alive with the app."""
    translator = GettextQtTranslator(app)
    app.installTranslator(translator)
    return translator
