# SPDX-License-Identifier: GPL-3.0-or-later
"""Who vouches for what: this laptop's signing key, signed document payloads and the chain of
trust back to the province.

Interfaces (kept small so province enrolment, issue #5, can extend them):

- :mod:`.keys` — :class:`~.keys.DeviceKey`: this laptop's Ed25519 key, created on first use in
  ``<data_dir>/keys/`` (outside the database, mode 0600, PKCS#8 encrypted) and its key id
  (:func:`~.keys.key_id`: base32 of the first 10 bytes of SHA-256 of the raw public key).
- :mod:`.chain` — :class:`~.chain.DeviceCertificate` (a device key signed by a province root),
  :class:`~.chain.TrustStore` (province roots + device certificates) and
  :func:`~.chain.local_trust_store`, which makes this laptop's own key a *self-anchored root*:
  the stand-in until the province trust bundle exists. Enrolment replaces the stand-in by
  adding the province root and this device's certificate to the store; nothing else changes.
- :mod:`.payload` — the compact signed text carried by document QR codes
  (``KTM1.<claims>.<signature>``, base32 so the QR uses its dense alphanumeric mode),
  :func:`~.payload.sign_claims` and :func:`~.payload.verify_text`, which checks the signature
  *and* that the signing key chains to a trusted root.

Nothing here touches the database; revocation (a voided document) is a registry fact checked
by the services on top of a valid signature.
"""
