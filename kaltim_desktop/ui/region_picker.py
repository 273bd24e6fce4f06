# SPDX-License-Identifier: GPL-3.0-or-later
"""Cascading region picker: regency → district → village, each with type-ahead.

Each level is an editable combo box whose completer matches any part of the name ("bakung"
finds "Loa Bakung"), so an officer who knows the village types it instead of scrolling a list
of a thousand names. Choosing a regency fills the districts, a district the villages.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QWidget

from kaltim_desktop.domain.regions import Region, region_tree
from kaltim_desktop.i18n import _

_LEVELS = ("regency", "district", "village")
_SETTLE_KEYS = {Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Return, Qt.Key.Key_Enter}


class RegionCombo(QComboBox):
    """One level of the picker: an editable list of regions with a substring completer."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.setMinimumContentsLength(14)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lineEdit().setPlaceholderText(placeholder)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.lineEdit().editingFinished.connect(self._match_typed)
        self.lineEdit().installEventFilter(self)
        self.installEventFilter(self)

    def set_regions(self, regions: list[Region], empty_label: str | None) -> None:
        with QSignalBlocker(self):
            self.clear()
            if empty_label is not None:
                self.addItem(empty_label, None)
            for region in regions:
                self.addItem(region.name, region.code)
            self.setCurrentIndex(0 if empty_label is not None else -1)
        self.setEnabled(bool(regions))

    def code(self) -> str | None:
        if self.currentIndex() < 0 or self.currentText() != self.itemText(self.currentIndex()):
            return None
        return self.currentData()

    def select(self, code: str | None) -> bool:
        index = self.findData(code)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        self.lineEdit().setCursorPosition(0)  # show the start of a long name
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # While the completer's popup is open it swallows the focus-out (so editingFinished
        # never comes) and hands Tab to the line edit: settle the typed text on Tab itself.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _SETTLE_KEYS
        ):
            self.completer().popup().hide()
            self._match_typed()
        return False

    def _match_typed(self) -> None:
        """Typed text that names exactly one entry (ignoring case) selects it."""
        typed = self.currentText().strip().casefold()
        if not typed or self.itemText(self.currentIndex()).casefold() == typed:
            if typed:
                self.setEditText(self.itemText(self.currentIndex()))
            return
        hits = [i for i in range(self.count()) if self.itemText(i).casefold() == typed]
        if not hits:
            hits = [i for i in range(self.count()) if typed in self.itemText(i).casefold()]
        if len(hits) == 1:
            self.setCurrentIndex(hits[0])


class RegionPicker(QWidget):
    """Three combo boxes; :meth:`code` gives the most precise region chosen.

    Args:
        any_level: a filter (each level may stay "all"); otherwise a village must be chosen
            and :meth:`village_code` is what matters.
    """

    changed = Signal()

    def __init__(self, *, any_level: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._any = any_level
        self.regency = RegionCombo(_("Regency/city"))
        self.district = RegionCombo(_("District (kecamatan)"))
        self.village = RegionCombo(_("Village (desa/kelurahan)"))
        self.regency.setAccessibleName(_("Regency/city"))
        self.district.setAccessibleName(_("District (kecamatan)"))
        self.village.setAccessibleName(_("Village (desa/kelurahan)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for combo in (self.regency, self.district, self.village):
            layout.addWidget(combo, 1)
        self.setFocusProxy(self.regency)
        self.regency.currentIndexChanged.connect(self._regency_changed)
        self.district.currentIndexChanged.connect(self._district_changed)
        self.village.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.regency.set_regions(region_tree().regencies(), self._empty("regency"))
        self._regency_changed()

    def _empty(self, level: str) -> str | None:
        if self._any:
            return {
                "regency": _("All regencies"),
                "district": _("All districts"),
                "village": _("All villages"),
            }[level]
        return None

    def _regency_changed(self, _index: int = 0) -> None:
        code = self.regency.code()
        self.district.set_regions(
            region_tree().children(code) if code else [], self._empty("district")
        )
        self._district_changed()

    def _district_changed(self, _index: int = 0) -> None:
        code = self.district.code()
        self.village.set_regions(
            region_tree().children(code) if code else [], self._empty("village")
        )
        self.changed.emit()

    def code(self) -> str | None:
        """The deepest level chosen (a village, district or regency code), or None."""
        return self.village.code() or self.district.code() or self.regency.code()

    def village_code(self) -> str | None:
        return self.village.code()

    def set_code(self, code: str | None) -> None:
        """Select the region ``code`` (any level) and its ancestors; None clears."""
        tree = region_tree()
        region = tree.get(code) if code else None
        chain = [r for r in tree.ancestors(region.code) if r.level in _LEVELS] if region else []
        if region is not None:
            chain.append(region)
        with QSignalBlocker(self):
            self.regency.setCurrentIndex(0 if self._any else -1)
            self._regency_changed()
            for combo, level in zip(
                (self.regency, self.district, self.village), _LEVELS, strict=True
            ):
                found = next((r for r in chain if r.level == level), None)
                if found is None:
                    break
                combo.select(found.code)
                if level == "regency":
                    self._regency_changed()
                elif level == "district":
                    self._district_changed()
        self.changed.emit()
