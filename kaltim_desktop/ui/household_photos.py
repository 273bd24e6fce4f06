# SPDX-License-Identifier: GPL-3.0-or-later
"""The photos strip of the household form: thumbnails, Add photo…, caption, remove.

Photos are saved at once (they are not part of the form's Save): each one is a file that must
be cleaned and stored, so it needs a household that exists. A new household therefore gets its
photos after its first save, and the strip says so. Decoding, cleaning and thumbnails run on a
worker thread (``ui.runner``); only ``QImage`` is made there, ``QPixmap`` on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.db import Database
from kaltim_desktop.errors import ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.services.photos import (
    MAX_CAPTION,
    PhotoRow,
    add_photo,
    list_photos,
    photo_path,
    photos_dir,
    remove_photo,
    set_caption,
)
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.household_fields import ERROR_COLOUR

THUMB = 112


def load_thumbnails(db: Database, folder: Path, household_id: str):
    """The household's photos and a thumbnail image of each (runs on a worker thread)."""
    rows = list_photos(db, household_id)
    images = []
    for row in rows:
        image = QImage(str(photo_path(folder, row.sha256)))
        if not image.isNull():  # a photo synced from elsewhere has no file here (yet)
            image = image.scaled(
                THUMB,
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        images.append(image)
    return household_id, rows, images


def _photo_label(row: PhotoRow) -> str:
    if row.caption:
        return row.caption
    if row.taken_at:
        day = row.taken_at[:10].split("-")
        return "-".join(reversed(day))
    return _("(no caption)")


class HouseholdPhotos(QWidget):
    """Signals: changed() after a photo was added, captioned or removed.

    ``pick_file`` returns the chosen path or None; tests replace it instead of the dialog.
    """

    changed = Signal()

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.household_id: str | None = None
        self.saved = False
        self.busy = False
        self.rows: list[PhotoRow] = []
        self.prompt: QMessageBox | None = None
        self.pick_file: Callable[[], str | None] = self._ask_file

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.strip = QListWidget()
        self.strip.setViewMode(QListView.ViewMode.IconMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setMovement(QListView.Movement.Static)
        self.strip.setIconSize(QSize(THUMB, THUMB))
        self.strip.setGridSize(QSize(THUMB + 36, THUMB + 40))
        self.strip.setWordWrap(True)
        self.strip.setFixedHeight(THUMB + 64)
        self.strip.setAccessibleName(_("Photos of the house"))
        self.add_button = QPushButton(_("Add &photo…"))
        self.remove_button = QPushButton(_("Remo&ve photo"))
        self.caption = QLineEdit()
        self.caption.setMaxLength(MAX_CAPTION)
        self.caption.setPlaceholderText(_("Caption of the selected photo"))
        self.caption_button = QPushButton(_("Save caption"))
        self.status = QLabel()
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.caption_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.strip)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        # Shown only once the household exists: before that there is nothing to act on.
        self._saved_only = [self.strip, self.add_button, self.remove_button, self.caption,
                            self.caption_button]  # fmt: skip

        self.add_button.clicked.connect(self.choose_and_add)
        self.remove_button.clicked.connect(self.ask_remove)
        self.caption_button.clicked.connect(self.save_caption)
        self.caption.returnPressed.connect(self.save_caption)
        self.strip.currentRowChanged.connect(self._selected)
        self._say("")
        self._update_state()

    @property
    def folder(self) -> Path:
        return photos_dir(self.ui.data_dir)

    def focus_chain(self) -> list[QWidget]:
        """The widgets Tab walks through, in order (for the form's tab order)."""
        return [self.strip, self.add_button, self.remove_button, self.caption, self.caption_button]

    # -- household ---------------------------------------------------------------------------

    def set_household(self, household_id: str, *, saved: bool) -> None:
        """Show the photos of ``household_id``; an unsaved household cannot have any yet."""
        changed = household_id != self.household_id
        self.household_id = household_id
        self.saved = saved
        if changed:
            self._show_rows([], [])
            self._say("")
        self._update_state()
        if saved:
            self.reload()

    def reload(self) -> None:
        db, folder, household_id = self.ui.db, self.folder, self.household_id
        self.ui.runner.run(
            lambda _p: load_thumbnails(db, folder, household_id),
            title=_("Loading photos"),
            on_done=self._loaded,
            parent=self,
            progress_dialog=False,
        )

    def _loaded(self, result) -> None:
        household_id, rows, images = result
        if household_id == self.household_id:  # not a household the form has left since
            self._show_rows(rows, images)

    def _show_rows(self, rows: list[PhotoRow], images: list[QImage]) -> None:
        current = self.rows[self.strip.currentRow()].id if self._current() else None
        self.rows = rows
        self.strip.clear()
        for row, image in zip(rows, images, strict=True):
            item = QListWidgetItem(_photo_label(row))
            if not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            else:  # synced from another office: the record is here, its file not yet
                item.setText(_photo_label(row) + "\n" + _("(photo pending)"))
            item.setToolTip(
                _("{width} × {height} px, {size} KB").format(
                    width=row.width, height=row.height, size=max(1, row.byte_size // 1024)
                )
            )
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.strip.addItem(item)
        ids = [row.id for row in rows]
        if rows:
            self.strip.setCurrentRow(ids.index(current) if current in ids else len(rows) - 1)
        self._update_state()

    def _current(self) -> PhotoRow | None:
        index = self.strip.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _selected(self, _index: int) -> None:
        row = self._current()
        self.caption.setText(row.caption or "" if row else "")
        self._update_state()

    def _update_state(self) -> None:
        if not self.saved:
            self.notice.setText(
                _("Save the household first: photos can be added after the first save.")
            )
        else:
            self.notice.setText(_("No photos of this house yet: use Add photo… to add one."))
        self.notice.setVisible(not self.saved or not self.rows)
        for widget in self._saved_only:
            widget.setVisible(self.saved)
        ready = self.saved and not self.busy
        has_photo = ready and self._current() is not None
        self.add_button.setEnabled(ready)
        self.remove_button.setEnabled(has_photo)
        self.caption.setEnabled(has_photo)
        self.caption_button.setEnabled(has_photo)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- actions -----------------------------------------------------------------------------

    def _ask_file(self) -> str | None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Add a photo of the house"),
            str(Path.home()),
            _("Pictures (*.jpg *.jpeg *.png *.webp *.tif *.tiff *.bmp)"),
        )
        return path or None

    def choose_and_add(self) -> None:
        if not self.saved or self.busy:
            return
        path = self.pick_file()
        if path:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> None:
        """Clean and store the picture at ``path`` off the GUI thread."""
        db, actor, folder, household_id = self.ui.db, self.ui.actor, self.folder, self.household_id
        self._run(
            lambda _p: add_photo(db, actor, household_id, path, None, folder=folder),
            _("Adding the photo"),
            _("Photo added. Type a caption if it helps (e.g. front, kitchen, roof)."),
        )

    def save_caption(self) -> None:
        row = self._current()
        if row is None or self.busy:
            return
        db, actor, text = self.ui.db, self.ui.actor, self.caption.text()
        self._run(
            lambda _p: set_caption(db, actor, row.id, text),
            _("Saving the caption"),
            _("Caption saved."),
        )

    def ask_remove(self) -> None:
        if self._current() is None or self.busy or self.prompt is not None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Remove photo"))
        box.setText(_("Remove the selected photo from this household?"))
        remove = box.addButton(_("Remove photo"), QMessageBox.ButtonRole.DestructiveRole)
        remove.setProperty("answer", "remove")
        keep = box.addButton(_("Keep the photo"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.finished.connect(lambda _r: self._remove_answer(box))
        self.prompt = box
        box.open()

    def _remove_answer(self, box: QMessageBox) -> None:
        clicked = box.clickedButton()
        self.prompt = None
        box.deleteLater()
        row = self._current()
        if row is None or clicked is None or clicked.property("answer") != "remove":
            self.remove_button.setFocus()
            return
        db, actor = self.ui.db, self.ui.actor
        self._run(
            lambda _p: remove_photo(db, actor, row.id), _("Removing the photo"), _("Photo removed.")
        )

    def _run(self, work, title: str, done_text: str) -> None:
        self.busy = True
        self._update_state()
        household_id = self.household_id
        self.ui.runner.run(
            work,
            title=title,
            on_done=lambda _result: self._done(household_id, done_text),
            on_error=self._failed,
            parent=self,
        )

    def _done(self, household_id: str, text: str) -> None:
        self.busy = False
        self._update_state()
        self.ui.events.data_changed.emit("photo")
        self.changed.emit()
        if household_id == self.household_id:
            self._say(text)
            self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_state()
        if isinstance(exc, ValidationError):
            # The officer chose a wrong file or typed too much: say it here, no dialog.
            self._say(exc.issues[0].message if exc.issues else exc.message, error=True)
        else:
            self._say("")
            self.ui.errors.show(self, exc)
