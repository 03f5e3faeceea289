"""Telegram channel: python-telegram-bot 22 `Application` bridging chats to the Rasa REST channel.

Run: `.venv/bin/python -m bot.telegram_bot` (does nothing without TELEGRAM_BOT_TOKEN).
Env: TELEGRAM_BOT_TOKEN, RASA_URL (http://127.0.0.1:5005), CASELOG_SALT, TELEGRAM_RATE_LIMIT (20 per
TELEGRAM_RATE_WINDOW=60 s), TELEGRAM_MODE=polling|webhook, and for webhook mode TELEGRAM_WEBHOOK_URL
(public https URL Telegram posts to), TELEGRAM_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_LISTEN (127.0.0.1),
TELEGRAM_WEBHOOK_PORT (8443), TELEGRAM_WEBHOOK_PATH (/telegram/webhook); TELEGRAM_API_BASE_URL for a
local Bot API server. DATABASE_URL is the case log the live handoff reads (bot/handoff_bridge.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import secrets
import signal
import sys
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.display import Shown, exchange, select_payload
from bot.handoff_bridge import HandoffDesk
from bot.identity import load_salt, sender_id
from bot.rasa_client import UNAVAILABLE_TEXT, RasaClient
from bot.ratelimit import RateLimiter
from caselog.salt import SaltMissing
from rules.vocabulary import OPINION

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT = 4000
MAX_MESSAGE = 2000  # what a person may send at once: the same cap as the REST channel's and the web chat's
MAX_TRACKED_USERS = 10_000  # per-user state (rate limit, warnings) is bounded: the oldest users are forgotten
CALLBACK_LIMIT = 64

WELCOME_TEXT = (
    f"您好！我是上海稳就业政策助手，可以根据您的情况，告诉您{OPINION}"
    "里哪些措施适用于您。\n直接用中文描述您的情况即可，例如：“我去年毕业，还没找到工作”。"
)
HELP_TEXT = (
    "使用说明：\n"
    "• 直接发文字描述您的情况或提问，例如“我失业半年了，能领什么补贴？”\n"
    "• 出现按钮时，可直接点按钮回答（是 / 不是 / 不知道）。\n"
    "• /restart 重新开始一次咨询（清除之前说过的情况）\n"
    "• /help 查看本说明\n"
    "请不要发送身份证号、银行卡号等个人敏感信息。结果仅供参考，以经办部门认定为准。"
)
RATE_LIMIT_TEXT = "您发送得有点快，请稍等一分钟再继续，我会接着为您解答。"
NON_TEXT_TEXT = "目前我只能看懂文字消息，请用文字描述您的情况。"
EXPIRED_BUTTON_TEXT = "这个按钮已失效，请直接输入您的回答。"
TOO_LONG_TEXT = f"您的消息太长了（超过{MAX_MESSAGE}字），请分几次、简短地描述您的情况。"
GROUP_TEXT = "为保护您的隐私，我只在私聊中回答。请点我的头像，私聊发送“你好”开始咨询。"


@dataclass
class TelegramConfig:
    token: str
    rasa_url: str | None = None
    salt: bytes = b""
    rate_limit: int = 20
    rate_window: float = 60.0
    mode: str = "polling"
    base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "/telegram/webhook"
    poll_interval: float = 0.0
    poll_timeout: int = 10
    # live handoff (bot/handoff_bridge.py): the case log to check and to take workers' answers from
    handoff: bool = False
    database_url: str | None = None

    @classmethod
    def from_env(cls) -> TelegramConfig | None:
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            return None
        env = os.environ.get
        return cls(
            token=token,
            rasa_url=env("RASA_URL"),
            salt=load_salt(),
            rate_limit=int(env("TELEGRAM_RATE_LIMIT", "20")),
            rate_window=float(env("TELEGRAM_RATE_WINDOW", "60")),
            mode=env("TELEGRAM_MODE", "polling").strip().lower(),
            base_url=env("TELEGRAM_API_BASE_URL") or None,
            webhook_url=env("TELEGRAM_WEBHOOK_URL") or None,
            webhook_secret=env("TELEGRAM_WEBHOOK_SECRET") or secrets.token_urlsafe(32),
            webhook_listen=env("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=int(env("TELEGRAM_WEBHOOK_PORT", "8443")),
            webhook_path=env("TELEGRAM_WEBHOOK_PATH", "/telegram/webhook"),
            handoff=True,
            database_url=env("DATABASE_URL") or None,
        )


class ButtonStore:
    """Maps inline-keyboard callback data to Rasa payloads; long payloads get a short key."""

    def __init__(self, size: int = 5000) -> None:
        self._size = size
        self._long: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        direct = "p:" + payload
        if len(direct.encode("utf-8")) <= CALLBACK_LIMIT:
            return direct
        key = secrets.token_urlsafe(12)
        self._long[key] = payload
        while len(self._long) > self._size:
            self._long.popitem(last=False)
        return "k:" + key

    def decode(self, data: str) -> str | None:
        if data.startswith("p:"):
            return data[2:]
        if data.startswith("k:"):
            return self._long.get(data[2:])
        return None


@dataclass
class Selection:
    """A multi-select on screen: its question and the options toggled so far."""

    shown: Shown
    chosen: set[int]


class SelectionStore:
    """The multi-selects shown, by short key (callback data is 64 bytes at most), oldest forgotten first."""

    def __init__(self, size: int = 2000) -> None:
        self._size = size
        self._items: OrderedDict[str, Selection] = OrderedDict()

    def add(self, shown: Shown) -> str:
        key = secrets.token_urlsafe(8)
        self._items[key] = Selection(shown, set())
        while len(self._items) > self._size:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Selection | None:
        return self._items.get(key)

    def pop(self, key: str) -> Selection | None:
        return self._items.pop(key, None)


def toggles(selection: Selection, key: str, store: ButtonStore) -> InlineKeyboardMarkup:
    """A multi-select as toggles (☐/☑ per option), then 都没有 / 不知道 as plain buttons, then 完成."""
    shown = selection.shown
    rows = [
        [InlineKeyboardButton(f"{'☑' if i in selection.chosen else '☐'} {o.title}"[:64], callback_data=f"t:{key}:{i}")]
        for i, o in enumerate(shown.options)
    ]
    option_titles = {o.title for o in shown.options}
    extra = [b for b in shown.buttons if b.title not in option_titles]
    if extra:
        rows.append([InlineKeyboardButton(b.title[:64], callback_data=store.encode(b.payload)) for b in extra])
    rows.append([InlineKeyboardButton(shown.select_text("done_title", "完成"), callback_data=f"d:{key}")])
    return InlineKeyboardMarkup(rows)


def keyboard(shown: Shown, store: ButtonStore, per_row: int = 3) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a message (a reply kind drawn differently branches here on `shown.kind`)."""
    if not shown.buttons:
        return None
    buttons = [InlineKeyboardButton(b.title[:64], callback_data=store.encode(b.payload)) for b in shown.buttons]
    width = per_row if all(len(b.text) <= 6 for b in buttons) else 1
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def chunks(text: str, size: int = MAX_TEXT) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class SenderLocks:
    """One lock per sender while someone holds or waits for it; forgotten when nobody does (bounded)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] <= 0:
                del self._users[key]
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


class ChatBridge:
    """The handlers: a gate for every update (private chats only, rate limit), forward to Rasa under a
    hashed sender id, render the reply."""

    def __init__(self, config: TelegramConfig, rasa: RasaClient, handoff: HandoffDesk | None = None) -> None:
        self.config = config
        self.rasa = rasa
        self.handoff = handoff
        self.limiter = RateLimiter(config.rate_limit, config.rate_window, max_keys=MAX_TRACKED_USERS)
        self.store = ButtonStore()
        self.selections = SelectionStore()
        self._warned: OrderedDict[int, float] = OrderedDict()
        self._left: OrderedDict[int, None] = OrderedDict()  # group chats already answered and left
        self._locks = SenderLocks()

    def sender(self, user_id: int) -> str:
        return sender_id(CHANNEL, user_id, self.config.salt)

    def _allowed(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, should_warn): warn once per window, then stay quiet."""
        if self.limiter.allow(str(user_id)):
            return True, False
        now = asyncio.get_running_loop().time()
        last = self._warned.get(user_id)
        if last is not None and now - last < self.config.rate_window:
            return False, False
        self._warned[user_id] = now
        self._warned.move_to_end(user_id)
        while len(self._warned) > MAX_TRACKED_USERS:
            self._warned.popitem(last=False)
        return False, True

    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs before every handler: group chats get one message and are left; every update kind of a
        person counts against their rate limit (commands, buttons, stickers and photos as much as text)."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and chat.type != "private":
            if chat.id not in self._left:
                self._left[chat.id] = None
                while len(self._left) > MAX_TRACKED_USERS:
                    self._left.popitem(last=False)
                with contextlib.suppress(Exception):
                    await context.bot.send_message(chat.id, GROUP_TEXT)
                with contextlib.suppress(Exception):
                    await context.bot.leave_chat(chat.id)
            raise ApplicationHandlerStop
        if user is None or chat is None:
            raise ApplicationHandlerStop  # nobody to answer (channel posts and the like)
        allowed, warn = self._allowed(user.id)
        if not allowed:
            if update.callback_query is not None:
                with contextlib.suppress(Exception):
                    await update.callback_query.answer(RATE_LIMIT_TEXT if warn else None)
            elif warn:
                await context.bot.send_message(chat.id, RATE_LIMIT_TEXT)
            raise ApplicationHandlerStop

    async def forward(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        chat = update.effective_chat
        user = update.effective_user
        if chat is None or user is None:
            return
        sender = self.sender(user.id)
        async with self._locks.hold(sender):
            if self.handoff is not None:  # handed to a human: the worker answers, the bot stays quiet
                said = await self.handoff.intercept(sender, chat.id, text)
                if said is not None:
                    if said:
                        await context.bot.send_message(chat.id, said)
                    return
            with contextlib.suppress(Exception):
                await context.bot.send_chat_action(chat.id, "typing")
            result = await exchange(self.rasa, sender, text, CHANNEL)
            for shown in result.shown:
                await self.show(context, chat.id, shown)

    async def show(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, shown: Shown) -> None:
        """One message: its text in pieces Telegram accepts, the keyboard under the last piece."""
        parts = chunks(shown.text)
        for i, part in enumerate(parts):
            markup = None
            if i == len(parts) - 1:
                if shown.kind == "multi_select" and shown.options:
                    key = self.selections.add(shown)
                    selection = self.selections.get(key)
                    assert selection is not None
                    markup = toggles(selection, key, self.store)
                else:
                    markup = keyboard(shown, self.store)
            await context.bot.send_message(chat_id, part, reply_markup=markup)

    async def on_toggle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """A tap on a multi-select's option (t:) or its 完成 (d:); False when the data is not one of these."""
        query = update.callback_query
        data = (query.data if query else "") or ""
        if query is None or not data.startswith(("t:", "d:")):
            return False
        parts = data.split(":")
        selection = self.selections.get(parts[1]) if len(parts) >= 2 else None
        if selection is None:
            await query.answer(EXPIRED_BUTTON_TEXT)
            return True
        if data.startswith("t:"):
            index = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else -1
            if 0 <= index < len(selection.shown.options):
                selection.chosen ^= {index}
            await query.answer()
            with contextlib.suppress(Exception):  # an unchanged keyboard or an old message
                await query.edit_message_reply_markup(reply_markup=toggles(selection, parts[1], self.store))
            return True
        self.selections.pop(parts[1])
        await query.answer()
        with contextlib.suppress(Exception):
            await query.edit_message_reply_markup(reply_markup=None)
        await self.forward(update, context, select_payload(selection.shown, selection.chosen))
        return True

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is None:
            return
        await context.bot.send_message(update.effective_chat.id, WELCOME_TEXT)
        await self.forward(update, context, "/greet")

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, HELP_TEXT)

    async def on_restart(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.forward(update, context, "/restart")

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        if len(message.text) > MAX_MESSAGE:
            await context.bot.send_message(message.chat_id, TOO_LONG_TEXT)
            return
        await self.forward(update, context, message.text)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, NON_TEXT_TEXT)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or await self.on_toggle(update, context):
            return
        payload = self.store.decode(query.data or "")
        if payload is None:
            await query.answer(EXPIRED_BUTTON_TEXT)
            return
        await query.answer()
        await self.forward(update, context, payload)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram handler failed: %s", type(context.error).__name__, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            with contextlib.suppress(Exception):
                await context.bot.send_message(update.effective_chat.id, UNAVAILABLE_TEXT)


