"""Policy data files: one YAML file per measure of the catalogue, loaded and checked against the stored texts."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules import conditions
from rules.conditions import Condition
from rules.errors import PolicyFileError
from rules.sources import OPINION, SOURCE_DIR, SOURCE_FILES, Sources, default_sources
from rules.vocabulary import STATUSES, parse_iso_date

PACKAGE_DIR = Path(__file__).resolve().parent
POLICY_DIR = PACKAGE_DIR / "policies"

KINDS = ("benefit", "service", "post", "employer", "right")


@dataclass(frozen=True)
class Reference:
    """Where a value comes from: a stored document, its article, and the words that set the value."""

    document: str  # an id of rules/source/DOCUMENTS.yaml
    cited_as: str  # how an answer names the document, e.g. 《意见》
    article: str
    quote: str  # verbatim in the document's stored text
    shown_quote: str  # the quote as shown to a person (corrections applied)


@dataclass(frozen=True)
class Reading:
    """How the rule reads words the opinion leaves open, with the sentence the reading rests on."""

    text: str
    document: str
    quote: str  # verbatim in the document's stored text
    shown_quote: str


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Any
    reference: Reference


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    values: tuple[DatedValue, ...]  # sorted by date; the first one starts no later than the measure

    def value_at(self, as_of: dt.date) -> DatedValue:
        current = self.values[0]
        for dated in self.values:
            if dated.start <= as_of:
                current = dated
        return current

    def at(self, as_of: dt.date) -> Any:
        return self.value_at(as_of).value


@dataclass(frozen=True, eq=False)
class Policy:
    id: str
    title: str
    kind: str
    article: str
    quotes: tuple[str, ...]  # verbatim in the stored text of the opinion
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
    # what the employer itself does to apply (a measure of kind employer; next_steps speak to the person it hires)
    employer_steps: tuple[str, ...] = ()
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    path: str = ""
    # what a person is shown: the quotes with the stored text's corrections applied (rules/source/corrections.yaml)
    shown_quotes: tuple[str, ...] = ()
    shown_until_quote: str | None = None
    # the words that set effective_from, as shown: the opinion's entry into force or a later start
    start_basis: str = ""
    readings: tuple[Reading, ...] = ()

    def lookup(self, as_of: dt.date) -> conditions.ParamLookup:
        """What a condition's references stand for on `as_of`: dated parameters and the evaluation year."""

        def params(name: str) -> Any:
            if name == conditions.AS_OF_YEAR:
                return as_of.year
            return self.parameters[name].at(as_of)

        return params


def source_text() -> str:
    """The opinion's stored text with line breaks removed: the gazette breaks pages mid-sentence."""
    return default_sources().documents[OPINION].text


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


REQUIRED = ("id", "title", "kind", "article", "quote", "responsible_units", "explanations", "next_steps")
ALLOWED = (
    *REQUIRED,
    "effective",
    "eligible_when",
    "confirm_when",
    "on_match",
    "confirm_with",
    "parameters",
    "readings",
    "employer_steps",
)


