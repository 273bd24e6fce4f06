# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window: navigation on the left, one screen at a time, a status bar.

Screens are created on first show, from :data:`PAGES`, so start-up builds only the first one.
Keyboard: Ctrl+1…9 switch screens, Ctrl+N registers a household, Ctrl+F searches households,
Ctrl+L locks the session, Ctrl+Q quits.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop import APP_NAME
from kaltim_desktop.domain.formatting import format_date_long
from kaltim_desktop.domain.vocab import ROLE
from kaltim_desktop.i18n import N_, _
from kaltim_desktop.services.context import ROLE_RANK
from kaltim_desktop.services.status import read_status
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.base import Page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec:
    """A screen of the navigation: its key, its (untranslated) label, ``"module:Class"``, and
    the lowest role that sees it (the services check the role again)."""

    key: str
    label: str
    target: str
    min_role: str = "operator"

    def load(self) -> type[Page]:
        module_name, class_name = self.target.split(":")
        return getattr(importlib.import_module(module_name), class_name)


_PAGES_PACKAGE = "kaltim_desktop.ui.pages"
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", N_("Overview"), f"{_PAGES_PACKAGE}.overview:OverviewPage"),
    PageSpec("households", N_("Households"), f"{_PAGES_PACKAGE}.households:HouseholdsPage"),
    PageSpec("handovers", N_("House handovers"), f"{_PAGES_PACKAGE}.handovers:HandoversPage"),
    PageSpec("grants", N_("Business grants"), f"{_PAGES_PACKAGE}.grants:GrantsPage"),
    PageSpec("trainings", N_("Trainings"), f"{_PAGES_PACKAGE}.trainings:TrainingsPage"),
    PageSpec("certificates", N_("Certificates"), f"{_PAGES_PACKAGE}.certificates:CertificatesPage"),
    PageSpec("sync", N_("Synchronisation"), f"{_PAGES_PACKAGE}.sync_page:SyncPage"),
    PageSpec("settings", N_("Settings"), f"{_PAGES_PACKAGE}.settings:SettingsPage"),
    # Last, so that the keys of the other screens stay as officers learnt them (Ctrl+9).
    PageSpec("review", N_("Review"), f"{_PAGES_PACKAGE}.review:ReviewPage", "supervisor"),
)

_EXPORTABLE = frozenset({"households", "handovers", "grants", "trainings"})
_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_DEFAULT_SIZE = QSize(1280, 720)  # fits a 1366×768 laptop screen with its task bar


