"""`python -m rules assess|test|show|list` (docs/interfaces.md sections 2 and 3)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from rules import conditions
from rules.engine import Assessment, assess
from rules.errors import RulesError
from rules.policy import PolicySet, default_policies
from rules.scenarios import SCENARIO_DIR, check, collect
from rules.vocabulary import OPINION_NUMBER, STATUS_LABELS, by_status, date_argument, shanghai_today, status_label

STATUS_HEADINGS = STATUS_LABELS  # the old name, kept for code outside the repository


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def render_text(assessment: Assessment) -> str:
    lines = [f"评估日期：{assessment.as_of.isoformat()}　规则版本：{assessment.rules_version}"]
    for status, group in by_status(assessment.results):
        lines.append(f"\n【{status_label(status)}】（{len(group)}项）")
        for r in group:
            lines.append(f"- {r.title}（{r.policy_id}，《意见》{r.article}）")
            for reason in r.reasons:
                lines.append(f"    · {reason}")
            for step in r.next_steps:
                lines.append(f"    → {step}")
    return "\n".join(lines)


def _read_facts(source: str) -> object:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read facts file {source}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"facts are not valid JSON ({exc.msg} at line {exc.lineno})") from None


def cmd_assess(args: argparse.Namespace, policies: PolicySet) -> int:
    facts = _read_facts(args.facts)
    result = assess(facts, args.as_of or shanghai_today(), policies)  # type: ignore[arg-type]
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(result))
    return 0


def cmd_test(args: argparse.Namespace, policies: PolicySet) -> int:
    paths = [Path(p) for p in args.paths] or [SCENARIO_DIR]
    scenarios = collect(paths, policies, args.as_of or shanghai_today())
    passed = failed = 0
    for scenario in scenarios:
        failures = check(scenario, policies)
        if failures:
            failed += 1
            for f in failures:
                print(f.line())
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_show(args: argparse.Namespace, policies: PolicySet) -> int:
    policy = policies.get(args.id)
    if policy is None:
        raise UsageError(f"unknown policy id '{args.id}' (see: python -m rules list)")
    as_of = args.as_of or shanghai_today()

    params = policy.lookup(as_of)
    until = f"至 {policy.effective_until.isoformat()}" if policy.effective_until else "（未设截止日期）"
    out = [
        f"{policy.title}  [{policy.id}]",
        f"类别：{policy.kind}　条款：《意见》{policy.article}",
        f"有效期：{policy.effective_from.isoformat()} 起 {until}",
        "原文：",
        *(f"  “{q}”" for q in policy.shown_quotes),
        f"责任单位：{'、'.join(policy.responsible_units)}",
        "适用条件：",
    ]
    if policy.eligible_when is None:
        out.append("  - 原文未对个人设定条件")
    else:
        out.extend("  " + line for line in conditions.describe(policy.eligible_when, params))
    confirm = f"{status_label('needs_confirmation')}（{policy.confirm_with}）"
    verdict = status_label("eligible") if policy.on_match == "eligible" else confirm
    out.append(f"满足条件时：{verdict}")
    if policy.confirm_when is not None:
        out.append(f"否则，若满足以下条件，{confirm}：")
        out.extend("  " + line for line in conditions.describe(policy.confirm_when, params))
    for p in policy.parameters.values():
        current = p.value_at(as_of)
        out.append(f"参数 {p.name}（{p.description}）：")
        for dated in p.values:
            ref = dated.reference
            mark = "（评估日期适用）" if dated is current else ""
            basis = f"依据{ref.cited_as}{ref.article}“{ref.shown_quote}”"
            out.append(f"  自{dated.start.isoformat()}起 {dated.value}{mark}，{basis}")
    if policy.readings:
        out.append("解读（原文未写明之处怎样读）：")
        for reading in policy.readings:
            out.append(f"  - {reading.text}（依据：“{reading.shown_quote}”）")
    out.append(f"政策文件：{policy.path}")
    print("\n".join(out))
    return 0


def cmd_list(args: argparse.Namespace, policies: PolicySet) -> int:
    for p in policies:
        print(f"{p.id}\t{p.article}\t{p.kind}\t{p.title}")
    print(f"# {len(policies)} measures, rules version {policies.version}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m rules", description=f"{OPINION_NUMBER} eligibility engine")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    a = sub.add_parser("assess", help="assess one person's facts")
    a.add_argument("--facts", required=True, help="JSON file of facts, or - for stdin")
    a.add_argument("--as-of", type=date_argument, help="evaluation date YYYY-MM-DD (default: today in Shanghai)")
    a.add_argument("--format", choices=("json", "text"), default="json")
    t = sub.add_parser("test", help="run scenario files")
    t.add_argument("paths", nargs="*", help="scenario files or folders (default: rules/scenarios)")
    t.add_argument("--as-of", type=date_argument, help="date for scenarios that give none (default: today)")
    s = sub.add_parser("show", help="show one measure: article, quote, conditions")
    s.add_argument("id")
    s.add_argument("--as-of", type=date_argument)
    sub.add_parser("list", help="list all measures")
    return parser


COMMANDS = {"assess": cmd_assess, "test": cmd_test, "show": cmd_show, "list": cmd_list}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args, default_policies())
    except (UsageError, RulesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
