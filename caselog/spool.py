"""A durable, append-only local spool of case-log records (JSON lines). Stdlib only.

Writers (the Rasa server's event broker, several processes or threads) append one record per
line under an exclusive file lock, then flush and fsync before returning, so a record that was
published survives a crash. Each record carries a unique `id` and a `seq` that increases by one
per record across all writers. Readers (the drain) read segments in order and never need the lock:
a line without its final newline is still being written (or was torn by a crash) and is skipped.

Segments: `spool-<first seq, 12 digits>.jsonl`; a new one starts when the current one is larger
than `max_segment_bytes`, so the drain can delete segments it has fully committed.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import itertools
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caselog.privacy import mask_value
from caselog.salt import sender_salt

log = logging.getLogger(__name__)

SALT_ENV = "CASELOG_SALT"
SPOOL_DIR_ENV = "CASELOG_SPOOL_DIR"
DEFAULT_SPOOL_DIR = "var/spool"
SEGMENT_PREFIX = "spool-"
SEGMENT_SUFFIX = ".jsonl"
LOCK_NAME = ".lock"
DEFAULT_MAX_SEGMENT_BYTES = 8 * 1024 * 1024


def salt() -> bytes:
    return sender_salt()


def hash_sender(sender_id: str, key: bytes | None = None) -> str:
    """A salted HMAC-SHA256 of a sender id (hex): stable per person, not reversible without the salt."""
    return hmac.new(key if key is not None else salt(), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()


def default_spool_dir() -> Path:
    return Path(os.environ.get(SPOOL_DIR_ENV) or DEFAULT_SPOOL_DIR)


@dataclass(frozen=True)
class Record:
    id: str
    seq: int
    ts: float
    kind: str
    data: dict[str, Any]


def _segment_name(first_seq: int) -> str:
    return f"{SEGMENT_PREFIX}{first_seq:012d}{SEGMENT_SUFFIX}"


def _segment_first_seq(path: Path) -> int:
    return int(path.name[len(SEGMENT_PREFIX) : -len(SEGMENT_SUFFIX)])


def _parse(line: bytes) -> Record | None:
    try:
        raw = json.loads(line)
        return Record(str(raw["id"]), int(raw["seq"]), float(raw["ts"]), str(raw["kind"]), dict(raw["data"]))
    except (ValueError, KeyError, TypeError):
        return None


class Spool:
    """A spool directory. Safe to share between threads and processes."""

    def __init__(self, directory: str | os.PathLike[str], *, max_segment_bytes: int = DEFAULT_MAX_SEGMENT_BYTES):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.max_segment_bytes = max_segment_bytes
        self._thread_lock = threading.Lock()

    @property
    def identity(self) -> str:
        """A random id made when the spool is first used; names the drain's checkpoint for this spool."""
        path = self.dir / ".spool-id"
        try:
            return path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            pass
        with self._thread_lock, open(self.dir / LOCK_NAME, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                if not path.exists():
                    tmp = path.with_suffix(".tmp")
                    tmp.write_text(uuid.uuid4().hex, encoding="ascii")
                    os.replace(tmp, path)
                    _fsync_dir(self.dir)
                return path.read_text(encoding="ascii").strip()
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    # ---- segments
    def segments(self) -> list[Path]:
        return sorted(p for p in self.dir.glob(f"{SEGMENT_PREFIX}*{SEGMENT_SUFFIX}") if p.is_file())

    def _last_seq(self, segments: list[Path]) -> int:
        for path in reversed(segments):
            seq = _last_seq_in(path)
            if seq is not None:
                return seq
        return _segment_first_seq(segments[0]) - 1 if segments else 0

    # ---- writing
    def append(self, kind: str, data: Mapping[str, Any]) -> Record:
        """Append one record durably (fsync) and return it with its id and seq."""
        return self.append_many(kind, [data])[0]

    def append_many(self, kind: str, items: Sequence[Mapping[str, Any]]) -> list[Record]:
        """Append records in one write and one fsync (consecutive seqs); they are durable when this returns."""
        if not items:
            return []
        with self._thread_lock, open(self.dir / LOCK_NAME, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                segments = self.segments()
                first = self._last_seq(segments) + 1
                path = segments[-1] if segments else None
                if path is None or path.stat().st_size >= self.max_segment_bytes:
                    path = self.dir / _segment_name(first)
                now = time.time()
                records = [Record(uuid.uuid4().hex, first + i, now, kind, dict(d)) for i, d in enumerate(items)]
                payload = b"".join(
                    json.dumps(
                        {"id": r.id, "seq": r.seq, "ts": r.ts, "kind": kind, "data": r.data},
                        ensure_ascii=False,
                        separators=(",", ":"),
                    ).encode("utf-8")
                    + b"\n"
                    for r in records
                )
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    if os.fstat(fd).st_size and not _ends_with_newline(path):
                        payload = b"\n" + payload  # close a line torn by a crash; readers skip it
                    os.write(fd, payload)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if not segments or path != segments[-1]:
                    _fsync_dir(self.dir)
                return records
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def append_event(self, event: Mapping[str, Any], *, key: bytes | None = None) -> Record:
        """Append a Rasa tracker event: sender id hashed, every text masked again."""
        return self.append_events([event], key=key)[0]

    def append_events(self, events: Sequence[Mapping[str, Any]], *, key: bytes | None = None) -> list[Record]:
        """Append Rasa tracker events (e.g. all of one turn) in one durable write."""
        return self.append_many("rasa_event", [_event_data(e, key) for e in events])

    # ---- reading
    def read(self, after_seq: int = 0, limit: int | None = None) -> Iterator[Record]:
        """Complete records with seq > after_seq, in seq order."""
        segments = self.segments()
        count = 0
        for i, path in enumerate(segments):
            if i + 1 < len(segments) and _segment_first_seq(segments[i + 1]) <= after_seq + 1:
                continue  # every record of this segment is at or before after_seq
            for record in _read_segment(path, after_seq):
                yield record
                count += 1
                if limit is not None and count >= limit:
                    return

    def last_seq(self) -> int:
        return self._last_seq(self.segments())

    def compact(self, committed_seq: int) -> int:
        """Delete segments whose records are all at or before `committed_seq`; return how many."""
        segments = self.segments()
        removed = 0
        for path, nxt in itertools.pairwise(segments):
            if _segment_first_seq(nxt) - 1 <= committed_seq:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _event_data(event: Mapping[str, Any], key: bytes | None) -> dict[str, Any]:
    data: dict[str, Any] = mask_value(dict(event))
    sender = event.get("sender_id")
    data.pop("sender_id", None)
    data["sender_hash"] = hash_sender(str(sender), key) if sender is not None else None
    return data


def _read_segment(path: Path, after_seq: int) -> Iterator[Record]:
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    return  # being written right now, or torn
                record = _parse(line)
                if record is None:
                    if line.strip():
                        log.warning("skipping an unreadable spool line in %s", path.name)
                    continue
                if record.seq > after_seq:
                    yield record
    except FileNotFoundError:
        return  # compacted meanwhile


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _last_seq_in(path: Path) -> int | None:
    """The seq of the last complete, readable record of a segment (reads the file's tail)."""
    size = path.stat().st_size
    chunk = 64 * 1024
    with open(path, "rb") as fh:
        while True:
            start = max(0, size - chunk)
            fh.seek(start)
            data = fh.read(size - start)
            lines = data.split(b"\n")
            complete = lines[:-1] if start == 0 else lines[1:-1]
            for line in reversed(complete):
                record = _parse(line)
                if record is not None:
                    return record.seq
            if start == 0:
                return None
            chunk *= 4


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
