"""`caselog` command: list/show/export cases, purge old ones, replay assessments, drain, migrate, staff, audit.

Bad input or an unreachable database → one line on stderr and a non-zero exit, never a traceback.
Exit codes: 0 ok, 1 other error, 2 bad input, 3 database unavailable, 4 no such case.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import audit, staff_cli
from caselog.errors import BadInput, CaselogError, CaseNotFound, DatabaseUnavailable
from rules.vocabulary import CHANNEL_LABELS, date_argument, local_time

PROG = "caselog"


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see `{self.prog} --help`)\n")


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", type=date_argument, help="cases started on or after this day (YYYY-MM-DD, Shanghai)")
    p.add_argument("--until", type=date_argument, help="cases started on or before this day (YYYY-MM-DD, Shanghai)")
    p.add_argument("--channel", help=f"one of {', '.join(CHANNEL_LABELS)}")
    p.add_argument("--measure", help="a measure id (policy_id) some assessment of the case covered")
    p.add_argument("--status", help="with --measure: that measure's status; alone: any measure's status")


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog=PROG, description="The 稳就业 assistant's case log.")
    parser.add_argument("--database-url", help="default: $DATABASE_URL or sqlite:///var/caselog.db")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    p = sub.add_parser("list", help="list cases, newest first")
    _add_filters(p)
    p.add_argument("--limit", type=_non_negative, default=50)
    p.add_argument("--offset", type=_non_negative, default=0)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("show", help="one case with its turns, assessments and notes")
    p.add_argument("case_id", type=_non_negative)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("export", help="export cases (jsonl: one case per line; csv: one turn per row)")
    _add_filters(p)
    p.add_argument("--format", choices=("jsonl", "csv"), required=True)
    p.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    p = sub.add_parser("counts", help="assessment results per day/week/month, measure and status")
    p.add_argument("--since", type=date_argument)
    p.add_argument("--until", type=date_argument)
    p.add_argument("--bucket", choices=("day", "week", "month"), default="day")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("purge", help="delete cases that ended more than DAYS days ago (retention)")
    p.add_argument("--older-than", type=_non_negative, required=True, metavar="DAYS")
    p.add_argument("--dry-run", action="store_true", help="only count them")

    p = sub.add_parser("replay", help="re-assess logged facts under the current rules; report changed outcomes")
    p.add_argument("--as-of", type=date_argument, help="assessment date for the replay (default: each logged as_of)")
    p.add_argument("--policies", type=Path, help="a policy folder to replay against (default: the shipped rules)")
    p.add_argument("--measure", help="report only this measure id")
    p.add_argument("--since", type=date_argument)
    p.add_argument("--until", type=date_argument)
    p.add_argument("--channel")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--fail-on-change", action="store_true", help="exit 1 when some outcome changed")

    p = sub.add_parser("drain", help="move spooled conversation events into the database")
    p.add_argument("--spool-dir", type=Path, help="default: $CASELOG_SPOOL_DIR or var/spool")
    p.add_argument("--follow", action="store_true", help="keep following the spool (Ctrl-C to stop)")
    p.add_argument("--poll-interval", type=float, default=0.5)
    p.add_argument(
        "--peer-timeout",
        type=float,
        default=60.0,
        help="seconds after which another spool's silent drain stops holding this one back (several servers)",
    )

    sub.add_parser("migrate", help="create or upgrade the database schema (alembic upgrade head)")

    staff_cli.add_parsers(sub, OneLineParser)
    return parser


# ---------------------------------------------------------------- helpers


def _engine(args: argparse.Namespace, *, schema: bool = True) -> sa.Engine:
    from caselog.db import check_connection, make_engine

    engine = make_engine(args.database_url)
    check_connection(engine)
    if schema and not sa.inspect(engine).has_table("cases"):
        raise DatabaseUnavailable("the database has no case-log tables yet: run `caselog migrate` first")
    return engine


def _check_measure_status(measure: str | None, status: str | None) -> None:
    import rules

    if measure is not None and measure not in rules.default_policies().ids:
        raise BadInput(f"unknown measure id {measure!r} (see rules/source/CATALOGUE.md)")
    if status is not None and status not in rules.STATUSES:
        raise BadInput(f"unknown status {status!r}; one of {', '.join(rules.STATUSES)}")


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    if args.since and args.until and args.since > args.until:
        raise BadInput(f"--since {args.since} is after --until {args.until}")
    _check_measure_status(args.measure, args.status)
    return {
        "since": args.since,
        "until": args.until,
        "channel": args.channel,
        "policy_id": args.measure,
        "status": args.status,
    }


def _ts(value: dt.datetime | None) -> str:
    """A stored (UTC) moment as Shanghai wall-clock time, the time the filters' days are cut by."""
    return local_time(value, seconds=True) or "-"


