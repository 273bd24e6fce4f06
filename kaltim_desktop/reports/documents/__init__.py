# SPDX-License-Identifier: GPL-3.0-or-later
"""Official documents drawn with ReportLab: BAST, certificates, the grant letter and the aid
history. Pure drawing: the services prepare frozen dataclasses (:mod:`.model`) and
:func:`.render.render_pdf` writes them; nothing here reads the database."""