def build_application(
    config: TelegramConfig, rasa: RasaClient | None = None, handoff: HandoffDesk | None = None
) -> Application:
    builder = ApplicationBuilder().token(config.token).concurrent_updates(32)
    if config.base_url:
        builder = builder.base_url(config.base_url)
    app = builder.build()
    if handoff is None and config.handoff:
        from caselog.db import make_engine

        handoff = HandoffDesk(make_engine(config.database_url))
    bridge = ChatBridge(config, rasa or RasaClient(config.rasa_url), handoff)
    app.bot_data["bridge"] = bridge
    app.add_handler(TypeHandler(Update, bridge.gate), group=-1)
    app.add_handler(CommandHandler("start", bridge.on_start))
    app.add_handler(CommandHandler("help", bridge.on_help))
    app.add_handler(CommandHandler("restart", bridge.on_restart))
    app.add_handler(CallbackQueryHandler(bridge.on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, bridge.on_text))
    app.add_handler(MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, bridge.on_other))
    app.add_error_handler(bridge.on_error)
    return app


def webhook_app(app: Application, config: TelegramConfig) -> Starlette:
    """The HTTP endpoint Telegram posts updates to; requests without the right secret header get 403."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not config.webhook_secret or not hmac.compare_digest(given.encode(), config.webhook_secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, app.bot)
        except Exception:
            return PlainTextResponse("bad update", status_code=400)
        if update is None:
            return PlainTextResponse("bad update", status_code=400)
        await app.update_queue.put(update)
        return Response(status_code=200)

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route(config.webhook_path, receive, methods=["POST"]), Route("/healthz", health, methods=["GET"])]
    )


@contextlib.asynccontextmanager
async def running(app: Application, config: TelegramConfig) -> AsyncIterator[Application]:
    """Start the application in polling or webhook mode; stop everything on exit."""
    bridge: ChatBridge = app.bot_data["bridge"]
    async with app:
        await app.bot.set_my_commands([("start", "开始咨询"), ("help", "使用说明"), ("restart", "重新开始")])
        server: uvicorn.Server | None = None
        task: asyncio.Task[None] | None = None
        if config.mode == "webhook":
            if not config.webhook_url:
                raise SystemExit("TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL")
            await app.bot.set_webhook(
                config.webhook_url, secret_token=config.webhook_secret, allowed_updates=["message", "callback_query"]
            )
            server = uvicorn.Server(
                uvicorn.Config(
                    webhook_app(app, config),
                    host=config.webhook_listen,
                    port=config.webhook_port,
                    log_level="warning",
                    lifespan="off",
                )
            )
            server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
            task = asyncio.create_task(server.serve())
        else:
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=config.poll_interval,
                timeout=config.poll_timeout,
                allowed_updates=["message", "callback_query"],
            )
        await app.start()
        stop_outbox = asyncio.Event()
        outbox = (
            asyncio.create_task(bridge.handoff.run(lambda chat, text: app.bot.send_message(chat, text), stop_outbox))
            if bridge.handoff is not None
            else None
        )
        try:
            yield app
        finally:
            stop_outbox.set()
            if outbox is not None:
                await outbox
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if server is not None and task is not None:
                server.should_exit = True
                await task
            await app.stop()
            await bridge.rasa.aclose()


async def serve(config: TelegramConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app = build_application(config)
    async with running(app, config):
        log.info("Telegram bot running (%s mode)", config.mode)
        await stop.wait()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines would print the bot token
    try:
        config = TelegramConfig.from_env()
    except SaltMissing as exc:
        print(f"telegram: {exc}", file=sys.stderr)
        return 2
    if config is None:
        print("TELEGRAM_BOT_TOKEN is not set: the Telegram bot is not started.")
        return 0
    asyncio.run(serve(config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
