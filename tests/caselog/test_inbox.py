"""What the bot missed: fallbacks, low confidence, questions asked again; grouped, counted, exported for Rasa."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from caselog.inbox import group_key, missed_messages, nlu_yaml
from caselog.models import Case, Turn

REPO = Path(__file__).resolve().parents[2]
RASA_PY = REPO / ".venv-rasa" / "bin" / "python"
T0 = dt.datetime(2022, 7, 1, 2, 0, tzinfo=dt.UTC)
QUESTION = "您失业多久了？"


def add_turns(engine: sa.Engine, channel: str, turns: list[tuple], start: dt.datetime = T0) -> int:
    """turns: (speaker, text) or (speaker, text, intent, confidence)."""
    with Session(engine) as s, s.begin():
        case = Case(channel=channel, user_hash=f"h-{channel}-{start.timestamp()}", started_at=start, facts={})
        s.add(case)
        s.flush()
        for i, t in enumerate(turns):
            speaker, text, intent, confidence = (*t, None, None)[:4]
            s.add(
                Turn(
                    case_id=case.id,
                    record_id=f"r{case.id}-{i}",
                    seq=i,
                    ts=start + dt.timedelta(seconds=i),
                    speaker=speaker,
                    text=text,
                    intent=intent,
                    confidence=confidence,
                )
            )
        return case.id


@pytest.fixture()
def seeded(engine: sa.Engine) -> dict[str, int]:
    a = add_turns(
        engine,
        "telegram",
        [
            ("bot", QUESTION),
            ("user", "去年底被单位辞了", "inform", 0.35),  # low confidence
            ("bot", "抱歉，我没太明白。"),
            ("bot", QUESTION),  # ... and asked again
            ("user", "我想问问那个钱怎么领", "nlu_fallback", 0.31),
            ("bot", "抱歉，我没太明白。"),
            ("user", "是", "affirm", 1.0),  # a tap
            ("user", "我今年22岁", "inform", 0.97),  # understood
        ],
    )
    b = add_turns(
        engine,
        "web",
        [
            ("user", "我想问问 那个钱怎么领？", "nlu_fallback", 0.2),  # the same words, other spacing
            ("bot", "您是高校毕业生吗？"),
            ("user", "算是吧", "affirm", 0.9),
            ("bot", "您是高校毕业生吗？"),  # the answer did not settle it
        ],
        start=T0 + dt.timedelta(hours=1),
    )
    rest = add_turns(engine, "rest", [("user", "测试用的话", "nlu_fallback", 0.1)])
    return {"a": a, "b": b, "rest": rest}


def test_missed_messages_grouped_counted_and_explained(engine: sa.Engine, seeded: dict[str, int]) -> None:
    with Session(engine) as s:
        found = missed_messages(s, since=dt.date(2022, 7, 1), until=dt.date(2022, 7, 1), channels=("web", "telegram"))
    by_key = {group_key(m.text): m for m in found}
    money = by_key[group_key("我想问问那个钱怎么领")]
    assert money.count == 2 and money.reasons == {"fallback": 2} and money.intent == "nlu_fallback"
    assert set(money.case_ids) == {seeded["a"], seeded["b"]}
    assert money.text == "我想问问 那个钱怎么领？"  # the latest wording is shown
    fired = by_key[group_key("去年底被单位辞了")]
    assert fired.reasons == {"low_confidence": 1, "asked_again": 1} and fired.intent == "inform"
    assert by_key[group_key("算是吧")].reasons == {"asked_again": 1}
    assert group_key("是") not in by_key and group_key("我今年22岁") not in by_key
    assert group_key("测试用的话") not in by_key  # not a real channel
    assert found[0] is money  # most frequent first
    with Session(engine) as s:
        assert len(missed_messages(s, channels=None)) == len(found) + 1


def test_nlu_yaml_is_rasa_training_data(engine: sa.Engine, seeded: dict[str, int]) -> None:
    with Session(engine) as s:
        found = missed_messages(s, channels=("web", "telegram"))
    found[0].text = "我的电话13812345678，能领[补贴](money)吗"  # masked and no entity syntax in an export
    text = nlu_yaml(found, title="测试导出")
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    blocks = {b["intent"]: b["examples"].splitlines() for b in data["nlu"]}
    assert set(blocks) == {"nlu_fallback", "inform", "affirm"}
    assert "- 去年底被单位辞了" in blocks["inform"] and "- 算是吧" in blocks["affirm"]
    assert "13812345678" not in text and "[补贴](money)" not in text
    assert yaml.safe_load(nlu_yaml([], title="空"))["nlu"] == []
    if not RASA_PY.exists():
        pytest.skip("no Rasa environment to read the export with")
    check = (
        "import sys; from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader;"
        "td = RasaYAMLReader().reads(sys.stdin.read());"
        "print(len(td.training_examples), ','.join(sorted(td.intents)))"
    )
    proc = subprocess.run([str(RASA_PY), "-c", check], input=text, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    count, intents = proc.stdout.split()
    assert int(count) == sum(len(v) for v in blocks.values()) and intents == "affirm,inform,nlu_fallback"
