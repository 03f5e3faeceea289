"""`caselog staff|audit|assign`: staff accounts, the audit trail, a case's station (the one staff CLI).

    caselog staff add NAME (--station STATION | --admin)   password from $CASELOG_STAFF_PASSWORD, a prompt
    caselog staff passwd NAME                               or one line on stdin; never on the command line
    caselog staff disable NAME | enable NAME
    caselog staff set NAME (--station STATION | --admin)
    caselog staff list [--format text|json]
    caselog audit [--action ACTION] [--limit N] [--format text|json]
    caselog assign CASE_ID (STATION | --none)

Disabling, changing a password or a role ends the account's web sessions at once. Every change is audited.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import TextIO

from sqlalchemy.orm import Session

from caselog import audit
from caselog.errors import BadInput

STAFF_PASSWORD_ENV = "CASELOG_STAFF_PASSWORD"


def cli_actor() -> str:
    """Who runs the CLI, for the audit trail."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _role_options(p: argparse.ArgumentParser) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--station", help="the employment station whose cases the account sees")
    who.add_argument("--admin", action="store_true", help="sees every station's cases and the audit trail")


def add_parsers(sub: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("staff", help="staff logins for the web app (add, passwd, disable, enable, set, list)")
    staff = p.add_subparsers(dest="staff_command", required=True, parser_class=parser_class)
    p = staff.add_parser("add", help=f"add a staff user; password from ${STAFF_PASSWORD_ENV}, a prompt or stdin")
    p.add_argument("username")
    _role_options(p)
    p = staff.add_parser("passwd", help="set a staff user's password (same sources); ends their sessions")
    p.add_argument("username")
    p = staff.add_parser("disable", help="no more logins; ends the user's sessions")
    p.add_argument("username")
    p = staff.add_parser("enable", help="allow logins again")
    p.add_argument("username")
    p = staff.add_parser("set", help="change a user's station or make them an admin; ends their sessions")
    p.add_argument("username")
    _role_options(p)
    p = staff.add_parser("list", help="every staff account with its role, station and state")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("audit", help="the audit trail, newest first")
    p.add_argument("--action", choices=audit.ACTIONS)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("assign", help="give a case to a station (e.g. a Telegram case the station took over)")
    p.add_argument("case_id", type=int)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("station", nargs="?")
    target.add_argument("--none", action="store_true", help="no station: only admins see the case")


def read_password() -> str:
    env = os.environ.get(STAFF_PASSWORD_ENV)
    if env:
        return env
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise BadInput(f"no password: set ${STAFF_PASSWORD_ENV} or type it at the prompt")
        return line
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise BadInput("the two passwords differ")
    return first


def _role(args: argparse.Namespace) -> tuple[str, str | None]:
    return ("admin", None) if args.admin else ("staff", args.station)


def cmd_staff(args: argparse.Namespace, out: TextIO, session: Session) -> int:
    from caselog import staff

    name, command = getattr(args, "username", ""), args.staff_command
    if command == "list":
        accounts = staff.list_staff(session)
        if args.format == "json":
            rows = [{**a.__dict__, "created_at": a.created_at.isoformat()} for a in accounts]
            json.dump(rows, out, ensure_ascii=False, indent=2)
            out.write("\n")
        for a in accounts if args.format == "text" else []:
            state = "active" if a.active else "disabled"
            out.write(f"{a.username:<24} {a.role:<6} {a.station or '-':<24} {state}\n")
        return 0
    if command == "add":
        role, station = _role(args)
        staff.create_staff_user(session, name, read_password(), role=role, station=station)
        detail, said = f"added, role {role}, station {station or '-'}", f"staff user {name!r} added ({role})"
    elif command == "passwd":
        staff.set_staff_password(session, name, read_password())
        detail, said = "password changed, sessions ended", f"password of {name!r} changed"
    elif command in ("disable", "enable"):
        staff.set_staff_active(session, name, command == "enable")
        detail, said = f"{command}d", f"staff user {name!r} {command}d"
    else:
        role, station = _role(args)
        staff.set_staff_role(session, name, role=role, station=station)
        detail, said = f"role {role}, station {station or '-'}", f"staff user {name!r} now {role} {station or ''}"
    audit.record(session, "staff", actor=cli_actor(), target=name.strip(), detail=detail)
    out.write(said.rstrip() + "\n")
    return 0


def cmd_audit(args: argparse.Namespace, out: TextIO, session: Session) -> int:
    if args.limit < 0:
        raise BadInput("--limit must be 0 or more")
    found = audit.events(session, action=args.action, limit=args.limit)
    if args.format == "json":
        json.dump([e.to_dict() for e in found], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    for e in found:
        where = f" from {e.address}" if e.address else ""
        out.write(f"{e.ts:%Y-%m-%d %H:%M:%S}Z {e.action:<12} {e.actor or '-'} {e.target or ''}{where} {e.detail}\n")
    return 0


def cmd_assign(args: argparse.Namespace, out: TextIO, session: Session) -> int:
    from caselog.queries import assign_station

    case = assign_station(session, args.case_id, None if args.none else args.station)
    audit.record(session, "case_assign", actor=cli_actor(), target=case.id, detail=f"station {case.station or '-'}")
    out.write(f"case {case.id}: station {case.station or '- (admins only)'}\n")
    return 0
