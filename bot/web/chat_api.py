"""Chat proxy: staff talk to the Rasa REST channel on a visitor's behalf (metadata channel "web")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.display import Shown, exchange, notice
from bot.identity import sender_id
from bot.render import rows
from bot.web.auth import Staff, csrf_header, session_of, staff_user
from bot.web.state import app_state

router = APIRouter(prefix="/api/chat")
CHANNEL = "web"

MAX_MESSAGE = 1000


class ChatIn(BaseModel):
    message: str = Field(min_length=1, max_length=MAX_MESSAGE)


def message_json(message: Shown) -> dict[str, Any]:
    """One message for chat.js (a reply kind drawn differently adds its fields here)."""
    out: dict[str, Any] = {
        "kind": message.kind,
        "text": message.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons],
        "asks": list(message.asks),
        "explained": list(message.explained),
    }
    assessment = message.assessment
    if assessment is not None:
        out["assessment"] = {
            "as_of": assessment.get("as_of"),
            "rules_version": assessment.get("rules_version"),
            "rows": [r.to_dict() for r in rows(assessment)],
        }
    return out


@router.post("", dependencies=[Depends(staff_user), Depends(csrf_header)])
async def chat(body: ChatIn, request: Request, user: Staff) -> JSONResponse:
    state = app_state(request)
    if not state.chat_limiter.allow(user):
        return _refused("发送太快了，请稍等片刻再试。", 429)
    text = body.message.strip()
    if not text:
        return _refused("请输入内容。", 400)
    sender = sender_id(CHANNEL, session_of(request).conv, state.salt)
    result = await exchange(state.rasa, sender, text, CHANNEL)
    if result.unavailable:
        return JSONResponse({"ok": False, "messages": [message_json(m) for m in result.shown]}, 502)
    return JSONResponse({"ok": True, "messages": [message_json(m) for m in result.shown]})


def _refused(text: str, status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "messages": [message_json(notice(text))]}, status)


@router.post("/reset", dependencies=[Depends(staff_user), Depends(csrf_header)])
async def reset(request: Request) -> dict[str, bool]:
    session_of(request).new_conversation()
    return {"ok": True}
