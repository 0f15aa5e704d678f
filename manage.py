#!/usr/bin/env python3
"""The admin command line: migrate, seed-demo, accounts, Excel import/export, kiosk tokens, holidays,
backup and restore. Uses LEDGER_DATABASE_URL (and LEDGER_DATA_DIR) like the app."""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from core.access.permissions import SYSTEM
from core.domain import Role
from core.errors import LedgerError
from core.settings import SettingsError, load_settings


def cmd_migrate(args, url: str) -> int:
    from db import migrate
    migrate.upgrade(url, args.revision)
    print(f"database at revision {args.revision}: {url}")
    return 0


def cmd_seed_demo(args, url: str) -> int:
    from datetime import date

    from demo import data as demo_data
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        raise LedgerError(f"--as-of {args.as_of!r} is not a date (YYYY-MM-DD)") from None
    started = time.perf_counter()
    summary = demo_data.seed_demo(url, items=args.items, seed=args.seed, if_empty=args.if_empty,
                                  as_of=as_of)
    print(f"{summary} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_create_user(args, url: str) -> int:
    from core.access.users import create_user
    from db.engine import session_scope
    password = args.password or getpass.getpass("password: ")
    with session_scope(url) as session:
        user = create_user(session, actor=SYSTEM, username=args.username,
                           display_name=args.name or args.username, password=password,
                           role=Role(args.role), unit_id=args.unit_id, district_id=args.district_id)
        print(f"created {user.username} ({user.role}) id={user.id}")
    return 0


def cmd_user(args, url: str) -> int:
    """Account administration from the console (as "system", audited): what 用户管理 does."""
    from datetime import datetime

    from core.access import accounts, users
    from db.engine import session_scope
    now = datetime.now()
    with session_scope(url) as session:
        if args.action == "list":
            for row in users.list_users(session, actor=SYSTEM, now=now):
                state = "active" if row.is_active else "disabled"
                lock = f"\tlocked until {row.locked_until:%H:%M}" if row.locked_until else ""
                demo = "\tdemo" if row.is_demo else ""
                print(f"{row.username}\t{row.role.value}\t{state}\t{row.unit or ''}{lock}{demo}")
            return 0
        user = accounts.find_user(session, actor=SYSTEM, username=args.username)
        common = dict(actor=SYSTEM, user_id=user.id, now=now)
        if args.action in ("disable", "enable"):
            accounts.set_active(session, **common, active=args.action == "enable",
                                expected_version=user.version)
        elif args.action == "reset-password":
            password = args.password or getpass.getpass("new password: ")
            accounts.reset_password(session, **common, password=password, expected_version=user.version)
        elif args.action == "set-role":
            accounts.change_role(session, **common, role=Role(args.role), unit_id=args.unit_id,
                                 district_id=args.district_id, expected_version=user.version)
        elif args.action == "sign-out-everywhere":
            accounts.sign_out_everywhere(session, **common)
        else:
            accounts.unlock(session, actor=SYSTEM, username=user.username, now=now)
    print(f"{args.action}: {args.username} done (its open sessions have ended)")
    return 0


def cmd_remove_demo_accounts(args, url: str) -> int:
    from datetime import datetime

    from core.access import accounts
    from db.engine import session_scope
    with session_scope(url) as session:
        removed = accounts.remove_demo_accounts(session, actor=SYSTEM, now=datetime.now())
    print(f"demo accounts: {removed.deleted} deleted, {removed.disabled} disabled "
          "(kept because the audit trail or records name them; they can no longer sign in)")
    return 0


def cmd_backup(args, url: str) -> int:
    from core.backup import backup
    made = backup(url=url, data_dir=load_settings().data_dir, path=args.path)
    print(f"backup written to {made.path}: schema {made.revision}, {made.rows.get('item', 0)} items, "
          f"{sum(made.rows.values())} rows, {made.files} evidence files ({made.bytes / 2**20:.1f} MB)")
    return 0


def cmd_restore(args, url: str) -> int:
    from core.backup import restore
    done = restore(url=url, data_dir=load_settings().data_dir, path=args.path, replace=args.replace)
    print(f"restored {done.path}: {done.rows.get('item', 0)} items, {sum(done.rows.values())} rows, "
          f"{done.files} evidence files; check it with the verify_store snippet in README")
    return 0


def _backup_commands(sub) -> None:
    b = sub.add_parser("backup", help="write the database and the evidence files, consistent, to PATH")
    b.add_argument("path")
    b.set_defaults(fn=cmd_backup)
    r = sub.add_parser("restore", help="restore a backup into the migrated database and LEDGER_DATA_DIR")
    r.add_argument("path")
    r.add_argument("--replace", action="store_true", help="overwrite a database that already holds a ledger")
    r.set_defaults(fn=cmd_restore)


def _user_commands(sub) -> None:
    u = sub.add_parser("user", help="manage an account: list, disable, enable, reset-password, "
                                    "set-role, sign-out-everywhere, unlock (audited as system)")
    actions = u.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every account: name, role, state, unit, sign-in lock")
    for name, text in (("disable", "disable NAME (its sessions end)"), ("enable", "enable NAME again"),
                       ("sign-out-everywhere", "end every session and cookie of NAME"),
                       ("unlock", "lift a sign-in lock on NAME (e.g. the only admin, locked out)")):
        actions.add_parser(name, help=text).add_argument("username")
    reset = actions.add_parser("reset-password", help="give NAME a new password (asked if not given)")
    reset.add_argument("username")
    reset.add_argument("--password")
    role = actions.add_parser("set-role", help="give NAME another role and unit/district")
    role.add_argument("username")
    role.add_argument("--role", required=True, choices=[r.value for r in Role])
    role.add_argument("--unit-id", type=int)
    role.add_argument("--district-id", type=int)
    u.set_defaults(fn=cmd_user)
    d = sub.add_parser("remove-demo-accounts", help="delete the demo accounts (or disable those the "
                                                    "audit trail names) so they can never sign in")
    d.set_defaults(fn=cmd_remove_demo_accounts)


def _print_refusal(exc, max_errors: int) -> None:
    from core.i18n import label, translate
    print(translate("import.failed", count=len(exc.problems)), file=sys.stderr)
    for p in exc.problems[:max_errors]:
        key = "import.problem" if p.row is not None else "import.problem_file"
        print(translate(key, row=p.row, column=p.column, message=p.message), file=sys.stderr)
    if len(exc.problems) > max_errors:
        print(translate("import.more_problems", count=len(exc.problems) - max_errors), file=sys.stderr)
    for draft in getattr(exc, "new_inspections", []):
        print(translate("import.cli.new_inspection", name=draft.name, kind=label(draft.kind),
                        level=label(draft.level), why="；".join(draft.reasons)), file=sys.stderr)
    if getattr(exc, "new_inspections", None):
        print(translate("import.cli.confirm"), file=sys.stderr)


def cmd_import_ledger(args, url: str) -> int:
    from pathlib import Path

    from core.domain import InspectionKind, SourceLevel
    from core.errors import ValidationFailed
    from core.excel.imports import import_ledger
    from core.i18n import translate
    from db.engine import session_scope
    limit = int(load_settings().import_max_mb * 1024 * 1024)
    path = Path(args.path)
    if path.stat().st_size > limit:
        raise LedgerError(translate("import.err.too_big", size=f"{path.stat().st_size / 2**20:.1f}",
                                    limit=f"{limit / 2**20:.1f}"))
    choice = None
    if args.inspection_kind or args.inspection_level:
        choice = (InspectionKind(args.inspection_kind or "routine"),
                  SourceLevel(args.inspection_level or "city"))
    try:
        with session_scope(url) as session:
            result = import_ledger(session, actor=SYSTEM, data=path.read_bytes(), dry_run=args.dry_run,
                                   inspection=args.inspection, filename=path.name, max_bytes=limit,
                                   create_inspections=args.create_inspections,
                                   inspection_choices={"*": choice} if choice else None)
    except ValidationFailed as exc:
        _print_refusal(exc, args.max_errors)
        return 2
    key = "import.summary_dry" if result.dry_run else "import.summary"
    print(translate(key, sheet=result.sheet, created=result.created, changed=result.changed,
                    unchanged=result.unchanged))
    return 0


def cmd_export_ledger(args, url: str) -> int:
    from datetime import date
    from pathlib import Path

    from core.excel.exports import export_ledger, ledger_filter_from_words
    from core.i18n import translate
    from core.ledger.query import list_items
    from db.engine import session_scope
    today = date.fromisoformat(args.today) if args.today else date.today()
    with session_scope(url) as session:
        flt = ledger_filter_from_words(
            session, districts=args.district, statuses=args.status, levels=args.level,
            kinds=args.kind, categories=args.category, overdue=args.overdue,
            include_closed=args.include_closed, search=args.search)
        data = export_ledger(session, actor=SYSTEM, flt=flt, today=today)
        count = list_items(session, actor=SYSTEM, flt=flt, today=today, page_size=1).total
    Path(args.path).write_bytes(data)
    print(translate("export.done", count=count, path=args.path))
    return 0


def cmd_kiosk_token(args, url: str) -> int:
    from datetime import datetime

    from core.screen import kiosk
    from db.engine import session_scope
    with session_scope(url) as session:
        if args.action == "create":
            issued = kiosk.create_token(session, actor=SYSTEM, name=args.name, now=datetime.now())
            print(issued.token)
            print(f"kiosk token {issued.name!r} created; open /big-screen?kiosk=<token> on the "
                  "wall screen (the token is not stored and cannot be shown again)", file=sys.stderr)
        elif args.action == "revoke":
            kiosk.revoke_token(session, actor=SYSTEM, name=args.name, now=datetime.now())
            print(f"kiosk token {args.name!r} revoked")
        else:
            for row in kiosk.list_tokens(session, actor=SYSTEM):
                state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
                used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
                print(f"{row.name}\t{state}\tcreated {row.created_at:%Y-%m-%d %H:%M}\tlast used {used}")
    return 0


def cmd_holidays(args, url: str) -> int:
    from core.calendar import holiday_cli
    if args.action == "import":
        return holiday_cli.import_file(url, args.path, dry_run=args.dry_run)
    return holiday_cli.list_year(url, args.year)


def _holiday_commands(sub) -> None:
    h = sub.add_parser("holidays", help="statutory holidays and 调休 workdays entered for a year")
    actions = h.add_subparsers(dest="action", required=True)
    imp = actions.add_parser("import", help="replace the entered days of each year in FILE (CSV or "
                                            "XLSX: 日期, 类型 休/班, 名称); all rows or none; exit 2 + "
                                            "the errors by row and column if any")
    imp.add_argument("path", metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    show = actions.add_parser("list", help="where YEAR's working days come from, and its entered days")
    show.add_argument("year", type=int, metavar="YEAR")
    h.set_defaults(fn=cmd_holidays)


def _kiosk_token_commands(sub) -> None:
    k = sub.add_parser("kiosk-token", help="read-only big-screen tokens for wall screens")
    actions = k.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="issue a token named NAME and print it (once)")
    create.add_argument("name")
    revoke = actions.add_parser("revoke", help="revoke the token named NAME")
    revoke.add_argument("name")
    actions.add_parser("list", help="list tokens: name, state, created, last used")
    k.set_defaults(fn=cmd_kiosk_token)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("migrate", help="bring the database schema up to date (alembic upgrade)")
    m.add_argument("--revision", default="head")
    m.set_defaults(fn=cmd_migrate)
    s = sub.add_parser("seed-demo", help="fill the ledger with deterministic, realistic demo data")
    s.add_argument("--items", type=int, default=5000)
    s.add_argument("--seed", type=int, default=20261126)
    s.add_argument("--if-empty", action="store_true", help="do nothing if the ledger has items")
    s.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="the day the demo ledger is 'as of' (default: today)")
    s.set_defaults(fn=cmd_seed_demo)
    u = sub.add_parser("create-user", help="create an account (password asked if not given)")
    u.add_argument("username")
    u.add_argument("--role", required=True, choices=[r.value for r in Role])
    u.add_argument("--name")
    u.add_argument("--password")
    u.add_argument("--unit-id", type=int)
    u.add_argument("--district-id", type=int)
    u.set_defaults(fn=cmd_create_user)
    _kiosk_token_commands(sub)
    _holiday_commands(sub)
    _ledger_file_commands(sub)
    _user_commands(sub)
    _backup_commands(sub)
    return p


