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

from rules import assess


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


def canned_assessment(facts: dict[str, Any] | None = None, as_of: str = "2022-07-01") -> dict[str, Any]:
    return assess(facts or GRADUATE_FACTS, dt.date.fromisoformat(as_of)).to_dict()


def multi_select_message() -> dict[str, Any]:
    """The real question message of the `situations` multi-select, as the REST channel sends it."""
    from actions.question_messages import question_message
    from rules.questions import plan_questions

    question = next(q for q in plan_questions({}, dt.date(2022, 7, 1)) if q.key == "situations")
    message = question_message(question)
    return {"text": message["text"], "buttons": message["buttons"], "custom": message["json_message"]}


def canned_reply(body: dict[str, Any]) -> list[dict[str, Any]]:
    """What the stand-in Rasa says: a yes/no question, and an assessment once the user says '评估' or affirms."""
    sender = body["sender"]
    text = str(body.get("message", ""))
    if text == "/affirm":  # like Rasa: the action's text and its custom payload as two messages
        return [
            {"recipient_id": sender, "text": "根据您说的情况，评估结果如下：\n（完整说明略）"},
            {"recipient_id": sender, "custom": {"assessment": canned_assessment()}},
        ]
    if "评估" in text:  # a payload without any text in the reply
        return [{"recipient_id": sender, "custom": {"assessment": canned_assessment()}}]
    if text == "/restart":
        return [{"recipient_id": sender, "text": "好的，我们重新开始。"}]
    if text == "多选":  # the rare situations, as the real form asks them (one message: text, buttons, custom)
        return [{"recipient_id": sender, **multi_select_message()}]
    return [{"recipient_id": sender, "text": "您是高校毕业生吗？", "buttons": YES_NO}]


class FakeRasa(_Server):
    """POST /webhooks/rest/webhook → `reply(body)`; mode 'error' answers 500, 'slow' sleeps `delay` seconds."""

    def __init__(self, reply: Callable[[dict[str, Any]], list[dict[str, Any]]] = canned_reply) -> None:
        self.reply = reply
        self.received: list[dict[str, Any]] = []
        self.mode = "ok"
        self.delay = 0.0
        self.lock = threading.Lock()
        super().__init__(_RasaHandler)


class _RasaHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
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
        self._reply(200, owner.reply(body))

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
