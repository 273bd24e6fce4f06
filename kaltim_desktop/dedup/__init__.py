# SPDX-License-Identifier: GPL-3.0-or-later
"""Duplicate detection of persons (design §3.7): the same person registered twice.

* :func:`scan_persons` looks through the database (all of it at the province, or the persons
  a bundle brought) and returns :class:`Candidate` pairs at two levels, "duplicate" and
  "adjudicate" (needs a person to decide);
* :mod:`.names` folds Indonesian name spellings and compares names;
* :mod:`.blocking` chooses the pairs worth comparing, :mod:`.scoring` scores them;
* :mod:`.synthetic` makes test data with known duplicates.

Nothing here writes to the database or imports Qt.
"""

from kaltim_desktop.dedup.scan import scan_persons
from kaltim_desktop.dedup.scoring import ADJUDICATE, DUPLICATE, Candidate

__all__ = ["ADJUDICATE", "DUPLICATE", "Candidate", "scan_persons"]
