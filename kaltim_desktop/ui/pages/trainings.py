# SPDX-License-Identifier: GPL-3.0-or-later
"""Pelatihan: trainings, their participants, attendance per day and completion.

The trainings are listed on the left; the chosen one's participants on the right, with a
"present" tick for the day chosen above them. Ticking (Space on the row, or a click) records
the attendance at once; the completion needs at least one attended day (the service says so
when it is missing).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.i18n import _
from kaltim_desktop.services.programme_lists import training_attendance
from kaltim_desktop.services.trainings import (
    ParticipantRow,
    TrainingRow,
    drop_enrolment,
    list_participants,
    list_trainings,
    mark_attendance,
)
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.base import Page
from kaltim_desktop.ui.pages.overview_charts import short_name
from kaltim_desktop.ui.pages.programme_widgets import (
    ask,
    date_of,
    day_text,
    fill_table,
    fit_columns,
    make_date_edit,
    make_table,
    remember_columns,
    select_id,
    selected_id,
    vocab_combo,
)
from kaltim_desktop.ui.pages.training_dialogs import (
    TRAINING_AGENCIES,
    CompleteDialog,
    EnrolDialog,
    NewTrainingDialog,
)

PRESENT_COLUMN = 2


class TrainingsPage(Page):
    """Trainings on the left, the chosen training's participants and attendance on the right."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.trainings: tuple[TrainingRow, ...] = ()
        self.training: TrainingRow | None = None
        self.participants: tuple[ParticipantRow, ...] = ()
        self.attendance: dict[str, tuple[date, ...]] = {}
        self.dialog = None
        self.question = None
        self._filling = False
        self._select_after: str | None = None

        # -- trainings
        self.agency_filter = vocab_combo(
            {k: vocab.AGENCY[k] for k in TRAINING_AGENCIES}, everything=_("All agencies")
        )
        self.new_button = QPushButton(_("&New training…"))
        agency_caption = QLabel(_("A&gency:"))
        agency_caption.setBuddy(self.agency_filter)
        top = QHBoxLayout()
        top.addWidget(agency_caption)
        top.addWidget(self.agency_filter, 1)
        top.addWidget(self.new_button)
        self.table = make_table(
            [_("Training"), _("Starts on"), _("Participants")],
            stretch=0,
        )
        fit_columns(self.table, {1: 130, 2: 90})
        remember_columns(self.table, ui.settings, "trainings/columns")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)

        # -- participants
        self.box = QGroupBox(_("Participants"))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.day = make_date_edit()
        day_caption = QLabel(_("Attendance &on:"))
        day_caption.setBuddy(self.day)
        self.enrol_button = QPushButton(_("&Enrol…"))
        self.complete_button = QPushButton(_("Co&mpleted…"))
        self.drop_button = QPushButton(_("&Dropped out…"))
        buttons = QHBoxLayout()
        buttons.addWidget(day_caption)
        buttons.addWidget(self.day)
        buttons.addStretch(1)
        for button in (self.enrol_button, self.complete_button, self.drop_button):
            buttons.addWidget(button)
        self.people = make_table(
            [_("Name"), _("Status"), _("Present"), _("Days attended"), _("Completed on")],
            stretch=0,
        )
        fit_columns(self.people, {1: 100, 2: 70, 3: 100, 4: 140})
        remember_columns(self.people, ui.settings, "trainings/participant_columns")
        box_layout = QVBoxLayout(self.box)
        box_layout.addWidget(self.info)
        box_layout.addLayout(buttons)
        box_layout.addWidget(self.people, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.box)
        splitter.setSizes([500, 640])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.agency_filter.currentIndexChanged.connect(self._fill_trainings)
        self.table.itemSelectionChanged.connect(self._on_training_chosen)
        self.people.itemSelectionChanged.connect(self._update_buttons)
        self.people.itemChanged.connect(self._on_present_toggled)
        self.people.installEventFilter(self)
        self.day.dateChanged.connect(lambda _d: self._fill_participants())
        self.new_button.clicked.connect(self.new_training)
        self.enrol_button.clicked.connect(self.enrol)
        self.complete_button.clicked.connect(self.complete)
        self.drop_button.clicked.connect(self.drop)
        ui.events.data_changed.connect(self._on_data_changed)
        self._show_training(None)

    def title(self) -> str:
        return _("Trainings")

    def activated(self) -> None:
        self.refresh()
        self.table.setFocus()

    # ---- trainings ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.ui.runner.run(
            lambda _progress: list_trainings(self.ui.db),
            title=_("Loading the trainings"),
            on_done=self._on_trainings,
            parent=self,
            progress_dialog=False,
        )

    def _on_trainings(self, trainings: tuple[TrainingRow, ...]) -> None:
        self.trainings = trainings
        self._fill_trainings()

    def _fill_trainings(self) -> None:
        agency = self.agency_filter.currentData()
        shown = [t for t in self.trainings if agency is None or t.agency == agency]
        fill_table(
            self.table,
            (
                (
                    t.id,
                    [t.title, day_text(t.start_date), str(t.participants)],
                )
                for t in shown
            ),
            right=(2,),
        )
        if self._select_after is not None:
            select_id(self.table, self._select_after)
            self._select_after = None
        if self.table.rowCount() and selected_id(self.table) is None:
            self.table.selectRow(0)
        self._on_training_chosen()

    def _on_training_chosen(self) -> None:
        training_id = selected_id(self.table)
        training = next((t for t in self.trainings if t.id == training_id), None)
        self._show_training(training)
        if training is not None:
            self.load_participants()

    def _show_training(self, training: TrainingRow | None) -> None:
        changed = training is None or self.training is None or training.id != self.training.id
        self.training = training
        self.box.setEnabled(training is not None)
        if training is None:
            self.info.setText(_("Choose a training on the left."))
            self.participants, self.attendance = (), {}
            self._fill_participants()
            return
        regency = region_tree().get(training.regency_code or "")
        facts = [
            _(vocab.SKILL_CATEGORY.get(training.skill_category, training.skill_category)),
            _(vocab.AGENCY.get(training.agency, training.agency)),
            short_name(regency.name) if regency else "",
            _("{start} – {end}").format(
                start=day_text(training.start_date), end=day_text(training.end_date)
            ),
            training.place or "",
            training.trainer or "",
        ]
        self.info.setText(f"<b>{training.title}</b><br>" + " · ".join(f for f in facts if f))
        if changed:
            # Attendance can be marked from the first day up to today or the last day.
            last = min(training.end_date, date.today())
            self.day.blockSignals(True)
            self.day.setDateRange(
                _qdate(training.start_date), _qdate(max(last, training.start_date))
            )
            self.day.setDate(_qdate(last if last >= training.start_date else training.start_date))
            self.day.blockSignals(False)
        self.day.setEnabled(training.start_date <= date.today())

    # ---- participants -------------------------------------------------------------------------

    def load_participants(self) -> None:
        if self.training is None:
            return
        training_id, db = self.training.id, self.ui.db
        self.ui.runner.run(
            lambda _progress: (
                training_id,
                list_participants(db, training_id),
                training_attendance(db, training_id),
            ),
            title=_("Loading the participants"),
            on_done=self._on_participants,
            parent=self,
            progress_dialog=False,
        )

    def _on_participants(self, result) -> None:
        training_id, participants, attendance = result
        if self.training is None or training_id != self.training.id:
            return  # the officer chose another training meanwhile
        self.participants, self.attendance = participants, attendance
        self._fill_participants()

    def _fill_participants(self) -> None:
        day = date_of(self.day)
        self._filling = True
        fill_table(
            self.people,
            (
                (
                    p.enrolment_id,
                    [
                        p.name,
                        _(vocab.ENROLMENT_STATUS.get(p.status, p.status)),
                        "",
                        str(p.attended_days),
                        day_text(p.completed_on),
                    ],
                )
                for p in self.participants
            ),
            right=(3,),
        )
        can_mark = self.day.isEnabled()
        for row, p in enumerate(self.participants):
            item = self.people.item(row, PRESENT_COLUMN)
            flags = Qt.ItemFlag.ItemIsSelectable
            if can_mark and p.status == "enrolled":
                flags |= Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            present = day in self.attendance.get(p.enrolment_id, ())
            item.setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
            item.setToolTip(_("Present on {date}").format(date=day_text(day)))
        self._filling = False
        if self.people.rowCount() and selected_id(self.people) is None:
            self.people.selectRow(0)
        self._update_buttons()

    def eventFilter(self, watched, event) -> bool:  # Qt override
        # Space ticks "present" on the current participant, whichever cell has the focus.
        if (
            watched is self.people
            and event.type() == event.Type.KeyPress
            and event.key() == Qt.Key.Key_Space
            and self.people.currentRow() >= 0
        ):
            item = self.people.item(self.people.currentRow(), PRESENT_COLUMN)
            if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                checked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return True
        return super().eventFilter(watched, event)

    def _on_present_toggled(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != PRESENT_COLUMN:
            return
        enrolment_id = self.people.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        present = item.checkState() == Qt.CheckState.Checked
        db, actor, day = self.ui.db, self.ui.actor, date_of(self.day)
        self.ui.runner.run(
            lambda _progress: mark_attendance(db, actor, enrolment_id, day, present),
            title=_("Recording attendance"),
            on_done=lambda _row: self._after_change(),
            on_error=self._on_mark_failed,
            parent=self,
            progress_dialog=False,
        )

    def _on_mark_failed(self, error: BaseException) -> None:
        self.ui.errors.show(self, error)
        self.load_participants()  # show what is stored, not the refused tick

    def current_participant(self) -> ParticipantRow | None:
        enrolment_id = selected_id(self.people)
        return next((p for p in self.participants if p.enrolment_id == enrolment_id), None)

    def _update_buttons(self) -> None:
        participant = self.current_participant()
        enrolled = participant is not None and participant.status == "enrolled"
        self.complete_button.setEnabled(enrolled)
        self.drop_button.setEnabled(enrolled)

    def _on_data_changed(self, entity: str) -> None:
        if entity in ("training", "enrolment", "household", "*") and self.isVisible():
            self.refresh()

    def _after_change(self, training_id: str | None = None) -> None:
        self._select_after = training_id or (self.training.id if self.training else None)
        self.ui.events.data_changed.emit("enrolment")
        if not self.isVisible():
            self.refresh()

    # ---- actions ------------------------------------------------------------------------------

    def new_training(self) -> NewTrainingDialog:
        dialog = NewTrainingDialog(self.ui, self)
        return self._open(dialog, lambda: self._after_change(dialog.result_value.id))

    def enrol(self) -> EnrolDialog | None:
        if self.training is None:
            return None
        return self._open(EnrolDialog(self.ui, self.training, self), self._after_change)

    def complete(self) -> CompleteDialog | None:
        participant = self.current_participant()
        if self.training is None or participant is None:
            return None
        return self._open(
            CompleteDialog(self.ui, self.training, participant, self), self._after_change
        )

    def drop(self) -> None:
        participant = self.current_participant()
        if participant is None:
            return
        db, actor, enrolment_id = self.ui.db, self.ui.actor, participant.enrolment_id

        def confirmed() -> None:
            self.ui.runner.run(
                lambda _progress: drop_enrolment(db, actor, enrolment_id),
                title=_("Recording the drop-out"),
                on_done=lambda _row: self._after_change(),
                parent=self,
            )

        self.question = ask(
            self,
            _("Dropped out"),
            _("Record that {name} dropped out of the training?").format(name=participant.name),
            confirmed,
        )

    def _open(self, dialog, on_saved):
        self.dialog = dialog
        dialog.accepted.connect(on_saved)
        dialog.open()
        return dialog


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
