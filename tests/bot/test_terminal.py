"""The terminal chat (`python -m bot.terminal`) against the stand-in Rasa, as a person would type."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.rasa_client import UNAVAILABLE_TEXT
from bot.stack import REPO
from tests.bot.standins import FakeRasa


def _run(rasa_url: str, typed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASELOG_SALT": "terminal-test-salt"}
    return subprocess.run(
        [sys.executable, "-m", "bot.terminal", "--rasa-url", rasa_url],
        input=typed, capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )  # fmt: skip


def test_numbered_buttons_send_their_payload_and_the_assessment_is_shown(fake_rasa: FakeRasa) -> None:
    proc = _run(fake_rasa.url, "我去年毕业了\n1\n/exit\n")
    assert proc.returncode == 0, proc.stderr
    assert "助手：您是高校毕业生吗？" in proc.stdout
    assert "[1] 是" in proc.stdout and "[2] 不是" in proc.stdout
    assert [b["message"] for b in fake_rasa.received] == ["我去年毕业了", "/affirm"]
    # the assessment's text is shown once: its payload beside it is not printed again as a summary
    assert proc.stdout.count("根据您说的情况，评估结果如下") == 1
    assert "评估结果（依据" not in proc.stdout
    senders = {b["sender"] for b in fake_rasa.received}
    assert len(senders) == 1 and next(iter(senders)).startswith("te-")
    assert all(b["metadata"] == {"channel": "terminal"} for b in fake_rasa.received)


def test_a_payload_without_text_is_rendered(fake_rasa: FakeRasa) -> None:
    proc = _run(fake_rasa.url, "帮我评估\n")  # ends with end of input, like Ctrl-D
    assert proc.returncode == 0, proc.stderr
    assert "《意见》" in proc.stdout


def test_rasa_down_says_so_and_keeps_going(fake_rasa: FakeRasa) -> None:
    fake_rasa.mode = "error"
    proc = _run(fake_rasa.url, "你好\n还在吗\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(UNAVAILABLE_TEXT) == 2
    assert "Traceback" not in proc.stderr


def test_several_numbers_answer_a_multi_select_at_once() -> None:
    from bot.display import display, select_payload
    from bot.rasa_client import parse_messages
    from bot.terminal import outgoing
    from tests.bot.standins import multi_select_message

    (shown,) = display(parse_messages([multi_select_message()]))
    assert shown.kind == "multi_select"
    assert outgoing("1 3", shown) == select_payload(shown, {0, 2})
    assert outgoing("1", shown) == shown.buttons[0].payload  # one number: that button
    assert outgoing("我是农民工", shown) == "我是农民工"
