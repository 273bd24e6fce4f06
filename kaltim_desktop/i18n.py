# SPDX-License-Identifier: GPL-3.0-or-later
"""Gettext set-up shared by the core, the reports and the Qt layer.

Source strings are English; the ``id`` catalogue carries Bahasa Indonesia, which is the default
language of the application. Messages are translated when they are created, so a caller that
wants another language switches with :func:`set_language` first.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "kaltim_desktop"
# One catalogue per area of the code (see tools/catalogues.py); all are loaded, core first.
DOMAINS = (DOMAIN, "documents", "exchange", "sync", "trust", "ui")
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "id"
SUPPORTED_LANGUAGES = ("id", "en")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Switch the catalogue used by :func:`_` (``"id"`` or ``"en"``)."""
    global _translations, _language
    if language not in SUPPORTED_LANGUAGES:
        language = DEFAULT_LANGUAGE
    chain = gettext.translation(DOMAIN, LOCALE_DIR, [language], fallback=True)
    for domain in DOMAINS[1:]:
        chain.add_fallback(gettext.translation(domain, LOCALE_DIR, [language], fallback=True))
    _translations = chain
    _language = language


def current_language() -> str:
    """Return the language code now in use."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a plural form."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


set_language(os.environ.get("KALTIM_LANG", DEFAULT_LANGUAGE))
