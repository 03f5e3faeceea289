"""One notion of a day: `caselog list/counts/replay` and the web pages take a date as a Shanghai day.

The cases below start minutes before and after midnight, in UTC and in Shanghai (UTC+8), so that a
filter reading the date as a UTC day would select other cases than one reading it as a Shanghai day.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.bot.conftest import add_case
from tests.bot.standins import canned_assessment

REPO = Path(__file__).resolve().parents[2]
UTC = dt.UTC

STARTS = {  # name: start in UTC (the assessment follows one minute later)
    "june_30_late": dt.datetime(2022, 6, 30, 15, 40, tzinfo=UTC),  # 23:40 on 30 June in Shanghai
    "july_1_early": dt.datetime(2022, 6, 30, 16, 20, tzinfo=UTC),  # 00:20 on 1 July in Shanghai, 30 June in UTC
    "july_1_late": dt.datetime(2022, 7, 1, 15, 40, tzinfo=UTC),  # 23:40 on 1 July in Shanghai
    "july_2_early": dt.datetime(2022, 7, 1, 16, 20, tzinfo=UTC),  # 00:20 on 2 July in Shanghai, 1 July in UTC
}
JULY_1_IN_SHANGHAI = {"july_1_early", "july_1_late"}


@pytest.fixture()
def cases(engine: sa.Engine) -> dict[str, int]:
    return {name: add_case(engine, channel="web", started=start) for name, start in STARTS.items()}


def caselog(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "CASELOG_SALT": "day-test-salt"}
    proc = subprocess.run(
        [sys.executable, "-m", "caselog", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_cli_and_web_select_the_same_cases_for_a_day(
    staff_client: TestClient, db_url: str, cases: dict[str, int]
) -> None:
    expected = {cases[name] for name in JULY_1_IN_SHANGHAI}
    day = {"since": "2022-07-01", "until": "2022-07-01"}

    web = {c["id"] for c in staff_client.get("/api/cases", params=day).json()["cases"]}
    listed = json.loads(
        caselog(db_url, "list", "--since", day["since"], "--until", day["until"], "--format", "json").stdout
    )
    assert web == expected
    assert {c["id"] for c in listed} == expected

    page = staff_client.get("/cases", params=day).text
    for name, case_id in cases.items():
        assert (f'/cases/{case_id}"' in page) == (name in JULY_1_IN_SHANGHAI)

    only_since = {c["id"] for c in staff_client.get("/api/cases", params={"since": "2022-07-02"}).json()["cases"]}
    assert only_since == {cases["july_2_early"]}
    cli_since = json.loads(caselog(db_url, "list", "--since", "2022-07-02", "--format", "json").stdout)
    assert {c["id"] for c in cli_since} == only_since


def test_replay_and_counts_use_the_same_day(staff_client: TestClient, db_url: str, cases: dict[str, int]) -> None:
    report = json.loads(
        caselog(db_url, "replay", "--since", "2022-07-01", "--until", "2022-07-01", "--format", "json").stdout
    )
    assert report["assessments"] == len(JULY_1_IN_SHANGHAI)

    counted = json.loads(
        caselog(db_url, "counts", "--since", "2022-06-30", "--until", "2022-07-02", "--format", "json").stdout
    )
    per_day: dict[str, int] = {}
    for row in counted:
        per_day[row["bucket"]] = per_day.get(row["bucket"], 0) + row["count"]
    chart = staff_client.get("/api/stats", params={"since": "2022-06-30", "until": "2022-07-02"}).json()
    consultations = {b["bucket"]: b["consultations"] for b in chart["buckets"]}  # the web counts consultations
    assert sorted(consultations) == sorted(per_day) == ["2022-06-30", "2022-07-01", "2022-07-02"]
    results_per_case = len(canned_assessment()["results"])  # one assessment per case, every measure in it
    assert per_day == {
        "2022-06-30": results_per_case,
        "2022-07-01": 2 * results_per_case,
        "2022-07-02": results_per_case,
    }
    assert {day: n * results_per_case for day, n in consultations.items()} == per_day
