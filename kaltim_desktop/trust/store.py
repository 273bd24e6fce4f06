# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the services get the signing key and the trust store of this installation.

:func:`trust_store` is the one place that decides which roots are trusted. Today it returns
the stand-in (this laptop's own key as a self-anchored root). Province enrolment (issue #5)
changes only this function: load the province trust bundle, return its roots and device
certificates (this laptop's own included), and keep the stand-in only while not enrolled.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kaltim_desktop.trust.chain import TrustStore, local_trust_store
from kaltim_desktop.trust.keys import DeviceKey, load_or_create


@lru_cache(maxsize=8)
def _cached_key(directory: str, _generation: float) -> DeviceKey:
    return load_or_create(Path(directory))


def device_key(data_dir: Path) -> DeviceKey:
    """This installation's signing key (created on first use), cached per key file."""
    pem = data_dir / "keys" / "device-signing.pem"
    generation = pem.stat().st_mtime if pem.exists() else 0.0
    key = _cached_key(str(data_dir), generation)
    if generation == 0.0:
        _cached_key.cache_clear()  # the file now exists: next call keys on its mtime
    return key


def trust_store(data_dir: Path) -> TrustStore:
    """The roots and device certificates this installation trusts (stand-in: its own key)."""
    # Issue #5: once enrolled, the province root and the laptops of its registry.
    from kaltim_desktop.trust.province_trust import province_trust_store

    enrolled = province_trust_store(data_dir)
    if enrolled is not None:
        return enrolled
    return local_trust_store(device_key(data_dir))
