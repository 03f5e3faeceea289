"""The words every part of the assistant shares: the opinion's name, the statuses, dates and "a day".

One home for what the rules, the actions, the channels, the case log and the web app would otherwise each
spell out again. Standard library only, so that any process (also the Rasa server's) may import it.

- The opinion: `OPINION_TITLE` (《…》), `OPINION_NUMBER` (沪府规〔2022〕6号), `OPINION` (both).
- Statuses: `STATUSES` in display order (what a person can act on first), `STATUS_LABELS` (Chinese
  headings), `ACTIONABLE` (the ones a chat shows in detail), `status_label`, `status_rank`, `by_status`.
- Dates: `parse_iso_date` (the one YYYY-MM-DD reader), `date_argument` (the same for argparse),
  `chinese_date` (2022年7月1日).
- Time: `SHANGHAI` (UTC+8, no daylight saving). A day is a Shanghai day everywhere: `day_start` /
  `day_end` turn a date into the bounds of that day, `shanghai_today`, `local_time` for display.
- Channels: `CHANNEL_LABELS`, the channel names the case log records, with the label staff see.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

OPINION_TITLE = "《关于做好本市当前和今后一个时期稳就业工作的意见》"
OPINION_NUMBER = "沪府规〔2022〕6号"
OPINION = f"{OPINION_TITLE}（{OPINION_NUMBER}）"

# Display order: what a person can act on first.
STATUS_LABELS: dict[str, str] = {
    "eligible": "可以申请",
    "needs_confirmation": "需要到窗口确认",
    "needs_info": "还需要的信息",
    "not_eligible": "暂不符合",
    "expired": "已到期",
}
STATUSES: tuple[str, ...] = tuple(STATUS_LABELS)
ACTIONABLE: tuple[str, ...] = ("eligible", "needs_confirmation", "needs_info")

SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")  # China keeps no daylight saving time

CHANNEL_LABELS: dict[str, str] = {
    "web": "网页",
    "telegram": "Telegram",
    "terminal": "终端",
    "rest": "REST",
    "cmdline": "命令行",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def status_rank(status: str | None) -> int:
    """Position in display order; unknown statuses go last."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


Item = TypeVar("Item", bound=_HasStatus)


def by_status(items: Iterable[Item], statuses: Iterable[str] = STATUSES) -> list[tuple[str, list[Item]]]:
    """(status, its items) in the order of `statuses` (display order), statuses without items left out."""
    items = list(items)
    groups = [(status, [item for item in items if item.status == status]) for status in statuses]
    return [(status, group) for status, group in groups if group]


def parse_iso_date(value: object) -> dt.date:
    """A date from a `date` (YAML gives those) or a YYYY-MM-DD string; ValueError names the bad value."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"bad date {value!r} (use YYYY-MM-DD)") from None


def date_argument(text: str) -> dt.date:
    """argparse `type=` for a YYYY-MM-DD option."""
    try:
        return parse_iso_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def day_start(day: dt.date) -> dt.datetime:
    """00:00 Shanghai time of `day`, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI)


def day_end(day: dt.date) -> dt.datetime:
    """00:00 Shanghai time of the day after `day`: the exclusive upper bound of that day."""
    return day_start(day + dt.timedelta(days=1))


def shanghai_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Shanghai at `now` (default: the wall clock; rules never call this, they are given a date)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(SHANGHAI).date()


def local_time(moment: dt.datetime | None, seconds: bool = False) -> str:
    """A moment as Shanghai wall-clock time, 2022-07-01 10:00 ("" for None; naive means UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