class MainWindow(QMainWindow):
    """The application window of a signed-in officer."""

    lock_requested = Signal()
    """Ctrl+L or the lock action: the application shows its lock dialog."""

    def __init__(
        self, ui: UiContext, pages: tuple[PageSpec, ...] = PAGES, start_page: str | None = None
    ) -> None:
        super().__init__()
        self.ui = ui
        self._specs = pages
        self._pages: dict[str, Page] = {}
        self._current: str | None = None
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(QSize(1000, 600))

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(210)
        self.navigation.setSpacing(2)
        for number, spec in enumerate(pages, start=1):
            item = QListWidgetItem(_(spec.label))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"Ctrl+{number}" if number <= 9 else "")
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self._on_navigation)

        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.stack = QStackedWidget()

        right = QVBoxLayout()
        right.setContentsMargins(12, 8, 12, 4)
        right.addWidget(self.heading)
        right.addWidget(self.stack, 1)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addLayout(right, 1)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)

        self.officer_label = QLabel()
        self.database_label = QLabel()
        self.sync_label = QLabel()
        for label in (self.officer_label, self.database_label, self.sync_label):
            self.statusBar().addPermanentWidget(label)

        self._install_shortcuts()
        self._install_menus()
        ui.events.open_household.connect(self._open_household)
        ui.events.status_changed.connect(self.refresh_status)
        self._restore_geometry()
        self.refresh_status()
        self.show_page(start_page or pages[0].key)

    # -- pages -------------------------------------------------------------------------------

    def page(self, key: str) -> Page:
        """The page with ``key``, created (not shown) on first use."""
        page = self._pages.get(key)
        if page is None:
            spec = next(s for s in self._specs if s.key == key)
            page = spec.load()(self.ui)
            self._pages[key] = page
            self.stack.addWidget(page)
        return page

    def show_page(self, key: str) -> Page:
        """Switch to the page with ``key`` (unless the current page keeps the officer)."""
        row = next(i for i, s in enumerate(self._specs) if s.key == key)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)  # runs _on_navigation
        return self._pages.get(self._current or "") or self.page(key)

    @property
    def current_key(self) -> str | None:
        return self._current

    def _on_navigation(self, row: int) -> None:
        if row < 0:
            return
        key = self._specs[row].key
        if key == self._current:
            return
        if self._current is not None and not self._pages[self._current].confirm_leave():
            previous = next(i for i, s in enumerate(self._specs) if s.key == self._current)
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(previous)
            self.navigation.blockSignals(False)
            return
        page = self.page(key)
        self._current = key
        self.stack.setCurrentWidget(page)
        self.heading.setText(page.title())
        page.activated()

    def _open_household(self, household_id: str) -> None:
        page = self.show_page("households")
        if self._current == "households":
            page.open_household(household_id)

    # -- keyboard ----------------------------------------------------------------------------

    def _install_shortcuts(self) -> None:
        for number, spec in enumerate(self._specs[:9], start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(
                lambda key=spec.key: self._allowed(key) and self.show_page(key)
            )
        QShortcut(QKeySequence.StandardKey.New, self).activated.connect(self._new_household)
        QShortcut(QKeySequence.StandardKey.Find, self).activated.connect(self._find_household)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock_requested)
        QShortcut(QKeySequence.StandardKey.Quit, self).activated.connect(self.close)

    def _new_household(self) -> None:
        page = self.show_page("households")
        if self._current == "households":
            page.new_household()

    def _find_household(self) -> None:
        page = self.show_page("households")
        if self._current == "households":
            page.focus_search()

    # -- menus -------------------------------------------------------------------------------

    def _install_menus(self) -> None:
        data = self.menuBar().addMenu(_("&Data"))
        self.import_action = self._action(data, _("&Import a list (Excel/CSV)…"), "Ctrl+I")
        self.import_action.triggered.connect(self.open_import)
        self.export_action = self._action(data, _("&Export a list…"), "Ctrl+E")
        self.export_action.triggered.connect(self.open_export)
        self.report_action = self._action(data, _("Programme &report…"), "Ctrl+R")
        self.report_action.triggered.connect(self.open_report)
        data.addSeparator()
        self._action(data, _("&Lock"), "Ctrl+L", shortcut_elsewhere=True).triggered.connect(
            self.lock_requested
        )
        self._action(data, _("&Quit"), "Ctrl+Q", shortcut_elsewhere=True).triggered.connect(
            self.close
        )

    def _action(self, menu, text: str, keys: str, *, shortcut_elsewhere: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut_elsewhere:
            # The key is a window shortcut already; the menu only shows it.
            action.setText(f"{text}\t{keys}")
        else:
            action.setShortcut(QKeySequence(keys))
        menu.addAction(action)
        return action

    def open_import(self):
        """The import wizard (non-modal: the officer may look things up meanwhile)."""
        from kaltim_desktop.ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.ui, self)
        wizard.show()
        return wizard

    def open_export(self):
        """The export dialog, preset to the list and the filters of the current screen."""
        from kaltim_desktop.ui.export_dialog import ExportDialog

        page = self._pages.get(self._current or "")
        kind = self._current if self._current in _EXPORTABLE else "households"
        filters = page.export_filter() if hasattr(page, "export_filter") else None
        dialog = ExportDialog(self.ui, self, kind=kind, filters=filters)
        dialog.show()
        return dialog

    def open_report(self):
        from kaltim_desktop.ui.report_dialog import ReportDialog

        dialog = ReportDialog(self.ui, self)
        dialog.show()
        return dialog

    # -- status and state --------------------------------------------------------------------

    def _allowed(self, key: str) -> bool:
        """Whether the signed-in officer's role sees the page ``key``."""
        spec = next(s for s in self._specs if s.key == key)
        return ROLE_RANK.get(self.ui.actor.role, 0) >= ROLE_RANK[spec.min_role]

    def _apply_roles(self) -> None:
        """Hide the screens the officer's role does not see (another officer may unlock)."""
        for row, spec in enumerate(self._specs):
            self.navigation.item(row).setHidden(not self._allowed(spec.key))
        if self._current is not None and not self._allowed(self._current):
            self.show_page(self._specs[0].key)

    def refresh_status(self) -> None:
        self._apply_roles()
        actor = self.ui.actor
        role = _(ROLE.get(actor.role, actor.role))
        self.officer_label.setText(
            _("Officer: {name} ({role})").format(name=actor.username, role=role)
        )
        status = read_status(self.ui.db)
        self.database_label.setText(_("Database: {name}").format(name=status.database_name))
        self.database_label.setToolTip(str(self.ui.db.path or ""))
        if status.last_sync_at is None:
            self.sync_label.setText(_("Last sync: never"))
        else:
            self.sync_label.setText(
                _("Last sync: {date}").format(date=format_date_long(status.last_sync_at.date()))
            )

    def _restore_geometry(self) -> None:
        geometry = self.ui.settings.value(_GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            state = self.ui.settings.value(_STATE_KEY)
            if isinstance(state, QByteArray):
                self.restoreState(state)
        else:
            self.resize(_DEFAULT_SIZE)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not all(page.confirm_leave() for page in self._pages.values()):
            event.ignore()
            return
        self.ui.settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self.ui.settings.setValue(_STATE_KEY, self.saveState())
        self.ui.settings.sync()
        self.ui.runner.shutdown()
        event.accept()
