"""The documents policy files may quote (rules/source/DOCUMENTS.yaml) and the corrections shown for their text.

Every quote names a document whose text is stored in rules/source/; the loader checks the quote verbatim
against that text, so a quote from a document nobody stored cannot pass. The stored text of the opinion
comes from the gazette's text layer, which has a few extraction errors: quotes stay verbatim to the stored
text (the check), and what is shown to a person goes through the correction table (rules/source/
corrections.yaml), each fix stated there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules.errors import PolicyFileError
from rules.vocabulary import OPINION_NUMBER, OPINION_TITLE

SOURCE_DIR = Path(__file__).resolve().parent / "source"
OPINION = "opinion"  # the document id a reference names when it names none


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    short: str  # how an answer names it, e.g. 《意见》
    number: str | None
    text: str  # line breaks removed: the gazette breaks pages mid-sentence


@dataclass(frozen=True)
class Quote:
    document: str
    text: str


@dataclass(frozen=True)
class Correction:
    document: str
    stored: str
    shown: str
    why: str


@dataclass(frozen=True)
class Sources:
    documents: Mapping[str, Document]
    in_force: dt.date  # the opinion's entry into force
    in_force_quotes: tuple[Quote, ...]
    corrections: tuple[Correction, ...]

    def check(self, quote: Any, where: str, path: str, document: str = OPINION) -> None:
        """Refuse (naming `path`) a quote that is not verbatim in the named document's stored text."""
        _check_quote(self.documents, document, quote, where, path)

    def in_force_basis(self) -> str:
        """The words that set the opinion's entry into force, as an answer shows them."""
        return "；".join(
            f"{self.documents[q.document].short}：“{self.shown(q.text, q.document)}”" for q in self.in_force_quotes
        )

    def shown(self, quote: str, document: str = OPINION) -> str:
        """The quote as a person should read it: the stored text with the table's corrections applied."""
        for fix in self.corrections:
            if fix.document == document:
                quote = quote.replace(fix.stored, fix.shown)
        return quote


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\n", "")


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyFileError(path.name, f"cannot read: {exc.strerror}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise PolicyFileError(path.name, f"not valid YAML: {str(exc).splitlines()[0]}") from None


def _documents(raw: Any, directory: Path) -> dict[str, Document]:
    where = "DOCUMENTS.yaml"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("documents"), Mapping) or OPINION not in raw["documents"]:
        raise PolicyFileError(where, f"needs 'documents:' with at least '{OPINION}'")
    docs = {}
    for doc_id, entry in raw["documents"].items():
        if doc_id == OPINION and isinstance(entry, Mapping):
            entry = {"title": OPINION_TITLE, "number": OPINION_NUMBER, **entry}
        if not isinstance(entry, Mapping) or not entry.get("title") or not entry.get("file"):
            raise PolicyFileError(where, f"document '{doc_id}' needs 'title' and 'file'")
        path = directory / str(entry["file"])
        if not path.is_file():
            raise PolicyFileError(where, f"document '{doc_id}': no stored text {entry['file']}")
        number = entry.get("number")
        title, short = str(entry["title"]), str(entry.get("short") or entry["title"])
        docs[str(doc_id)] = Document(str(doc_id), title, short, str(number) if number else None, _text(path))
    return docs


def _in_force(raw: Any, docs: Mapping[str, Document]) -> tuple[dt.date, tuple[Quote, ...]]:
    where = "DOCUMENTS.yaml"
    entry = raw.get("in_force")
    if not isinstance(entry, Mapping) or not isinstance(entry.get("date"), dt.date) or not entry.get("quotes"):
        raise PolicyFileError(where, "'in_force' needs 'date: YYYY-MM-DD' and the 'quotes' that set it")
    quotes = []
    for i, q in enumerate(entry["quotes"]):
        if not isinstance(q, Mapping):
            raise PolicyFileError(where, f"in_force.quotes[{i}] must be {{document: …, quote: …}}")
        document = str(q.get("document", OPINION))
        _check_quote(docs, document, q.get("quote"), f"in_force.quotes[{i}]", where)
        quotes.append(Quote(document, q["quote"]))
    return entry["date"], tuple(quotes)


def _check_quote(docs: Mapping[str, Document], document: str, quote: Any, where: str, path: str) -> None:
    doc = docs.get(document)
    if doc is None:
        raise PolicyFileError(
            path,
            f"{where} names document '{document}', which is not stored (known: {', '.join(docs)}); "
            "add its text to rules/source and list it in DOCUMENTS.yaml",
        )
    if not isinstance(quote, str) or not quote.strip():
        raise PolicyFileError(path, f"{where} must be a non-empty quote")
    if quote not in doc.text:
        raise PolicyFileError(path, f"{where} is not verbatim in {doc.title}: {quote[:40]}…")


def _corrections(raw: Any, docs: Mapping[str, Document]) -> tuple[Correction, ...]:
    where = "corrections.yaml"
    if not isinstance(raw, list):
        raise PolicyFileError(where, "must be a list of {document, stored, shown, why}")
    out = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, Mapping) or not all(
            isinstance(entry.get(k), str) and entry[k].strip() for k in ("stored", "shown", "why")
        ):
            raise PolicyFileError(where, f"correction #{i + 1} needs 'stored', 'shown' and 'why'")
        fix = Correction(str(entry.get("document", OPINION)), entry["stored"], entry["shown"], entry["why"].strip())
        doc = docs.get(fix.document)
        if doc is None:
            raise PolicyFileError(where, f"correction #{i + 1} names unknown document '{fix.document}'")
        if fix.stored not in doc.text:
            raise PolicyFileError(where, f"correction #{i + 1}: '{fix.stored}' is not in the stored text (stale?)")
        if fix.stored == fix.shown:
            raise PolicyFileError(where, f"correction #{i + 1} changes nothing")
        out.append(fix)
    return tuple(out)


SOURCE_FILES = ("DOCUMENTS.yaml", "corrections.yaml")  # what, besides the texts, changes an outcome


def load_sources(directory: Path = SOURCE_DIR) -> Sources:
    raw = _read_yaml(directory / "DOCUMENTS.yaml")
    docs = _documents(raw, directory)
    in_force, in_force_quotes = _in_force(raw, docs)
    fixes_file = directory / "corrections.yaml"
    corrections = _corrections(_read_yaml(fixes_file), docs) if fixes_file.exists() else ()
    return Sources(docs, in_force, in_force_quotes, corrections)


@cache
def default_sources() -> Sources:
    return load_sources()
