# SPDX-License-Identifier: GPL-3.0-or-later
"""``province``, ``device`` and ``bundle``: province trust, laptop enrolment and bundle
exchange from the command line, for scripting the province office.

The acting officer is named with ``--as``; the password is asked, or read from
``KALTIM_PASSWORD``. ``bundle import`` and ``bundle inspect`` exit with
:data:`EXIT_REJECTED` (a file was refused), :data:`EXIT_QUARANTINED` (a file waits for an
application update) or :data:`EXIT_ALREADY` (every file was already imported); 0 otherwise.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kaltim_desktop.cli.output import print_json, print_table, read_password
from kaltim_desktop.i18n import _
from kaltim_desktop.services import officers
from kaltim_desktop.sync.bundles.blobs import photos_text

PASSWORD_ENV = "KALTIM_PASSWORD"
EXIT_REJECTED = 10
EXIT_QUARANTINED = 11
EXIT_ALREADY = 12


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="as_user", required=True, metavar="USERNAME",
        help=_("the officer acting (password asked, or read from KALTIM_PASSWORD)"),
    )  # fmt: skip


def _actor(db, args):
    password = read_password(
        PASSWORD_ENV, _("Password of {username}: ").format(username=args.as_user), confirm=False
    )
    return officers.authenticate(db, args.as_user, password)


def _group(commands, name: str, help_text: str, description: str):
    group = commands.add_parser(name, help=help_text, description=description)
    group.set_defaults(group_parser=group)
    return group.add_subparsers(metavar="ACTION", title=_("actions"))


def register(commands: argparse._SubParsersAction, add_json) -> None:
    province = _group(
        commands, "province", _("province office: set-up, approvals, laptops"),
        _("The province office: its keys, the approval of laptops and the list of laptops."),
    )  # fmt: skip
    init = province.add_parser(
        "init", help=_("make this installation the province office"),
        description=_("Create the province root key, the encryption key and the escrow key. "
                      "The escrow key is written to --escrow-out only: keep it in the safe."),
    )  # fmt: skip
    init.add_argument("--escrow-out", type=Path, required=True, metavar="FILE")
    _as_user(init)
    add_json(init)
    init.set_defaults(handler=run_province_init)

    approve = province.add_parser(
        "approve", help=_("approve a laptop's enrolment request"),
        description=_("Issue a certificate for the laptop whose request fingerprint was read "
                      "aloud; writes the enrolment file to hand back to the laptop."),
    )  # fmt: skip
    approve.add_argument("request", type=Path, metavar="REQUEST")
    approve.add_argument("--fingerprint", required=True, help=_("the fingerprint read aloud"))
    approve.add_argument("--out", type=Path, default=Path("."), metavar="DIR")
    approve.add_argument(
        "--scope",
        action="append",
        metavar="CODE",
        help=_("regency code(s) the laptop serves (default: the requested one)"),
    )
    _as_user(approve)
    add_json(approve)
    approve.set_defaults(handler=run_province_approve)

    revoke = province.add_parser("revoke", help=_("revoke a laptop (lost, stolen, retired)"))
    revoke.add_argument("device", metavar="DEVICE")
    revoke.add_argument("--reason", required=True)
    _as_user(revoke)
    add_json(revoke)
    revoke.set_defaults(handler=run_province_revoke)

    devices = province.add_parser("devices", help=_("list the enrolled laptops"))
    add_json(devices)
    devices.set_defaults(handler=run_province_devices)

    device = _group(
        commands, "device", _("this laptop's enrolment with the province"),
        _("Enrol this laptop with the province office."),
    )  # fmt: skip
    request = device.add_parser("request", help=_("write an enrolment request"))
    request.add_argument("--out", type=Path, default=Path("."), metavar="DIR")
    _as_user(request)
    add_json(request)
    request.set_defaults(handler=run_device_request)
    enrol = device.add_parser("enroll", help=_("store the province's enrolment file"))
    enrol.add_argument("certificate", type=Path, metavar="CERT")
    _as_user(enrol)
    add_json(enrol)
    enrol.set_defaults(handler=run_device_enroll)

    bundle = _group(
        commands, "bundle", _("export, import and inspect sync bundles"),
        _("Signed, encrypted bundles exchanged with the province on a USB stick or by e-mail."),
    )  # fmt: skip
    export = bundle.add_parser("export", help=_("write the bundles this installation owes"))
    export.add_argument("--out", type=Path, required=True, metavar="DIR")
    export.add_argument(
        "--small", action="store_true", help=_("parts of 7 MiB for small mailboxes")
    )
    export.add_argument("--device", metavar="DEVICE", help=_("province: only this laptop"))
    _as_user(export)
    add_json(export)
    export.set_defaults(handler=run_bundle_export)
    imp = bundle.add_parser("import", help=_("import bundle files"))
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    imp.add_argument(
        "--identity",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help=_("an extra age identity file (the escrow key)"),
    )
    _as_user(imp)
    add_json(imp)
    imp.set_defaults(handler=run_bundle_import, dry_run=False)
    inspect = bundle.add_parser(
        "inspect", help=_("check a bundle and preview what it would change (nothing is written)")
    )
    inspect.add_argument("files", type=Path, nargs="+", metavar="FILE")
    inspect.add_argument("--identity", type=Path, action="append", default=[], metavar="FILE")
    _as_user(inspect)
    add_json(inspect)
    inspect.set_defaults(handler=run_bundle_import, dry_run=True)
    release = bundle.add_parser(
        "release", help=_("apply changes held for review (clock ahead, revoked laptop)")
    )
    release.add_argument("origin", metavar="ORIGIN", help=_("the origin, DEVICE#EPOCH"))
    _as_user(release)
    add_json(release)
    release.set_defaults(handler=run_bundle_release)


def run_province_init(args, ctx) -> int:
    from kaltim_desktop.services.sync_trust import province_init

    with ctx.database() as db:
        setup = province_init(db, ctx.data_dir, _actor(db, args), args.escrow_out)
    if args.json:
        print_json(setup)
    else:
        print(_("Province office ready. Root key fingerprint: {fp}").format(
            fp=setup.root_fingerprint))  # fmt: skip
        print(_("Escrow key written to {path}: store it in the safe, then delete it here.")
              .format(path=setup.escrow_file))  # fmt: skip
    return 0


def run_province_approve(args, ctx) -> int:
    from kaltim_desktop.services.sync_trust import approve_request

    with ctx.database() as db:
        approval = approve_request(
            db, ctx.data_dir, _actor(db, args), args.request, args.fingerprint, args.out,
            tuple(args.scope) if args.scope else None,
        )  # fmt: skip
    if args.json:
        print_json(approval)
    else:
        print(_("Laptop {device} approved for {scope}. Give it the file {path}.").format(
            device=approval.device.device_id, scope=", ".join(approval.device.scope),
            path=approval.path))  # fmt: skip
    return 0


def run_province_revoke(args, ctx) -> int:
    from kaltim_desktop.services.sync_trust import revoke_device

    with ctx.database() as db:
        version = revoke_device(db, ctx.data_dir, _actor(db, args), args.device, args.reason)
    if args.json:
        print_json({"device": args.device, "registry_version": version})
    else:
        print(_("Laptop {device} revoked (list of laptops version {version}).").format(
            device=args.device, version=version))  # fmt: skip
    return 0


def run_province_devices(args, ctx) -> int:
    from kaltim_desktop.services.sync_identity import list_devices

    with ctx.database() as db:
        rows = list_devices(db)
    if args.json:
        print_json(rows)
        return 0
    print_table(
        [_("Device"), _("Role"), _("Scope"), _("Serial"), _("Revoked"), _("Last exchange")],
        [(r.device_id, r.role, ", ".join(r.scope), r.serial, _("yes") if r.revoked else "",
          r.last_exchange.isoformat(timespec="minutes") if r.last_exchange else "")
         for r in rows],
    )  # fmt: skip
    return 0


def run_device_request(args, ctx) -> int:
    from kaltim_desktop.services.sync_trust import request_enrolment

    with ctx.database() as db:
        request = request_enrolment(db, ctx.data_dir, _actor(db, args), args.out)
    if args.json:
        print_json(request)
    else:
        print(_("Request written to {path}. Read this fingerprint to the province: {fp}").format(
            path=request.path, fp=request.fingerprint))  # fmt: skip
    return 0


def run_device_enroll(args, ctx) -> int:
    from kaltim_desktop.services.sync_trust import enroll

    with ctx.database() as db:
        done = enroll(db, ctx.data_dir, _actor(db, args), args.certificate)
    if args.json:
        print_json(done)
    else:
        print(_("Enrolled for {scope}. Province root fingerprint: {fp}").format(
            scope=", ".join(done.scope), fp=done.root_fingerprint))  # fmt: skip
    return 0


def run_bundle_export(args, ctx) -> int:
    from kaltim_desktop.services.sync_exchange import export_bundles

    with ctx.database() as db:
        sets = export_bundles(
            db, ctx.data_dir, _actor(db, args), args.out, small=args.small, device_id=args.device
        )
    if args.json:
        print_json([{"peer": s.peer, "ops": s.ops,
                     "parts": [{"path": str(p.path), "size": p.size, "sha256": p.sha256}
                               for p in s.parts]} for s in sets])  # fmt: skip
        return 0
    for exported in sets:
        print(_("{ops} changes for {peer}:").format(ops=exported.ops, peer=exported.peer))
        for part in exported.parts:
            print(f"  {part.path}  ({part.size / 1024 / 1024:.1f} MiB)")
    return 0


def run_bundle_release(args, ctx) -> int:
    from kaltim_desktop.services.sync_exchange import release_held

    with ctx.database() as db:
        released = release_held(db, _actor(db, args), args.origin)
    if args.json:
        print_json({"origin": args.origin, "released": released})
    else:
        print(_("{count} held changes applied.").format(count=released))
    return 0


def exit_code(statuses: list[str]) -> int:
    if "rejected" in statuses:
        return EXIT_REJECTED
    if "quarantined" in statuses:
        return EXIT_QUARANTINED
    if statuses and all(s == "already" for s in statuses):
        return EXIT_ALREADY
    return 0


def run_bundle_import(args, ctx) -> int:
    from kaltim_desktop.services.sync_exchange import import_bundles

    with ctx.database() as db:
        results = import_bundles(
            db, ctx.data_dir, _actor(db, args), list(args.files), dry_run=args.dry_run,
            identity_files=tuple(args.identity),
        )  # fmt: skip
    if args.json:
        print_json(results)
    else:
        for result in results:
            print(f"{result.file_name}: {describe(result)}")
    return exit_code([r.status for r in results])


def describe(result) -> str:
    """One line about an import result, in plain words."""
    if result.status in ("applied", "preview"):
        report = result.report
        text = _("{applied} changes applied, {already} already present, {held} held").format(
            applied=report.get("applied", 0) + report.get("released", 0),
            already=report.get("already", 0),
            held=report.get("held_gap", 0) + report.get("held_revoked", 0)
            + report.get("held_clock", 0),
        )  # fmt: skip
        text += photos_text(report)
        if result.status == "preview":
            text = _("would be applied: {text}").format(text=text)
        sender = _("from {sender}, part {part} of {parts}").format(
            sender=result.sender, part=result.part, parts=result.parts)  # fmt: skip
        return f"{text} ({sender})"
    if result.status == "already":
        return result.message
    return f"{result.message} [{result.code}]"
