"""Policy data files: one YAML file per measure of the catalogue, loaded and checked against the opinion."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules import conditions
from rules.conditions import Condition
from rules.errors import PolicyFileError
from rules.vocabulary import STATUSES, parse_iso_date

PACKAGE_DIR = Path(__file__).resolve().parent
POLICY_DIR = PACKAGE_DIR / "policies"
SOURCE_TEXT = PACKAGE_DIR / "source" / "opinion-2022-6.md"

KINDS = ("benefit", "service", "post", "employer", "right")
OPINION_IN_FORCE = dt.date(2022, 6, 25)


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    values: tuple[tuple[dt.date, Any], ...]  # sorted by date
    article: str
    quote: str

    def at(self, as_of: dt.date) -> Any:
        current = None
        for start, value in self.values:
            if start <= as_of:
                current = value
        if current is None:
            return self.values[0][1]
        return current


@dataclass(frozen=True, eq=False)
class Policy:
    id: str
    title: str
    kind: str
    article: str
    quotes: tuple[str, ...]
    responsible_units: tuple[str, ...]
    effective_from: dt.date
    effective_until: dt.date | None
    until_quote: str | None
    eligible_when: Condition | None
    confirm_when: Condition | None
    on_match: str
    confirm_with: str | None
    explanations: Mapping[str, str]
    next_steps: Mapping[str, tuple[str, ...]]
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    path: str = ""

    def lookup(self, as_of: dt.date) -> conditions.ParamLookup:
        """What a condition's references stand for on `as_of`: dated parameters and the evaluation year."""

        def params(name: str) -> Any:
            if name == conditions.AS_OF_YEAR:
                return as_of.year
            return self.parameters[name].at(as_of)

        return params


def source_text() -> str:
    """The opinion's text with line breaks removed: the gazette breaks pages mid-sentence."""
    return SOURCE_TEXT.read_text(encoding="utf-8").replace("\n", "")


def _date(value: Any, where: str, path: str) -> dt.date:
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise PolicyFileError(path, f"{where}: {exc}") from None


def _str_list(raw: Any, where: str, path: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(s, str) and s.strip() for s in raw):
        raise PolicyFileError(path, f"'{where}' must be a non-empty list of strings")
    return tuple(s.strip() for s in raw)


def _verbatim(quote: str, text: str, where: str, path: str) -> None:
    if quote not in text:
        raise PolicyFileError(path, f"{where} is not verbatim in the opinion's text: {quote[:40]}…")


REQUIRED = ("id", "title", "kind", "article", "quote", "responsible_units", "effective", "explanations", "next_steps")
ALLOWED = (
    *REQUIRED,
    "eligible_when",
    "confirm_when",
    "on_match",
    "confirm_with",
    "parameters",
)