def _check_fields(data: Any, path: str) -> None:
    if not isinstance(data, Mapping):
        raise PolicyFileError(path, "a policy file must be a YAML mapping")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise PolicyFileError(path, f"missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(data) - set(ALLOWED))
    if unknown:
        raise PolicyFileError(path, f"unknown field(s): {', '.join(unknown)}")
    if not isinstance(data["id"], str) or Path(path).stem != data["id"]:
        raise PolicyFileError(path, f"id {data['id']!r} must match the file name")
    if data["kind"] not in KINDS:
        raise PolicyFileError(path, f"kind must be one of {', '.join(KINDS)}")
    article = data["article"]
    if not isinstance(article, str) or not article.strip():
        raise PolicyFileError(path, "missing citation: 'article' must name the article, e.g. 四(二)")


@dataclass(frozen=True)
class _Dates:
    start: dt.date
    start_basis: str
    until: dt.date | None
    until_quote: str | None


def _effective(raw: Any, path: str, sources: Sources) -> _Dates:
    """`effective:` is optional: a measure holds from the opinion's entry into force unless the opinion bounds it.

    A later start (`from:`) needs the words that set it (`from_quote`), an end (`until:`) those that bound it.
    """
    raw = raw or {}
    if not isinstance(raw, Mapping) or set(raw) - {"from", "from_quote", "until", "until_quote"}:
        raise PolicyFileError(path, "'effective' takes from/from_quote and until/until_quote")
    start, basis = sources.in_force, sources.in_force_basis()
    if raw.get("from") is not None:
        start = _date(raw["from"], "effective.from", path)
        if start < sources.in_force:
            raise PolicyFileError(
                path, f"effective.from {start} is before the opinion takes effect ({sources.in_force})"
            )
        if start > sources.in_force:
            sources.check(raw.get("from_quote"), "effective.from_quote (the words that set a later start)", path)
            basis = f"原文：“{sources.shown(raw['from_quote'])}”"
    until_quote = raw.get("until_quote")
    until = _date(raw["until"], "effective.until", path) if raw.get("until") is not None else None
    if until is not None:
        if not isinstance(until_quote, str):
            raise PolicyFileError(path, "effective.until needs 'until_quote', the words that bound it")
        sources.check(until_quote, "effective.until_quote", path)
        if until < start:
            raise PolicyFileError(path, "effective.until is before effective.from")
    elif until_quote is not None:
        raise PolicyFileError(path, "effective.until_quote without effective.until")
    return _Dates(start, basis, until, until_quote)


def _reference(raw: Any, where: str, path: str, sources: Sources) -> Reference:
    if not isinstance(raw, Mapping) or not raw.get("article") or not raw.get("quote"):
        raise PolicyFileError(
            path, f"{where} needs its own reference: {{document (default: the opinion), article, quote}}"
        )
    if set(raw) - {"document", "article", "quote"}:
        raise PolicyFileError(path, f"{where}: a reference takes document, article and quote only")
    document = str(raw.get("document", OPINION))
    sources.check(raw["quote"], f"{where} reference quote", path, document)
    return Reference(
        document,
        sources.documents[document].short,
        str(raw["article"]),
        raw["quote"],
        sources.shown(raw["quote"], document),
    )


def _parameter(name: str, raw: Any, path: str, sources: Sources, starts: dt.date) -> Parameter:
    """A parameter: dated values, each with the reference (document, article, quote) that sets it."""
    where = f"parameter '{name}'"
    if not isinstance(raw, Mapping) or set(raw) - {"description", "values"}:
        raise PolicyFileError(path, f"{where} takes 'description' and 'values' (each value with its own reference)")
    items = raw.get("values")
    if not isinstance(items, list) or not items:
        raise PolicyFileError(path, f"{where} needs 'values': a list of {{from, value, reference}}")
    values = []
    for i, item in enumerate(items):
        at = f"{where} value #{i + 1}"
        if not isinstance(item, Mapping) or "from" not in item or item.get("value") is None:
            raise PolicyFileError(path, f"{at} needs 'from: YYYY-MM-DD', 'value' and 'reference'")
        if set(item) - {"from", "value", "reference"}:
            raise PolicyFileError(path, f"{at} takes from, value and reference only")
        start = _date(item["from"], f"{at} from", path)
        values.append(DatedValue(start, item["value"], _reference(item.get("reference"), at, path, sources)))
    values.sort(key=lambda v: v.start)
    for before, after in itertools.pairwise(values):
        if before.start == after.start:
            raise PolicyFileError(path, f"{where} has two values from {after.start}")
        if before.value != after.value and (before.reference.document, before.reference.quote) == (
            after.reference.document,
            after.reference.quote,
        ):
            raise PolicyFileError(
                path, f"{where}: the value from {after.start} rests on the same quote as the one before it"
            )
    if values[0].start > starts:
        raise PolicyFileError(path, f"{where} has no value on {starts}, when the measure starts")
    return Parameter(name, str(raw.get("description", "")), tuple(values))


def _readings(raw: Any, path: str, sources: Sources) -> tuple[Reading, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise PolicyFileError(path, "'readings' must be a list of {reading, quote[, document]}")
    out = []
    for i, item in enumerate(raw):
        where = f"readings[{i}]"
        if not isinstance(item, Mapping) or set(item) - {"reading", "quote", "document"}:
            raise PolicyFileError(path, f"{where} takes reading, quote and document only")
        if not isinstance(item.get("reading"), str) or not item["reading"].strip():
            raise PolicyFileError(path, f"{where} needs 'reading': how the rule reads the words")
        document = str(item.get("document", OPINION))
        sources.check(item.get("quote"), f"{where} quote", path, document)
        out.append(Reading(item["reading"].strip(), document, item["quote"], sources.shown(item["quote"], document)))
    return tuple(out)


def _condition(data: Mapping[str, Any], key: str, params: Mapping[str, Parameter], path: str) -> Condition | None:
    if data.get(key) is None:
        return None
    try:
        return conditions.parse(data[key], key, set(params))
    except ValueError as exc:
        raise PolicyFileError(path, str(exc)) from None


def _explanations(raw: Any, needed: set[str], path: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise PolicyFileError(path, "'explanations' must map statuses to Chinese text")
    bad = sorted(set(raw) - set(STATUSES))
    if bad:
        raise PolicyFileError(path, f"explanations for unknown status(es): {', '.join(bad)}")
    lacking = sorted(needed - set(raw))
    if lacking:
        raise PolicyFileError(path, f"missing explanation(s) for: {', '.join(lacking)}")
    return dict(raw)


def _next_steps(raw: Any, on_match: str, path: str) -> dict[str, tuple[str, ...]]:
    if isinstance(raw, list):
        raw = {on_match: raw}
    if not isinstance(raw, Mapping) or on_match not in raw:
        raise PolicyFileError(path, f"next_steps must give the steps for '{on_match}'")
    steps = {}
    for status, items in raw.items():
        if status not in STATUSES:
            raise PolicyFileError(path, f"next_steps for unknown status '{status}'")
        steps[status] = _str_list(items, f"next_steps.{status}", path)
    return steps


def parse_policy(data: Any, path: str, sources: Sources | None = None) -> Policy:
    """Check one policy file's data and build the Policy; raise PolicyFileError naming the file."""
    sources = default_sources() if sources is None else sources
    _check_fields(data, path)
    quotes = _str_list(data["quote"], "quote", path)
    for i, q in enumerate(quotes):
        sources.check(q, f"quote[{i}]", path)
    units = _str_list(data["responsible_units"], "responsible_units", path)
    for unit in units:
        sources.check(unit, f"responsible unit '{unit}'", path)
    dates = _effective(data.get("effective"), path, sources)
    raw_params = data.get("parameters") or {}
    if not isinstance(raw_params, Mapping):
        raise PolicyFileError(path, "'parameters' must map names to parameters")
    params = {name: _parameter(name, raw, path, sources, dates.start) for name, raw in raw_params.items()}

    eligible_when = _condition(data, "eligible_when", params, path)
    confirm_when = _condition(data, "confirm_when", params, path)
    on_match = data.get("on_match", "eligible")
    if on_match not in ("eligible", "needs_confirmation"):
        raise PolicyFileError(path, "on_match must be eligible or needs_confirmation")
    confirm_with = data.get("confirm_with")
    if (on_match == "needs_confirmation" or confirm_when is not None) and not confirm_with:
        raise PolicyFileError(path, "a rule that can answer needs_confirmation must name the office (confirm_with)")

    employer_steps = _str_list(data["employer_steps"], "employer_steps", path) if "employer_steps" in data else ()
    if data["kind"] == "employer" and not employer_steps:
        raise PolicyFileError(path, "a measure of kind employer must say what the employer does (employer_steps)")

    needed = {"not_eligible", "needs_info", on_match}
    if confirm_when is not None:
        needed.add("needs_confirmation")
    if dates.until is not None:
        needed.add("expired")
    return Policy(
        id=data["id"],
        title=str(data["title"]),
        kind=data["kind"],
        article=data["article"].strip(),
        quotes=quotes,
        responsible_units=units,
        effective_from=dates.start,
        effective_until=dates.until,
        until_quote=dates.until_quote,
        eligible_when=eligible_when,
        confirm_when=confirm_when,
        on_match=on_match,
        confirm_with=confirm_with,
        explanations=_explanations(data["explanations"], needed, path),
        next_steps=_next_steps(data["next_steps"], on_match, path),
        employer_steps=employer_steps,
        parameters=params,
        path=path,
        shown_quotes=tuple(sources.shown(q) for q in quotes),
        shown_until_quote=sources.shown(dates.until_quote) if dates.until_quote else None,
        start_basis=dates.start_basis,
        readings=_readings(data.get("readings"), path, sources),
    )


def load_file(path: Path, sources: Sources | None = None) -> Policy:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PolicyFileError(str(path), f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except ValueError as exc:  # PyYAML builds dates itself and raises on e.g. 2022-13-45
        raise PolicyFileError(str(path), f"bad date or value: {exc}") from None
    shown = path.resolve()
    if shown.is_relative_to(PACKAGE_DIR.parent):
        shown = shown.relative_to(PACKAGE_DIR.parent)
    return parse_policy(data, str(shown), sources)


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


def load_policies(directory: Path = POLICY_DIR, sources: Sources | None = None) -> PolicySet:
    """Load every policy file, in the catalogue's order (the ORDER file), checking each."""
    sources = default_sources() if sources is None else sources
    files = sorted(directory.glob("*.yaml"))
    order_file = directory / "ORDER"
    order = order_file.read_text(encoding="utf-8").split() if order_file.exists() else []
    rank = {pid: i for i, pid in enumerate(order)}
    policies = [load_file(f, sources) for f in files]
    policies.sort(key=lambda p: (rank.get(p.id, len(rank)), p.id))
    digest = hashlib.sha256()
    for f in [*files, *(SOURCE_DIR / name for name in SOURCE_FILES)]:
        digest.update(f.name.encode())
        digest.update(f.read_bytes() if f.exists() else b"")
    return PolicySet(tuple(policies), f"hfg-2022-6@{digest.hexdigest()[:12]}")


@cache
def default_policies() -> PolicySet:
    return load_policies()