# ---------------------------------------------------------------- commands


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    from caselog.queries import list_cases

    filters = _filters(args)
    with Session(_engine(args)) as session:
        cases = list_cases(session, **filters, limit=args.limit, offset=args.offset)
    if args.format == "json":
        json.dump([c.to_dict() for c in cases], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if cases:
        out.write(f"{'id':>6}  {'started (Shanghai)':<19}  channel\n")
    for c in cases:
        eligible = c.with_status("eligible")
        out.write(
            f"{c.id:>6}  {_ts(c.started_at)}  {c.channel:<10} turns={c.turn_count:<3} "
            f"assessments={c.assessment_count:<2} eligible={','.join(eligible) or '-'}\n"
        )
    out.write(f"{len(cases)} case(s)\n")
    return 0


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    from caselog.queries import case_detail

    with Session(_engine(args)) as session:
        case = case_detail(session, args.case_id)
    if case is None:
        raise CaseNotFound(f"no case with id {args.case_id}")
    if args.format == "json":
        json.dump(case.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    c = case.summary
    out.write(f"case {c.id}  channel={c.channel}  user={c.user_hash[:12]}…  (times in Shanghai)\n")
    out.write(f"started {_ts(c.started_at)}  ended {_ts(c.ended_at)}  rules {c.rules_version or '-'}\n")
    for t in case.turns:
        extra = f"  [{t.intent} {t.confidence:.2f}]" if t.intent and t.confidence is not None else ""
        out.write(f"  {_ts(t.ts)} {t.speaker:>4}: {t.text}{extra}\n")
    for a in case.assessments:
        out.write(f"  assessment {a.id} as of {a.as_of} ({a.rules_version}) facts={json.dumps(a.facts)}\n")
        for r in a.results:
            out.write(f"    {r.policy_id}: {r.status}\n")
    for n in case.notes:
        out.write(f"  note by {n.author} at {_ts(n.created_at)}: {n.text}\n")
    return 0


CSV_COLUMNS = (
    "case_id",
    "channel",
    "user_hash",
    "case_started_at",
    "seq",
    "ts",
    "speaker",
    "text",
    "intent",
    "confidence",
)


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from caselog.queries import iter_case_details

    filters = _filters(args)
    engine = _engine(args)
    target = _private_file(args.output) if args.output else out
    count = 0
    try:
        writer = csv.writer(target) if args.format == "csv" else None
        if writer:
            writer.writerow(CSV_COLUMNS)
        with Session(engine) as session:
            for case in iter_case_details(session, **filters):
                count += 1
                if writer is None:
                    target.write(json.dumps(case.to_dict(), ensure_ascii=False) + "\n")
                    continue
                c = case.summary
                for t in case.turns:
                    writer.writerow(
                        [c.id, c.channel, c.user_hash, c.started_at.isoformat(), t.seq, t.ts.isoformat(),
                         t.speaker, t.text, t.intent or "", "" if t.confidence is None else t.confidence]
                    )  # fmt: skip
    finally:
        if args.output:
            target.close()
    with Session(engine) as session, session.begin():
        where = ", ".join(f"{k}={v}" for k, v in filters.items() if v) or "all cases"
        to = f"to {args.output.name}" if args.output else "to stdout"
        audit.record(session, "export", actor=staff_cli.cli_actor(), detail=f"{count} case(s), {where}, {to}")
    if args.output:
        print(f"exported {count} case(s) to {args.output}", file=sys.stderr)
    return 0


def _private_file(path: Path) -> TextIO:
    """An export holds consultations: readable by its owner only (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return open(fd, "w", encoding="utf-8", newline="")


def cmd_counts(args: argparse.Namespace, out: TextIO) -> int:
    from caselog.queries import counts_per_measure_and_status

    with Session(_engine(args)) as session:
        rows = counts_per_measure_and_status(session, args.since, args.until, bucket=args.bucket)
    if args.format == "json":
        json.dump([r.to_dict() for r in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    for r in rows:
        out.write(f"{r.bucket}  {r.policy_id:<40} {r.status:<20} {r.count}\n")
    return 0


def cmd_purge(args: argparse.Namespace, out: TextIO) -> int:
    from caselog.queries import purge_older_than

    with Session(_engine(args)) as session, session.begin():
        n = purge_older_than(session, args.older_than)
        if args.dry_run:
            session.rollback()
        else:
            detail = f"{n} case(s) older than {args.older_than} day(s)"
            audit.record(session, "purge", actor=staff_cli.cli_actor(), detail=detail)
    verb = "would delete" if args.dry_run else "deleted"
    out.write(f"{verb} {n} case(s) older than {args.older_than} day(s)\n")
    return 0


def cmd_replay(args: argparse.Namespace, out: TextIO) -> int:
    import rules
    from caselog.replay import replay

    policies = None
    if args.policies is not None:
        if not args.policies.is_dir():
            raise BadInput(f"--policies: no such folder: {args.policies}")
        try:
            policies = rules.load_policies(args.policies)
        except rules.RulesError as exc:
            raise BadInput(f"--policies: {str(exc).splitlines()[0]}") from None
    if args.measure is not None and args.measure not in (policies or rules.default_policies()).ids:
        raise BadInput(f"unknown measure id {args.measure!r} (see rules/source/CATALOGUE.md)")
    with Session(_engine(args)) as session:
        report = replay(
            session,
            as_of=args.as_of,
            policies=policies,
            since=args.since,
            until=args.until,
            channel=args.channel,
            policy_id=args.measure,
        )
    if args.format == "json":
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for c in report.changes:
            out.write(
                f"case {c.case_id} assessment {c.assessment_id} as of {c.as_of}: "
                f"{c.policy_id} {c.before or '(absent)'} -> {c.after or '(removed)'}\n"
            )
        for aid, why in report.invalid:
            out.write(f"assessment {aid}: facts no longer valid: {why}\n")
        for pid, counter in sorted(report.per_measure().items()):
            parts = ", ".join(f"{b or '(absent)'}->{a or '(removed)'} x{n}" for (b, a), n in counter.most_common())
            out.write(f"measure {pid}: {sum(counter.values())} changed ({parts})\n")
        out.write(
            f"{report.assessments} assessment(s) replayed under {report.rules_version}: "
            f"{report.changed_assessments} with changed outcomes, {len(report.changes)} measure outcome(s) changed\n"
        )
    return 1 if args.fail_on_change and report.changes else 0


def cmd_drain(args: argparse.Namespace, out: TextIO) -> int:
    from caselog.drain import drain_once, run
    from caselog.spool import Spool, default_spool_dir

    spool_dir = args.spool_dir or default_spool_dir()
    if not args.follow and not Path(spool_dir).is_dir():
        raise BadInput(f"no spool folder at {spool_dir}")  # --follow creates it and waits for the broker
    spool = Spool(spool_dir)
    if not args.follow:
        n = drain_once(spool, _engine(args), peer_timeout=args.peer_timeout)
        out.write(f"drained {n} record(s) from {spool_dir}\n")
        return 0
    from caselog.db import make_engine

    engine = make_engine(args.database_url)  # may be down now: the loop waits for it
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s caselog-drain %(levelname)s %(message)s")
    try:
        stats = run(spool, engine, stop, poll_interval=args.poll_interval, peer_timeout=args.peer_timeout)
    except KeyboardInterrupt:
        stop.set()
        return 0
    out.write(f"drained {stats.applied} record(s); {stats.failures} database error(s) waited out\n")
    return 0


def cmd_migrate(args: argparse.Namespace, out: TextIO) -> int:
    from caselog.migrate import current_revision, upgrade

    engine = _engine(args, schema=False)
    upgrade(engine)
    out.write(f"case-log schema at revision {current_revision(engine)}\n")
    return 0


def _in_transaction(command: Callable[[argparse.Namespace, TextIO, Session], int]) -> Callable[..., int]:
    def run(args: argparse.Namespace, out: TextIO) -> int:
        with Session(_engine(args)) as session, session.begin():
            return command(args, out, session)

    return run


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "list": cmd_list,
    "show": cmd_show,
    "export": cmd_export,
    "counts": cmd_counts,
    "purge": cmd_purge,
    "replay": cmd_replay,
    "drain": cmd_drain,
    "migrate": cmd_migrate,
    "staff": _in_transaction(staff_cli.cmd_staff),
    "audit": _in_transaction(staff_cli.cmd_audit),
    "assign": _in_transaction(staff_cli.cmd_assign),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, sys.stdout)
    except CaselogError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except sa.exc.SQLAlchemyError as exc:
        from caselog.db import database_url, safe_url

        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"{PROG}: error: database error ({safe_url(database_url(args.database_url))}): {first}", file=sys.stderr)
        return DatabaseUnavailable.exit_code
    except OSError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