def parse_policy(data: Any, path: str, text: str) -> Policy:
    if not isinstance(data, Mapping):
        raise PolicyFileError(path, "a policy file must be a YAML mapping")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise PolicyFileError(path, f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(data) - set(ALLOWED))
    if unknown:
        raise PolicyFileError(path, f"unknown field(s): {', '.join(unknown)}")
    pid = data["id"]
    if not isinstance(pid, str) or Path(path).stem != pid:
        raise PolicyFileError(path, f"id {pid!r} must match the file name")
    if data["kind"] not in KINDS:
        raise PolicyFileError(path, f"kind must be one of {', '.join(KINDS)}")
    article = data["article"]
    if not isinstance(article, str) or not article.strip():
        raise PolicyFileError(path, "missing citation: 'article' must name the article, e.g. 四(二)")
    quotes = _str_list(data["quote"], "quote", path)
    for i, q in enumerate(quotes):
        _verbatim(q, text, f"quote[{i}]", path)
    units = _str_list(data["responsible_units"], "responsible_units", path)
    for unit in units:
        _verbatim(unit, text, f"responsible unit '{unit}'", path)

    eff = data["effective"]
    if not isinstance(eff, Mapping) or "from" not in eff:
        raise PolicyFileError(path, "'effective' needs at least 'from: YYYY-MM-DD'")
    start = _date(eff["from"], "effective.from", path)
    until = _date(eff["until"], "effective.until", path) if eff.get("until") is not None else None
    until_quote = eff.get("until_quote")
    if until is not None:
        if not isinstance(until_quote, str):
            raise PolicyFileError(path, "effective.until needs 'until_quote', the words that bound it")
        _verbatim(until_quote, text, "effective.until_quote", path)
        if until < start:
            raise PolicyFileError(path, "effective.until is before effective.from")

    params: dict[str, Parameter] = {}
    for name, raw in (data.get("parameters") or {}).items():
        if not isinstance(raw, Mapping) or not isinstance(raw.get("values"), Mapping) or not raw["values"]:
            raise PolicyFileError(path, f"parameter '{name}' needs dated 'values'")
        ref = raw.get("reference")
        if not isinstance(ref, Mapping) or not ref.get("article") or not ref.get("quote"):
            raise PolicyFileError(path, f"parameter '{name}' needs a reference with article and quote")
        _verbatim(ref["quote"], text, f"parameter '{name}' reference quote", path)
        values = tuple(sorted((_date(d, f"parameter '{name}' date", path), v) for d, v in raw["values"].items()))
        params[name] = Parameter(name, str(raw.get("description", "")), values, ref["article"], ref["quote"])

    def cond(key: str) -> Condition | None:
        if data.get(key) is None:
            return None
        try:
            return conditions.parse(data[key], key, set(params))
        except ValueError as exc:
            raise PolicyFileError(path, str(exc)) from None

    eligible_when = cond("eligible_when")
    confirm_when = cond("confirm_when")
    on_match = data.get("on_match", "eligible")
    if on_match not in ("eligible", "needs_confirmation"):
        raise PolicyFileError(path, "on_match must be eligible or needs_confirmation")
    confirm_with = data.get("confirm_with")
    if (on_match == "needs_confirmation" or confirm_when is not None) and not confirm_with:
        raise PolicyFileError(path, "a rule that can answer needs_confirmation must name the office (confirm_with)")

    explanations = data["explanations"]
    if not isinstance(explanations, Mapping) or not all(isinstance(v, str) for v in explanations.values()):
        raise PolicyFileError(path, "'explanations' must map statuses to Chinese text")
    bad = sorted(set(explanations) - set(STATUSES))
    if bad:
        raise PolicyFileError(path, f"explanations for unknown status(es): {', '.join(bad)}")
    needed = {"not_eligible", "needs_info", on_match}
    if confirm_when is not None:
        needed.add("needs_confirmation")
    if until is not None:
        needed.add("expired")
    lacking = sorted(needed - set(explanations))
    if lacking:
        raise PolicyFileError(path, f"missing explanation(s) for: {', '.join(lacking)}")

    steps_raw = data["next_steps"]
    if isinstance(steps_raw, list):
        steps_raw = {on_match: steps_raw}
    if not isinstance(steps_raw, Mapping) or on_match not in steps_raw:
        raise PolicyFileError(path, f"next_steps must give the steps for '{on_match}'")
    next_steps = {}
    for status, steps in steps_raw.items():
        if status not in STATUSES:
            raise PolicyFileError(path, f"next_steps for unknown status '{status}'")
        next_steps[status] = _str_list(steps, f"next_steps.{status}", path)

    return Policy(
        id=pid,
        title=str(data["title"]),
        kind=data["kind"],
        article=article.strip(),
        quotes=quotes,
        responsible_units=units,
        effective_from=start,
        effective_until=until,
        until_quote=until_quote,
        eligible_when=eligible_when,
        confirm_when=confirm_when,
        on_match=on_match,
        confirm_with=confirm_with,
        explanations=dict(explanations),
        next_steps=next_steps,
        parameters=params,
        path=path,
    )


def load_file(path: Path, text: str | None = None) -> Policy:
    text = source_text() if text is None else text
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PolicyFileError(str(path), f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except ValueError as exc:  # PyYAML builds dates itself and raises on e.g. 2022-13-45
        raise PolicyFileError(str(path), f"bad date or value: {exc}") from None
    shown = path.resolve()
    if shown.is_relative_to(PACKAGE_DIR.parent):
        shown = shown.relative_to(PACKAGE_DIR.parent)
    return parse_policy(data, str(shown), text)


@dataclass(frozen=True, eq=False)
class PolicySet:
    policies: tuple[Policy, ...]
    version: str

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    def get(self, policy_id: str) -> Policy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.policies]


def load_policies(directory: Path = POLICY_DIR) -> PolicySet:
    """Load every policy file, in the catalogue's order (the ORDER file), checking each."""
    text = source_text()
    files = sorted(directory.glob("*.yaml"))
    order_file = directory / "ORDER"
    order = order_file.read_text(encoding="utf-8").split() if order_file.exists() else []
    rank = {pid: i for i, pid in enumerate(order)}
    policies = [load_file(f, text) for f in files]
    policies.sort(key=lambda p: (rank.get(p.id, len(rank)), p.id))
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return PolicySet(tuple(policies), f"hfg-2022-6@{digest.hexdigest()[:12]}")


@cache
def default_policies() -> PolicySet:
    return load_policies()
