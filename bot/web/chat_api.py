"""Chat proxy: staff talk to the Rasa REST channel on a visitor's behalf (metadata channel "web")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.identity import sender_id
from bot.rasa_client import UNAVAILABLE_TEXT, BotMessage, RasaUnavailable
from bot.render import rows
from bot.web.auth import Staff, csrf_header, session_of, staff_user
from bot.web.state import app_state

router = APIRouter(prefix="/api/chat")

MAX_MESSAGE = 1000


class ChatIn(BaseModel):
    message: str = Field(min_length=1, max_length=MAX_MESSAGE)


def message_json(message: BotMessage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": message.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons],
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
        return JSONResponse({"ok": False, "messages": [{"text": "发送太快了，请稍等片刻再试。", "buttons": []}]}, 429)
    text = body.message.strip()
    if not text:
        return JSONResponse({"ok": False, "messages": [{"text": "请输入内容。", "buttons": []}]}, 400)
    sender = sender_id("web", session_of(request).conv, state.salt)
    try:
        replies = await state.rasa.send(sender, text, {"channel": "web"})
    except RasaUnavailable:
        return JSONResponse({"ok": False, "messages": [{"text": UNAVAILABLE_TEXT, "buttons": []}]}, 502)
    return JSONResponse({"ok": True, "messages": [message_json(m) for m in replies]})


@router.post("/reset", dependencies=[Depends(staff_user), Depends(csrf_header)])
async def reset(request: Request) -> dict[str, bool]:
    session_of(request).new_conversation()
    return {"ok": True}
