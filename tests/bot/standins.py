"""Local stand-ins for the Telegram Bot API and the Rasa REST channel, served over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from caselog.spool import Spool
from rules import FACTS, FactError, assess, validate_facts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _parse_params(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("application/x-www-form-urlencoded"):
        raw = dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    elif content_type.startswith("multipart/form-data"):
        from email.parser import BytesParser
        from email.policy import default

        msg = BytesParser(policy=default).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        raw = {part.get_param("name", header="content-disposition"): part.get_content() for part in msg.iter_parts()}
    else:
        raise ValueError(content_type)
    out: dict[str, Any] = {}
    for k, v in raw.items():
        try:
            out[k] = json.loads(v)
        except (TypeError, ValueError):
            out[k] = v
    return out


class FakeTelegram(_Server):
    """Answers /bot<TOKEN>/<method> like the Bot API; tests push updates and read the calls it got."""

    BOT_USER: ClassVar[dict[str, Any]] = {
        "id": 4242,
        "is_bot": True,
        "first_name": "稳就业助手",
        "username": "wenjiuye_test_bot",
    }

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self.cond = threading.Condition()
        self._next_update = 1
        self._next_message = 100
        super().__init__(_TelegramHandler)

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    def push(self, update: dict[str, Any]) -> int:
        with self.cond:
            update = {"update_id": self._next_update, **update}
            self._next_update += 1
            self.updates.append(update)
            self.cond.notify_all()
            return int(update["update_id"])

    def push_text(self, user_id: int, text: str) -> int:
        msg: dict[str, Any] = {
            "message_id": self._next_update + 1000,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "访客"},
            "from": {"id": user_id, "is_bot": False, "first_name": "访客"},
            "text": text,
        }
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push({"message": msg})

    def push_callback(self, user_id: int, data: str) -> int:
        return self.push(
            {
                "callback_query": {
                    "id": f"cb{self._next_update}",
                    "from": {"id": user_id, "is_bot": False, "first_name": "访客"},
                    "chat_instance": "ci1",
                    "data": data,
                    "message": {
                        "message_id": 99,
                        "date": int(time.time()),
                        "chat": {"id": user_id, "type": "private"},
                        "from": self.BOT_USER,
                        "text": "请选择：",
                    },
                }
            }
        )

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        with self.cond:
            return [p for m, p in self.calls if m == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                got = [p for m, p in self.calls if m == method]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {method} calls, got {len(got)}: {self.calls}")
                self.cond.wait(left)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        with self.cond:
            self.calls.append((method, params))
            self.cond.notify_all()
        if method == "getMe":
            return 200, self.BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            wait = min(float(params.get("timeout") or 0), 0.3)
            with self.cond:
                deadline = time.monotonic() + wait
                while True:
                    ready = [u for u in self.updates if u["update_id"] >= offset]
                    left = deadline - time.monotonic()
                    if ready or left <= 0:
                        return 200, ready
                    self.cond.wait(left)
        if method == "sendMessage":
            with self.cond:
                self._next_message += 1
                mid = self._next_message
            message: dict[str, Any] = {
                "message_id": mid,
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "from": self.BOT_USER,
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return 200, message
        return 200, True


class _TelegramHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        owner: FakeTelegram = self.server.owner  # type: ignore[attr-defined]
        prefix = f"/bot{owner.token}/"
        if not self.path.startswith(prefix):
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        method = self.path[len(prefix) :]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = _parse_params(self.headers.get("Content-Type", ""), body)
        status, result = owner.answer(method, params)
        self._reply(status, {"ok": True, "result": result})

    do_GET = do_POST

    def _reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


YES_NO = [
    {"title": "是", "payload": "/affirm"},
    {"title": "不是", "payload": "/deny"},
    {"title": "不知道", "payload": '/inform{"dont_know":true}'},
]

GRADUATE_FACTS = {
    "age": 22,
    "is_college_graduate": True,
    "graduation_year": 2022,
    "graduated_from_shanghai_college": True,
    "employment_status": "unemployed",
    "resident_in_shanghai": True,
}
STANDIN_TOKEN = "standin-rasa-api-token"
TELEGRAM_TOKEN = "123456:TEST-token_abc"  # the stand-in Bot API's bot token (tests/bot/conftest.py: tg)
HANDOFF_TEXT = "需要真人帮忙的话：已请工作人员来回答您。"
RARE_SITUATIONS = {
    "text": "下面这些情况，您有吗？（可多选）",
    "custom": {
        "asks": ["migrant_worker", "platform_worker", "hardship_groups"],
        "select": {
            "multiple": True,
            "options": [
                {"title": "农民工/农村劳动力", "fact": "migrant_worker", "value": True},
                {"title": "在平台上接单（外卖、网约车）", "fact": "platform_worker", "value": True},
                {"title": "残疾人", "fact": "hardship_groups", "value": "disabled"},
            ],
            "none_title": "都没有",
            "done_title": "完成",
        },
    },
}


def multi_select_message() -> dict[str, Any]:
    """The real question message of the `situations` multi-select, as the REST channel sends it."""
    from actions.question_messages import question_message
    from rules.questions import plan_questions

    question = next(q for q in plan_questions({}, dt.date(2022, 7, 1)) if q.key == "situations")
    message = question_message(question)
    return {"text": message["text"], "buttons": message["buttons"], "custom": message["json_message"]}


def canned_assessment(facts: dict[str, Any] | None = None, as_of: str = "2022-07-01") -> dict[str, Any]:
    return assess(facts or GRADUATE_FACTS, dt.date.fromisoformat(as_of)).to_dict()


def _intent_of(text: str) -> tuple[str, float]:
    if text.startswith("/"):
        return text[1:].split("{", 1)[0] or "nlu_fallback", 1.0
    if "评估" in text:
        return "check_my_eligibility", 0.93
    if "人工" in text:
        return "human_handoff", 0.97
    if "毕业" in text:
        return "inform", 0.88
    if "多选" in text:
        return "check_my_eligibility", 0.9
    if "嗯嗯" in text:
        return "affirm", 0.41  # understood, but with low confidence
    return "nlu_fallback", 0.3


class StandinDialogue:
    """What the stand-in Rasa says, per sender, like the real bot's surface (not its intelligence).

    A yes/no question to anything it does not know; `/affirm` (the graduate story) or "评估" give an
    assessment; `/inform{...}` sets facts (and `as_of`) the way the contract says and answers with the
    updated assessment; "多选" asks a multi-select question; "人工" answers like the handoff response.
    """

    def __init__(self, as_of: str = "2022-07-01") -> None:
        self.default_as_of = as_of
        self.slots: dict[str, dict[str, Any]] = {}

    def facts_of(self, sender: str) -> dict[str, Any]:
        return self.slots.setdefault(sender, {})

    def _assessment(self, sender: str, facts: dict[str, Any]) -> dict[str, Any]:
        slots = self.facts_of(sender)
        return canned_assessment(facts, str(slots.get("as_of") or self.default_as_of))

    def __call__(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        sender = body["sender"]
        text = str(body.get("message", ""))
        slots = self.facts_of(sender)
        facts = {k: v for k, v in slots.items() if k in FACTS and v is not None}
        if text == "/affirm":  # like Rasa: the action's text and its custom payload as two messages
            slots.update(GRADUATE_FACTS)
            return [
                {"recipient_id": sender, "text": "根据您说的情况，评估结果如下：\n（完整说明略）"},
                {"recipient_id": sender, "custom": {"assessment": self._assessment(sender, GRADUATE_FACTS)}},
            ]
        if text.startswith("/inform{"):
            try:
                given = json.loads(text[len("/inform") :])
                as_of = given.pop("as_of", None)
                if as_of is not None:
                    dt.date.fromisoformat(str(as_of))
                given.pop("dont_know", None)
                for name, value in given.items():  # like actions/turn.py: "none" is a list fact's empty list
                    if name in FACTS and FACTS[name].type == "list" and value == "none":
                        given[name] = []
                changed = {**facts, **given}
                clean = validate_facts(changed)
            except (ValueError, FactError) as exc:
                return [{"recipient_id": sender, "text": f"这个值不对：{exc}"}]
            for name in changed:
                slots[name] = clean.get(name)
            if as_of is not None:
                slots["as_of"] = str(as_of)
            return [
                {"recipient_id": sender, "text": "好的，已记下。"},
                {"recipient_id": sender, "custom": {"assessment": self._assessment(sender, clean)}},
            ]
        if "评估" in text:  # a payload without any text in the reply
            return [
                {"recipient_id": sender, "custom": {"assessment": self._assessment(sender, facts or GRADUATE_FACTS)}}
            ]
        if text == "/restart":
            slots.clear()
            return [{"recipient_id": sender, "text": "好的，我们重新开始。"}]
        if "人工" in text or text == "/human_handoff":
            return [{"recipient_id": sender, "text": HANDOFF_TEXT}]
        if text == "情况多选":  # the form's own multi-select question, options and buttons as the bot sends them
            return [{"recipient_id": sender, **multi_select_message()}]
        if "多选" in text:
            return [{"recipient_id": sender, **RARE_SITUATIONS}]
        return [
            {
                "recipient_id": sender,
                "text": "您是高校毕业生吗？",
                "buttons": YES_NO,
                "custom": {"asks": ["is_college_graduate"]},
            }
        ]


def canned_reply(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A stateless answer (each call a fresh dialogue): kept for tests that pass their own reply."""
    return StandinDialogue()(body)


