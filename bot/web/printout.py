"""/print: one A4 page for the visitor — the date, rules version, station, their facts in Chinese, what they can
apply for and what to confirm (article, next step, office), what to tell an employer; nothing of the chat."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bot.web.auth import Staff, session_of
from bot.web.chat_api import consultation, sender_of
from bot.web.conversation import Consultation
from bot.web.result_view import result_view
from bot.web.state import app_state
from bot.web.wording import fact_items
from rules import FACTS
from rules.vocabulary import OPINION, chinese_date, parse_iso_date, shanghai_today

router = APIRouter()
MAX_ROWS = 14  # what fits one A4 page with its first step each; the rest is named, not printed in full
MAX_QUESTIONS = 8


def printable(c: Consultation) -> dict[str, Any] | None:
    if c.assessment is None:
        return None
    view = result_view(c.assessment)
    sections = {s["id"]: s for s in view["sections"]}

    def rows(section: str, status: str) -> list[dict[str, Any]]:
        for g in sections.get(section, {}).get("groups", []):
            if g["status"] == status:
                return list(g["rows"])
        return []

    apply, confirm = rows("person", "eligible"), rows("person", "needs_confirmation")
    employer = rows("employer", "eligible") + rows("employer", "needs_confirmation")
    # the questions that would still change an outcome, most decisive first (the chat's plan): a fact each
    missing = list(dict.fromkeys(FACTS[n].label for q in c.plan() for n in q.facts))[:MAX_QUESTIONS]
    shown = apply[:MAX_ROWS]
    room = max(0, MAX_ROWS - len(shown))
    return {
        "as_of": chinese_date(parse_iso_date(view["as_of"])) if view.get("as_of") else "",
        "rules_version": view.get("rules_version") or "",
        "facts": fact_items(c.facts),
        "apply": shown,
        "confirm": confirm[:room],
        "more": len(apply) + len(confirm) - len(shown) - len(confirm[:room]),
        "employer": employer,
        "missing": missing,
    }


@router.get("/print", response_class=HTMLResponse)
async def print_page(request: Request, user: Staff) -> Any:
    state = app_state(request)
    restored = await consultation(state, sender_of(request))
    return state.render(
        request,
        "print.html",
        doc=printable(restored) if restored else None,
        unavailable=restored is None,
        printed=chinese_date(shanghai_today()),
        opinion=OPINION,
        station=session_of(request).station,  # the staff member's station (None for admins)
    )
