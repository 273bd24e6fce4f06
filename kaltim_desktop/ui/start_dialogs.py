# SPDX-License-Identifier: GPL-3.0-or-later
"""The first-run set-up and the sign-in dialog (also used to unlock a locked session).

Both run their service call (argon2 password hashing, a database write) on a worker thread and
stay open until it succeeds; refusals (a wrong password, a locked account, a short password)
are shown inside the dialog in the service's own words.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop import APP_NAME
from kaltim_desktop.db import Database
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import KaltimError, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.installation import first_run_setup
from kaltim_desktop.services.officers import authenticate
from kaltim_desktop.ui.errors import describe
from kaltim_desktop.ui.household_fields import ERROR_COLOUR
from kaltim_desktop.ui.region_picker import RegionCombo
from kaltim_desktop.ui.tasks import TaskRunner


def _message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR}")
    label.hide()
    return label


class _ServiceDialog(QDialog):
    """A dialog whose OK runs a service call off the GUI thread."""

    signed_in = Signal(object)
    """The officer (an :class:`Actor`) is signed in; emitted before the dialog closes."""

    def __init__(self, db: Database, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.message = _message_label()
        self.busy = False
        self.buttons = QDialogButtonBox()

    def _ok_button(self, text: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        return button

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _run(self, fn, on_done) -> None:
        self.busy = True
        self.buttons.setEnabled(False)
        self.runner.run(
            lambda _p: fn(),
            title=self.windowTitle(),
            on_done=lambda result: self._finish(on_done, result),
            on_error=self._failed,
            parent=self,
            progress_dialog=False,
        )

    def _finish(self, on_done, result) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        if isinstance(exc, KaltimError):
            self.show_message(describe(exc))
            self.refused(exc)
        else:
            self.runner.errors.show(self, exc)

    def refused(self, exc: KaltimError) -> None:
        """A refusal was shown; put the focus where the officer types next."""

    def submit(self) -> None:
        raise NotImplementedError

    def _signed_in(self, actor: Actor) -> None:
        self.signed_in.emit(actor)
        self.accept()


class SetupDialog(_ServiceDialog):
    """First start without any officer: the first administrator and this laptop's regency."""

    def __init__(self, db: Database, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(db, runner, parent)
        self.setWindowTitle(_("Set up {app}").format(app=APP_NAME))
        intro = QLabel(
            _(
                "Welcome. This laptop has no officer account yet. Create the first account: "
                "it is an administrator, who can later add the other officers."
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.username = QLineEdit()
        self.username.setPlaceholderText(_("e.g. rina.s"))
        self.nip = QLineEdit()
        self.nip.setPlaceholderText(_("18 digits, optional"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.regency = RegionCombo(_("Regency/city"))
        self.regency.set_regions(region_tree().regencies(), None)
        form = QFormLayout()
        form.addRow(_("Full name"), self.name)
        form.addRow(_("User name"), self.username)
        form.addRow(_("NIP"), self.nip)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Repeat the password"), self.repeat)
        form.addRow(_("Regency/city of this laptop"), self.regency)
        self._ok_button(_("Create account and start"))
        quit_button = self.buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.name.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.repeat.text():
            self.show_message(_("The two passwords differ. Type them again."))
            self.repeat.clear()
            self.password.selectAll()
            self.password.setFocus()
            return
        db = self.db
        username, password = self.username.text(), self.password.text()
        name, nip, regency = self.name.text(), self.nip.text(), self.regency.code() or ""

        def work() -> Actor:
            first_run_setup(
                db, username=username, name=name, password=password, regency_code=regency,
                nip=nip or None,
            )  # fmt: skip
            return authenticate(db, username, password)

        self._run(work, self._signed_in)

    def refused(self, exc: KaltimError) -> None:
        fields = {
            "name": self.name,
            "username": self.username,
            "nip": self.nip,
            "password": self.password,
            "regency": self.regency,
        }
        if isinstance(exc, ValidationError) and exc.issues:
            fields.get(exc.issues[0].field, self.name).setFocus()


class LoginDialog(_ServiceDialog):
    """Sign in; with ``locked=True`` it is the lock screen of a running session."""

    quit_requested = Signal()
    """The officer chose Quit (on the lock screen: quit without unlocking)."""

    def __init__(
        self,
        db: Database,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        username: str = "",
        locked: bool = False,
        hint: str = "",
    ) -> None:
        super().__init__(db, runner, parent)
        self.locked = locked
        self.setWindowTitle(
            _("Session locked") if locked else _("Sign in to {app}").format(app=APP_NAME)
        )
        intro = QLabel(
            _("The session was locked. Type your password to continue.")
            if locked
            else _("Sign in with your officer account.")
        )
        intro.setWordWrap(True)
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        self._ok_button(_("Unlock") if locked else _("Sign in"))
        quit_button = self.buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setAutoDefault(False)
        quit_button.clicked.connect(self.quit_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        db, username, password = self.db, self.username.text(), self.password.text()
        self._run(lambda: authenticate(db, username, password), self._signed_in)

    def refused(self, exc: KaltimError) -> None:
        self.password.clear()
        self.password.setFocus()

    def reject(self) -> None:
        # Esc must not get past the lock screen; it only clears the password.
        if self.locked:
            self.password.clear()
            return
        super().reject()