class FakeRasa(_Server):
    """POST /webhooks/rest/webhook → `reply(body)`; GET /conversations/{id}/tracker (?token= required).

    mode 'error' answers 500, 'slow' sleeps `delay` seconds. The tracker holds the events of each sender
    (user, bot and slot events, like Rasa's) after its last restart; slots come from a StandinDialogue.
    """

    def __init__(
        self,
        reply: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
        token: str = STANDIN_TOKEN,
        spool: Spool | None = None,
        spool_key: bytes | None = None,
    ) -> None:
        self.reply = reply or StandinDialogue()
        self.token = token
        self.spool = spool  # like endpoints.yml's event broker: every tracker event to the case-log spool
        self.spool_key = spool_key
        self.received: list[dict[str, Any]] = []
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.mode = "ok"
        self.delay = 0.0
        self.lock = threading.Lock()
        super().__init__(_RasaHandler)

    def slots_of(self, sender: str) -> dict[str, Any]:
        slots = dict.fromkeys(FACTS)
        slots.update(skipped_facts=None, as_of=None, requested_slot=None, audience=None, focus=None)
        if isinstance(self.reply, StandinDialogue):
            slots.update(self.reply.facts_of(sender))
        return slots

    def converse(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        sender = str(body.get("sender", ""))
        text = str(body.get("message", ""))
        before = self.slots_of(sender)
        replies = self.reply(body)
        now = time.time()
        with self.lock:
            events = self.events.setdefault(sender, [])
            first = len(events)
            if text == "/restart":
                events.clear()
                first = 0
                events.append({"event": "restart", "timestamp": now})
            intent, confidence = _intent_of(text)
            events.append(
                {
                    "event": "user",
                    "timestamp": now,
                    "text": text,
                    "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": []},
                    "input_channel": "rest",
                    "metadata": body.get("metadata") or {},
                }
            )
            for name, value in self.slots_of(sender).items():
                if before.get(name) != value:
                    events.append({"event": "slot", "timestamp": now, "name": name, "value": value})
            for r in replies:
                data = {"buttons": r.get("buttons"), "custom": r.get("custom")}
                events.append({"event": "bot", "timestamp": now, "text": r.get("text"), "data": data, "metadata": {}})
            for event in events[first:] if self.spool is not None else ():
                self.spool.append_event({"sender_id": sender, **event}, key=self.spool_key)  # type: ignore[union-attr]
        return replies

    def tracker(self, sender: str) -> dict[str, Any]:
        with self.lock:
            events = list(self.events.get(sender, []))
        latest = next((e for e in reversed(events) if e["event"] == "user"), None)
        return {
            "sender_id": sender,
            "slots": self.slots_of(sender),
            "latest_message": {"text": latest["text"], "intent": latest["parse_data"]["intent"]} if latest else {},
            "events": events,
        }


