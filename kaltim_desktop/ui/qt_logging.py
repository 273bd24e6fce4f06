# SPDX-License-Identifier: GPL-3.0-or-later
"""Route Qt's own messages (qDebug, qWarning, ...) into the application log."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    category = context.category or "default"
    log.log(_LEVELS.get(kind, logging.WARNING), "[%s] %s", category, message)


def install_qt_message_handler() -> None:
    """Send Qt messages to the ``qt`` logger. Not used under pytest-qt, which installs its own
    handler to fail tests on Qt warnings."""
    qInstallMessageHandler(_handler)
