"""统计: consultations (cases) and people over time, and per measure the share that could apply or must confirm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from bot.web.auth import Staff, Visible
from bot.web.channel_filter import channel_key, channel_options, channels_for
from bot.web.state import DB, app_state
from caselog.access import Scope
from caselog.consultations import ConsultationStats, consultation_stats
from rules.vocabulary import parse_iso_date, shanghai_today

router = APIRouter()
BUCKETS = {"day": "按日", "week": "按周", "month": "按月"}
DEFAULT_DAYS = 30


def _date(value: str | None, default: dt.date | None) -> dt.date | None:
    try:
        return parse_iso_date(value) if value else default
    except ValueError:
        return default


def _query(request: Request, session: DB, scope: Scope) -> tuple[dict[str, Any], ConsultationStats]:
    q = request.query_params
    today = shanghai_today()
    f = {
        "since": _date(q.get("since"), today - dt.timedelta(days=DEFAULT_DAYS - 1)),
        "until": _date(q.get("until"), today),
        "bucket": q.get("bucket") if q.get("bucket") in BUCKETS else "day",
        "channel": channel_key(q.get("channel")),
    }
    stats = consultation_stats(
        session,
        since=f["since"],
        until=f["until"],
        bucket=f["bucket"],
        channels=channels_for(f["channel"]),
        policy_ids=list(app_state(request).titles),
        scope=scope,
    )
    return f, stats


def view(stats: ConsultationStats, titles: dict[str, str]) -> dict[str, Any]:
    """The page's figures: bar widths in percent of the largest bucket, shares in percent of assessed cases."""
    top = max((b.consultations for b in stats.buckets), default=0) or 1
    return {
        "buckets": [{**b.to_dict(), "width": round(100 * b.consultations / top, 1)} for b in stats.buckets],
        "measures": [
            {
                **m.to_dict(),
                "title": titles.get(m.policy_id, m.policy_id),
                "eligible_pct": round(100 * m.share("eligible")),
                "confirm_pct": round(100 * m.share("needs_confirmation")),
                "eligible_width": round(100 * m.share("eligible"), 1),
                "confirm_width": round(100 * m.share("needs_confirmation"), 1),
            }
            for m in stats.measures
        ],
    }


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, user: Staff, scope: Visible, session: DB) -> Any:
    f, stats = _query(request, session, scope)
    state = app_state(request)
    return state.render(
        request,
        "stats.html",
        f=f,
        stats=stats,
        figures=view(stats, state.titles),
        buckets=BUCKETS,
        channel_options=channel_options(),
    )


@router.get("/api/stats")
def stats_api(request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    f, stats = _query(request, session, scope)
    titles = app_state(request).titles
    data = stats.to_dict()
    for m in data["measures"]:
        m["title"] = titles.get(m["policy_id"], m["policy_id"])
    data.update(since=f["since"].isoformat(), until=f["until"].isoformat(), channel=f["channel"] or "real")
    return JSONResponse(data)
