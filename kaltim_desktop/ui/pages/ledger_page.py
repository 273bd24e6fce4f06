# SPDX-License-Identifier: GPL-3.0-or-later
"""What the house-handover and grant screens share: a filtered list of records with a detail
panel, dialogs that save through the services, and the filters remembered between sessions."""

from __future__ import annotations

from kaltim_desktop.ui.pages.base import Page


class LedgerPage(Page):
    """A list of one programme's records (``entity``) filtered by stage and region.

    Subclasses set :attr:`entity` and :attr:`filter_key`, create ``stage_filter`` and
    ``region_filter`` combos, keep the selected record in ``current`` and reload in
    ``refresh()``.
    """

    entity = ""
    """The op-log entity shown ("handover", "grant"): announced after every save."""
    filter_key = ""
    """Where the stage and region filters are remembered in the UI settings."""

    def _open(self, dialog):
        """Open a dialog that saves through a service; its result becomes the selection."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._on_saved(dialog.result_value))
        dialog.open()
        return dialog

    def _on_saved(self, row) -> None:
        self.dialog = None
        # Keep the record just saved in view once the list is reloaded.
        self._select_after = row.id
        self.ui.events.data_changed.emit(self.entity)
        if not self.isVisible():
            self.refresh()

    def _open_household(self) -> None:
        if self.current is not None:
            self.ui.events.open_household.emit(self.current.household_id)

    def _save_filter(self, stage: str | None, region: str | None) -> None:
        self.ui.settings.setValue(self.filter_key, [stage or "", region or ""])

    def _restore_filter(self) -> None:
        saved = self.ui.settings.value(self.filter_key)
        if isinstance(saved, list) and len(saved) == 2:
            for combo, value in zip((self.stage_filter, self.region_filter), saved, strict=True):
                index = combo.findData(value or None)
                if index >= 0:
                    combo.setCurrentIndex(index)
