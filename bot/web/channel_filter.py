"""The channel filter of the case list and the statistics: it opens on the channels people use."""

from __future__ import annotations

from caselog.consultations import REAL_CHANNELS
from rules.vocabulary import CHANNEL_LABELS

ALL = "all"


def channel_options() -> list[tuple[str, str]]:
    """(value, label) for the select: real channels first (the default), then everything, then each one."""
    real = "和".join(CHANNEL_LABELS.get(c, c) for c in REAL_CHANNELS)
    return [("", f"{real}（实际咨询）"), (ALL, "全部（含测试和工具渠道）"), *CHANNEL_LABELS.items()]


def channels_for(value: str | None) -> tuple[str, ...] | None:
    """The channels a filter value selects; None means every channel. Unknown values fall back to the default."""
    if value == ALL:
        return None
    if value in CHANNEL_LABELS:
        return (value,)
    return REAL_CHANNELS


def channel_key(value: str | None) -> str:
    return value if value == ALL or value in CHANNEL_LABELS else ""
