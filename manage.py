#!/usr/bin/env python3
"""The admin command line: migrate, seed-demo, create-user. Uses LEDGER_DATABASE_URL like the app."""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from core.domain import Role
from core.errors import LedgerError
from core.permissions import SYSTEM
from core.settings import load_settings


def cmd_migrate(args, url: str) -> int:
    from db import migrate
    migrate.upgrade(url, args.revision)
    print(f"database at revision {args.revision}: {url}")
    return 0


def cmd_seed_demo(args, url: str) -> int:
    from datetime import date

    from db import demo_data
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
    from core.users import create_user
    from db.engine import session_scope
    password = args.password or getpass.getpass("password: ")
    with session_scope(url) as session:
        user = create_user(session, actor=SYSTEM, username=args.username,
                           display_name=args.name or args.username, password=password,
                           role=Role(args.role), unit_id=args.unit_id, district_id=args.district_id)
        print(f"created {user.username} ({user.role}) id={user.id}")
    return 0


def cmd_kiosk_token(args, url: str) -> int:
    from datetime import datetime

    from core import kiosk
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
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    url = load_settings().database_url
    try:
        return args.fn(args, url)
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
