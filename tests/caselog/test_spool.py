from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from caselog.spool import Spool, hash_sender


def _write_many(directory: str, writer: int, count: int) -> None:
    spool = Spool(directory, max_segment_bytes=4096)
    for i in range(count):
        spool.append("test", {"writer": writer, "i": i})


def test_records_get_unique_ids_and_consecutive_seqs(spool: Spool) -> None:
    records = [spool.append("test", {"i": i}) for i in range(5)]
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert len({r.id for r in records}) == 5
    assert [r.data["i"] for r in spool.read()] == [0, 1, 2, 3, 4]
    assert [r.seq for r in spool.read(after_seq=3)] == [4, 5]
    assert [r.seq for r in spool.read(after_seq=1, limit=2)] == [2, 3]


def test_a_turns_events_go_in_one_fsynced_write(spool: Spool, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    spool.append("test", {"before": True})
    fsyncs.clear()
    events = [{"sender_id": "13812345678", "event": "user", "text": f"电话13812345678 第{i}句"} for i in range(4)]
    records = spool.append_events(events, key=b"k")
    assert len(fsyncs) == 1
    assert [r.seq for r in records] == [2, 3, 4, 5]
    read = list(spool.read(after_seq=1))
    assert [r.id for r in read] == [r.id for r in records]
    assert all("13812345678" not in json.dumps(r.data, ensure_ascii=False) for r in read)  # masked, sender hashed
    assert {r.data["sender_hash"] for r in read} == {hash_sender("13812345678", b"k")}
    assert spool.append_many("test", []) == []


def test_several_processes_and_threads_write_without_loss_or_reordering(tmp_path: Path) -> None:
    directory = str(tmp_path / "spool")
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_many, args=(directory, w, 150)) for w in range(4)]
    threads = [threading.Thread(target=_write_many, args=(directory, 10 + w, 150)) for w in range(3)]
    for p in procs:
        p.start()
    for t in threads:
        t.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    for t in threads:
        t.join(60)
    spool = Spool(directory)
    records = list(spool.read())
    assert [r.seq for r in records] == list(range(1, 7 * 150 + 1))
    assert len({r.id for r in records}) == len(records)
    assert len(spool.segments()) > 1  # small segments: rotation happened under contention
    for w in [0, 1, 2, 3, 10, 11, 12]:  # each writer's own records stay in its order
        assert [r.data["i"] for r in records if r.data["writer"] == w] == list(range(150))


def test_a_torn_last_line_is_skipped_and_the_next_append_continues(spool: Spool) -> None:
    spool.append("test", {"i": 1})
    segment = spool.segments()[-1]
    with open(segment, "ab") as fh:
        fh.write(b'{"id":"torn","seq":2,"ts":1.0,"kind":"te')  # crash in the middle of a write
    assert [r.data["i"] for r in spool.read()] == [1]
    record = spool.append("test", {"i": 2})
    assert record.seq == 2
    assert [r.data["i"] for r in spool.read()] == [1, 2]


def test_compaction_drops_only_committed_segments(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s", max_segment_bytes=200)
    for i in range(20):
        spool.append("test", {"i": i})
    before = spool.segments()
    assert len(before) > 3
    spool.compact(committed_seq=10)
    assert [r.seq for r in spool.read(after_seq=10)] == list(range(11, 21))
    assert len(spool.segments()) < len(before)
    spool.compact(committed_seq=20)
    assert len(spool.segments()) == 1  # the newest segment always stays: it holds the last seq
    assert spool.append("test", {"i": 20}).seq == 21


def test_events_are_masked_and_sender_ids_hashed_with_the_salt(spool: Spool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASELOG_SALT", "salt-one")
    text = "手机13812345678，身份证310101199001011234"
    spool.append_event({"sender_id": "13812345678", "event": "user", "text": text})
    raw = spool.segments()[-1].read_text(encoding="utf-8")
    assert "13812345678" not in raw and "310101199001011234" not in raw
    data = json.loads(raw.splitlines()[0])["data"]
    assert "sender_id" not in data
    assert data["sender_hash"] == hash_sender("13812345678", b"salt-one")
    assert data["sender_hash"] != hash_sender("13812345678", b"salt-two")
    assert data["text"] == "手机〔手机号〕，身份证〔身份证号〕"


def test_spool_identity_is_stable(tmp_path: Path) -> None:
    a = Spool(tmp_path / "s").identity
    assert a == Spool(tmp_path / "s").identity
    assert a != Spool(tmp_path / "other").identity