class _RasaHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        owner: FakeRasa = self.server.owner  # type: ignore[attr-defined]
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/conversations/") and url.path.endswith("/tracker"):
            token = urllib.parse.parse_qs(url.query).get("token", [""])[0]
            if token != owner.token:
                self._reply(401, {"status": "failure", "reason": "NotAuthenticated"})
                return
            sender = urllib.parse.unquote(url.path[len("/conversations/") : -len("/tracker")])
            self._reply(200, owner.tracker(sender))
            return
        self._reply(200, {"version": "3.6.21-standin"} if self.path != "/" else "Hello from Rasa: 3.6.21")

    def do_POST(self) -> None:
        owner: FakeRasa = self.server.owner  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        with owner.lock:
            owner.received.append(body)
        if owner.mode == "error":
            self._reply(500, {"error": "boom"})
            return
        if owner.mode == "slow":
            time.sleep(owner.delay)
        if self.path != "/webhooks/rest/webhook":
            self._reply(404, {})
            return
        self._reply(200, owner.converse(body))

    def _reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def serve_fake_rasa_forever(port: int) -> None:
    """`python -m tests.bot.standins PORT`: a stand-in Rasa for manual widget work."""
    server = FakeRasa()
    server.httpd.server_close()
    server.httpd = ThreadingHTTPServer(("127.0.0.1", port), _RasaHandler)
    server.httpd.owner = server  # type: ignore[attr-defined]
    server.httpd.serve_forever()


if __name__ == "__main__":
    import sys

    serve_fake_rasa_forever(int(sys.argv[1]))