def _ledger_file_commands(sub) -> None:
    i = sub.add_parser("import-ledger", help="import an Excel ledger (.xlsx): every row or none; "
                                             "exit code 2 and the errors by row and column if any")
    i.add_argument("path")
    i.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    i.add_argument("--inspection", help="问题来源 (inspection name) of rows that name none")
    i.add_argument("--create-inspections", action="store_true",
                   help="create the inspections the file names that are not in the database "
                        "(kind and level inferred from each name; see the refusal's list)")
    i.add_argument("--inspection-kind", choices=["routine", "special", "stationed", "daily"],
                   help="with --create-inspections: the kind of every inspection created")
    i.add_argument("--inspection-level", choices=["central", "ministry", "city"],
                   help="with --create-inspections: the level of every inspection created")
    i.add_argument("--max-errors", type=int, default=200, help="errors printed at most")
    i.set_defaults(fn=cmd_import_ledger)
    e = sub.add_parser("export-ledger", help="export the filtered ledger to .xlsx (import layout)")
    e.add_argument("path")
    e.add_argument("--district", action="append", default=[], help="区县 name (repeatable; 全市)")
    e.add_argument("--status", action="append", default=[], help="状态, e.g. 整改中 (repeatable)")
    e.add_argument("--level", action="append", default=[], help="来源层级: 中央/部级/市级")
    e.add_argument("--kind", action="append", default=[], help="督察类型: 例行/专项/驻点/日常")
    e.add_argument("--category", action="append", default=[], help="问题类别, e.g. 水 (repeatable)")
    e.add_argument("--overdue", action="store_true", help="only overdue items")
    e.add_argument("--include-closed", action="store_true", help="also closed (已销号) items")
    e.add_argument("--search", default="", help="text in 问题描述 or 编号")
    e.add_argument("--today", help="the day the export is as of (YYYY-MM-DD; default today)")
    e.set_defaults(fn=cmd_export_ledger)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.fn(args, load_settings().database_url)
    except (LedgerError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
