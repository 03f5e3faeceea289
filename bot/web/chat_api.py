"""Chat proxy: staff talk to the Rasa REST channel on a visitor's behalf (metadata channel "web").

Every reply carries the form's state read back from the tracker (the facts the bot holds and the questions
that still change an outcome); GET /api/chat/state rebuilds the whole consultation after a page change.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.display import exchange, notice
from bot.identity import sender_id
from bot.rasa_client import RasaUnavailable
from bot.web.auth import Staff, csrf_header, session_of, staff_user
from bot.web.conversation import Consultation, from_tracker, shown_json
from bot.web.conversation import form_state as build_form_state
from bot.web.result_view import result_view
from bot.web.state import AppState, app_state

router = APIRouter(prefix="/api/chat")
CHANNEL = "web"

MAX_MESSAGE = 2000  # the same cap as the REST channel's (rasa_ext.guard) and Telegram's
TOO_LONG_TEXT = f"这条消息太长了（超过{MAX_MESSAGE}字），请分几次、简短地描述情况。"
TRACKER_DOWN = "暂时读不到这次咨询的记录（Rasa 接口不可用），对话可以继续。"


class ChatIn(BaseModel):
    message: str = Field(min_length=1)  # longer than MAX_MESSAGE gets a friendly reply; the body cap is 64 KB
    # the title of the button or form control that produced `message` (kept as what the person said)
    shown: str | None = Field(default=None, max_length=200)


def sender_of(request: Request) -> str:
    return sender_id(CHANNEL, session_of(request).conv, app_state(request).salt)


def _refused(text: str, status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "messages": [shown_json(notice(text))]}, status)


async def consultation(state: AppState, sender: str) -> Consultation | None:
    try:
        return from_tracker(await state.rasa.tracker(sender, state.rasa_api_token()))
    except RasaUnavailable:
        return None


@router.post("", dependencies=[Depends(staff_user), Depends(csrf_header)])
async def chat(body: ChatIn, request: Request, user: Staff) -> JSONResponse:
    state = app_state(request)
    if not state.chat_limiter.allow(user):
        return _refused("发送太快了，请稍等片刻再试。", 429)
    text = body.message.strip()
    if not text:
        return _refused("请输入内容。", 400)
    if len(text) > MAX_MESSAGE:
        return _refused(TOO_LONG_TEXT, 400)
    sender = sender_of(request)
    metadata = {"tapped": body.shown.strip()} if body.shown and body.shown.strip() else {}
    if session_of(request).station:
        metadata["station"] = session_of(request).station  # the case belongs to this station (caselog.access)
    result = await exchange(state.rasa, sender, text, CHANNEL, metadata=metadata or None)
    if result.unavailable:
        return JSONResponse({"ok": False, "messages": [shown_json(m) for m in result.shown]}, 502)
    restored = await consultation(state, sender)
    return JSONResponse(
        {
            "ok": True,
            "messages": [shown_json(m) for m in result.shown],
            "form": build_form_state(restored) if restored else None,
            "notice": None if restored else TRACKER_DOWN,
        }
    )


@router.get("/state", dependencies=[Depends(staff_user)])
async def chat_state(request: Request) -> JSONResponse:
    """The consultation so far (after navigation): its messages, latest assessment and form."""
    restored = await consultation(app_state(request), sender_of(request))
    if restored is None:
        return JSONResponse({"ok": False, "messages": [], "assessment": None, "form": None, "notice": TRACKER_DOWN})
    return JSONResponse(
        {
            "ok": True,
            "messages": restored.messages,
            "assessment": result_view(restored.assessment) if restored.assessment else None,
            "form": build_form_state(restored),
            "notice": None,
        }
    )


@router.post("/reset", dependencies=[Depends(staff_user), Depends(csrf_header)])
async def reset(request: Request) -> dict[str, bool]:
    session_of(request).new_conversation()
    return {"ok": True}
