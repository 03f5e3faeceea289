"""Chat with the running bot from a terminal, like `rasa shell`: `.venv/bin/python -m bot.terminal`.

It talks to the Rasa REST channel the launcher started (RASA_URL, default http://127.0.0.1:5005), so
what is typed goes through the same masking channel and into the case log (channel "terminal"). Buttons
are numbered: typing the number sends the button's answer. /restart starts over, /exit (or Ctrl-D) quits.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from typing import TextIO

from bot.display import Shown, exchange, select_payload
from bot.identity import load_salt, sender_id
from bot.rasa_client import Button, RasaClient, rasa_url_from_env
from caselog.salt import SaltMissing

CHANNEL = "terminal"
PROMPT = "您："
HELLO = "稳就业政策助手（终端）。直接输入您的情况或问题；有按钮时输入编号回答；/restart 重新开始，/exit 退出。"


def show(shown: list[Shown], out: TextIO) -> Shown | None:
    """Print what the bot said; return the last message that has buttons (its numbers answer it)."""
    last: Shown | None = None
    for message in shown:
        out.write(f"助手：{message.text}\n")
        if message.buttons:
            last = message
            out.write("      " + "  ".join(f"[{i}] {b.title}" for i, b in enumerate(message.buttons, 1)) + "\n")
            if message.kind == "multi_select":
                out.write("      （可多选：输入几个编号，用空格或逗号隔开，比如 1 3）\n")
    return last


def outgoing(line: str, last: Shown | None) -> str:
    """What to send for a typed line: a button's payload for its number (several numbers answer a
    multi-select's options at once), else the text itself."""
    buttons: list[Button] = list(last.buttons) if last is not None else []
    numbers = line.replace(",", " ").replace("，", " ").split()
    if last is not None and last.kind == "multi_select" and len(numbers) > 1 and all(n.isdigit() for n in numbers):
        chosen = {int(n) - 1 for n in numbers}
        if all(0 <= i < len(last.options) for i in chosen):
            return select_payload(last, chosen)
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return buttons[int(line) - 1].payload
    return line


async def chat(client: RasaClient, sender: str, lines: TextIO, out: TextIO) -> None:
    out.write(HELLO + "\n")
    last: Shown | None = None
    while True:
        out.write(PROMPT)
        out.flush()
        line = await asyncio.to_thread(lines.readline)
        if not line:
            out.write("\n")
            return
        line = line.strip()
        if not line:
            continue
        if line in ("/exit", "/quit"):
            return
        result = await exchange(client, sender, outgoing(line, last), CHANNEL)
        shown_last = show(result.shown, out)
        if not result.unavailable:  # the buttons on screen still answer the question that is still open
            last = shown_last


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bot.terminal", description="chat with the running bot")
    p.add_argument("--rasa-url", default=None, help=f"default: $RASA_URL or {rasa_url_from_env()}")
    args = p.parse_args(argv)
    try:
        salt = load_salt()
    except SaltMissing as exc:
        print(f"terminal: {exc}", file=sys.stderr)
        return 2
    client = RasaClient(args.rasa_url)
    sender = sender_id(CHANNEL, uuid.uuid4().hex, salt)  # a new conversation each run

    async def run() -> None:
        try:
            await chat(client, sender, sys.stdin, sys.stdout)
        finally:
            await client.aclose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
