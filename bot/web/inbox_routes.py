"""漏答: what the bot missed, grouped and counted, and its export as Rasa NLU YAML for annotation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.web.auth import Staff, Visible
from bot.web.channel_filter import channel_key, channel_options, channels_for
from bot.web.state import DB, app_state
from caselog.access import Scope
from caselog.inbox import REASON_LABELS, Missed, missed_messages, nlu_yaml
from rules.vocabulary import parse_iso_date, shanghai_today

router = APIRouter()
DEFAULT_DAYS = 30


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return parse_iso_date(value) if value else default
    except ValueError:
        return default


def _query(request: Request, session: DB, scope: Scope) -> tuple[dict[str, Any], list[Missed]]:
    q = request.query_params
    today = shanghai_today()
    f = {
        "since": _date(q.get("since"), today - dt.timedelta(days=DEFAULT_DAYS - 1)),
        "until": _date(q.get("until"), today),
        "channel": channel_key(q.get("channel")),
    }
    found = missed_messages(
        session, since=f["since"], until=f["until"], channels=channels_for(f["channel"]), scope=scope
    )
    return f, found


def _query_string(f: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({"since": f["since"].isoformat(), "until": f["until"].isoformat(), "channel": f["channel"]})


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(request: Request, user: Staff, scope: Visible, session: DB) -> Any:
    f, found = _query(request, session, scope)
    return app_state(request).render(
        request,
        "inbox.html",
        f=f,
        missed=found,
        reasons=REASON_LABELS,
        export_query=_query_string(f),
        channel_options=channel_options(),
    )


@router.get("/api/inbox")
def inbox_api(request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    _, found = _query(request, session, scope)
    return JSONResponse({"missed": [m.to_dict() for m in found]})


@router.get("/inbox/nlu.yml")
def inbox_export(request: Request, user: Staff, scope: Visible, session: DB) -> Response:
    f, found = _query(request, session, scope)
    title = f"机器人没接住的说法（个案日志，已脱敏）：{f['since']} 至 {f['until']}，{len(found)} 种说法"
    name = f"missed-{f['since']}-{f['until']}.yml"
    return Response(
        nlu_yaml(found, title=title),
        media_type="text/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
