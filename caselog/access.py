"""Who may see which cases: admins (and the local CLI) every case, station staff their station's only.

A widget consultation carries the station of the staff member who held it; a Telegram consultation
has no station until one takes it over (`queries.assign_station`), and until then only admins see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from caselog.models import Case


@dataclass(frozen=True)
class Scope:
    station: str | None = None
    every: bool = False

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        if self.every:
            return []
        if self.station is None:
            return [sa.false()]
        return [Case.station == self.station]

    def allows(self, case: Any) -> bool:
        return self.every or (self.station is not None and case.station == self.station)


EVERY_STATION = Scope(every=True)


def scope_of(role: str, station: str | None) -> Scope:
    return EVERY_STATION if role == "admin" else Scope(station=station)
