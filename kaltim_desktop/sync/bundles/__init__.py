# SPDX-License-Identifier: GPL-3.0-or-later
"""Kaltim Sync Bundles (KSB v1, sync-design §3.3): signed, encrypted files that carry ops
between district laptops and the province office over USB sticks and e-mail.

- :mod:`.age_keys` — X25519 age identities kept encrypted outside the database;
- :mod:`.envelope` — DSSE envelopes (Ed25519 over the pre-authentication encoding);
- :mod:`.layout` — names, limits and the manifest;
- :mod:`.writer` / :mod:`.reader` — building and strictly reading one part;
- :mod:`.codec` / :mod:`.codec_decode` (with :mod:`.codec_values`, :mod:`.codec_streams`) — the
  columnar ops member; :mod:`.members` — building members from the op log (worker processes),
  :mod:`.compression` — xz with a bounded decompression;
- :mod:`.checks` — signature, certificate, registry, recipient, scope and ownership checks;
- :mod:`.apply` — idempotent, causally ordered application of ops with holds and fork alarms;
- :mod:`.exporter` / :mod:`.importer` — choosing the ops to send; importing one part (preview,
  apply, quarantine, history);
- :mod:`.restore_marker` — refusing to export from a database replaced by an older copy;
- :mod:`.errors` — stable codes and the plain words shown for them.
"""
