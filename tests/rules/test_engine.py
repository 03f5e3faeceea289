"""assess(): statuses, reasons, missing facts, dates — on the real policy files."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from rules import STATUSES, PolicySet, assess, default_policies
from rules.conditions import describe_inline, parse
from rules.facts import FACTS

JULY = dt.date(2022, 7, 1)


def result(facts: dict, policy_id: str, as_of: dt.date = JULY):  # type: ignore[no-untyped-def]
    return assess(facts, as_of).by_id()[policy_id]


def test_every_measure_answers_once_with_a_contract_status() -> None:
    out = assess({}, JULY)
    assert [r.policy_id for r in out.results] == default_policies().ids
    assert all(r.status in STATUSES for r in out.results)


def test_an_empty_policy_set_is_used_not_replaced_by_the_shipped_one() -> None:
    empty = PolicySet((), "empty@0")
    out = assess({}, JULY, empty)
    assert out.results == ()
    assert out.rules_version == "empty@0"


def test_contract_shape_of_the_json() -> None:
    data = assess({"employment_status": "unemployed"}, JULY).to_dict()
    assert data["as_of"] == "2022-07-01"
    assert data["rules_version"] == default_policies().version
    for r in data["results"]:
        assert {"policy_id", "status", "article", "reasons", "missing_facts", "next_steps"} <= set(r)
        assert r["reasons"] and r["next_steps"]
        assert r["reasons"][0].startswith(f"《意见》{r['article']}")


def test_absent_facts_give_needs_info_naming_them_never_a_default() -> None:
    r = result({"employment_status": "unemployed"}, "unemployed_hiring_subsidy")
    assert r.status == "needs_info"
    assert r.missing_facts == ("unemployed_months",)
    empty = assess({}, JULY)
    for r in empty.results:
        if r.status == "needs_info":
            assert r.missing_facts, r.policy_id
            assert all(m in FACTS for m in r.missing_facts)
        else:
            assert not r.missing_facts


def test_needs_info_is_only_given_with_missing_facts_and_settles_when_they_are_told() -> None:
    # Telling every missing fact (with any value) must move a measure out of needs_info.
    for r in assess({}, JULY).results:
        if r.status != "needs_info":
            continue
        facts: dict = {}
        for _ in range(10):
            current = assess(facts, JULY).by_id()[r.policy_id]
            if current.status != "needs_info":
                break
            for name in current.missing_facts:
                facts[name] = _some_value(name)
        assert assess(facts, JULY).by_id()[r.policy_id].status != "needs_info", r.policy_id


def _some_value(name: str) -> object:
    fact = FACTS[name]
    if fact.type == "bool":
        return False
    if fact.type == "int":
        return fact.minimum or 0
    if fact.type == "enum":
        return fact.choices[0]
    return [] if fact.type == "list" else "其他"


@pytest.mark.parametrize(("months", "status"), [(2, "needs_confirmation"), (3, "eligible"), (0, "needs_confirmation")])
def test_unemployment_threshold_boundary(months: int, status: str) -> None:
    r = result({"employment_status": "unemployed", "unemployed_months": months}, "unemployed_hiring_subsidy")
    assert r.status == status


def test_threshold_is_a_dated_parameter_cited_to_the_article() -> None:
    policy = default_policies().get("unemployed_hiring_subsidy")
    assert policy is not None
    param = policy.parameters["min_unemployed_months"]
    assert param.at(JULY) == 3
    reference = param.value_at(JULY).reference
    assert (reference.document, reference.article) == ("opinion", "四(二)")
    assert "失业3个月及以上" in reference.quote


def test_belonging_to_a_group_is_not_being_certified() -> None:
    group_only = result({"hardship_certified": False, "hardship_groups": ["disabled"]}, "hardship_subsidies")
    certified = result({"hardship_certified": True}, "hardship_subsidies")
    assert group_only.status == "needs_confirmation"
    assert any("认定" in reason for reason in group_only.reasons)
    assert any("街道社区就业服务站" in step for step in group_only.next_steps)
    assert certified.status == "eligible"


@pytest.mark.parametrize(("day", "status"), [(dt.date(2022, 12, 31), "eligible"), (dt.date(2023, 1, 1), "expired")])
def test_2022_bound_measure_expires_after_the_year(day: dt.date, status: str) -> None:
    r = result({"hardship_certified": True}, "temporary_public_welfare_post", day)
    assert r.status == status
    if status == "expired":
        assert any("2022年12月31日" in reason for reason in r.reasons)


@pytest.mark.parametrize(
    ("day", "year", "final_year", "status"),
    [
        (dt.date(2022, 12, 31), 2022, None, "eligible"),
        (dt.date(2023, 1, 1), 2022, None, "needs_confirmation"),  # the same graduate, now of an earlier year
        (dt.date(2022, 9, 1), 2023, True, "eligible"),  # graduating next year, in the graduating year now
        (dt.date(2022, 9, 1), 2023, None, "needs_info"),  # … asked, not assumed
        (dt.date(2023, 3, 1), 2024, False, "not_eligible"),  # graduating next year, not in the graduating year
        (dt.date(2022, 9, 1), 2026, False, "not_eligible"),  # years ahead: not a graduate of the year
    ],
)
def test_graduates_of_the_evaluation_year_differ_from_earlier_ones(
    day: dt.date, year: int, final_year: bool | None, status: str
) -> None:
    facts = {"is_college_graduate": True, "graduation_year": year, "in_graduating_year": final_year}
    r = result(facts, "graduate_hiring_subsidy", day)
    assert r.status == status
    if status == "needs_confirmation":
        assert any("往届" in reason for reason in r.reasons)
        assert any("区就业促进中心" in reason for reason in r.reasons)
    if status == "needs_info":
        assert r.missing_facts == ("in_graduating_year",)


def test_a_final_year_student_who_says_not_a_graduate_is_not_refused() -> None:
    facts = {"employment_status": "student", "in_graduating_year": True, "is_college_graduate": False}
    out = assess(facts, dt.date(2022, 10, 10)).by_id()
    for pid in ("graduate_job_search_subsidy", "graduate_hiring_subsidy", "policy_posts_for_graduates"):
        assert out[pid].status == "needs_confirmation", pid
        assert any("毕业学年在校生" in reason for reason in out[pid].reasons)
    assert out["unemployed_graduate_service"].status == "not_eligible"  # not yet left school


def test_a_graduate_who_does_not_say_the_year_is_asked_not_assumed() -> None:
    r = result({"is_college_graduate": True}, "unemployed_graduate_service")
    assert (r.status, r.missing_facts) == ("needs_info", ("employment_status", "graduation_year"))


def test_expired_measures_are_never_a_silent_yes() -> None:
    late = dt.date(2026, 11, 23)
    for policy in default_policies():
        if policy.effective_until is not None:
            for facts in ({}, {"employment_status": "unemployed", "hardship_certified": True}):
                assert result(facts, policy.id, late).status == "expired"


@pytest.mark.parametrize("day", [dt.date(2022, 6, 24), dt.date(2022, 6, 25), dt.date(2022, 6, 26)])
def test_before_the_opinion_nothing_applies(day: dt.date) -> None:
    # 2022-06-25 is the date printed on the opinion; it took effect when issued, on 2022-06-27.
    out = assess({"employment_status": "unemployed", "unemployed_months": 6}, day)
    assert {r.status for r in out.results} == {"not_eligible"}
    assert "本意见自印发之日起施行" in out.results[0].reasons[0]
    assert "2022年6月27日正式印发施行" in out.results[0].reasons[0]


def test_the_opinion_applies_from_the_day_it_was_issued() -> None:
    out = assess({"employment_status": "unemployed", "unemployed_months": 6}, dt.date(2022, 6, 27)).by_id()
    assert out["unemployed_hiring_subsidy"].status == "eligible"


def test_the_quote_of_a_result_is_shown_with_the_stored_texts_corrections() -> None:
    r = result({"starting_business": True}, "entrepreneurship_support")
    assert "创业扶持政策和资金支持" in r.quote
    assert " and " not in r.quote


def test_the_date_is_an_input_not_the_clock() -> None:
    facts = {"hardship_certified": True}
    a = assess(facts, dt.date(2022, 8, 1)).by_id()["temporary_public_welfare_post"].status
    b = assess(facts, dt.date(2024, 8, 1)).by_id()["temporary_public_welfare_post"].status
    assert (a, b) == ("eligible", "expired")
    with pytest.raises(TypeError):
        assess(facts, "2022-08-01")  # type: ignore[arg-type]


def test_not_eligible_reasons_say_which_condition_failed() -> None:
    r = result({"employment_status": "employed"}, "unemployed_hiring_subsidy")
    assert r.status == "not_eligible"
    assert any("不符合" in reason and "在职" in reason for reason in r.reasons)


def test_assessment_is_deterministic() -> None:
    facts = {"age": 45, "employment_status": "unemployed", "unemployed_months": 4, "hardship_groups": []}
    assert assess(facts, JULY).to_dict() == assess(facts, JULY).to_dict()


def test_every_status_is_reachable_somewhere_in_the_catalogue() -> None:
    seen = set()
    samples = [
        {},
        {"employment_status": "unemployed", "unemployed_months": 2},
        {"employment_status": "employed", "hardship_certified": False, "hardship_groups": []},
        {"hardship_certified": True},
    ]
    for facts, day in itertools.product(samples, (JULY, dt.date(2023, 6, 1))):
        seen |= {r.status for r in assess(facts, day).results}
    assert seen == set(STATUSES)


def test_not_belonging_to_a_group_says_where_the_two_undefined_groups_are_decided() -> None:
    # No age for 大龄失业人员, no duration for 长期失业青年 in the opinion: say who decides, invent neither.
    facts = {"age": 50, "employment_status": "unemployed", "hardship_certified": False, "hardship_groups": []}
    out = assess(facts, dt.date(2022, 9, 1)).by_id()
    for pid in ("hardship_subsidies", "public_welfare_post"):
        r = out[pid]
        assert r.status == "not_eligible"
        explanation = r.reasons[0]
        assert "大龄失业人员" in explanation and "长期失业青年" in explanation
        assert "街道社区就业服务站" in explanation and "认定" in explanation
        assert not any(ch.isdigit() for ch in explanation), explanation  # no age, no number of months
        assert any("申请就业困难人员认定" in step for step in r.next_steps)


def test_a_working_low_income_household_is_not_refused_the_one_off_living_subsidy() -> None:
    facts = {"employment_status": "employed", "minimum_living_allowance": True}
    r = result(facts, "price_temporary_subsidy")
    assert r.status == "needs_confirmation"
    assert any("低保对象" in reason for reason in r.reasons)


def test_a_condition_in_one_line_keeps_its_grouping() -> None:
    raw = {
        "all": [
            {"fact": "is_college_graduate", "is": True, "label": "高校毕业生"},
            {
                "any": [
                    {"fact": "graduation_year", "is": 2022, "label": "今年毕业"},
                    {
                        "all": [
                            {"fact": "graduation_year", "is": 2023, "label": "明年毕业"},
                            {"fact": "in_graduating_year", "is": True, "label": "毕业学年在校生"},
                        ]
                    },
                ]
            },
        ]
    }
    cond = parse(raw, "test", set())
    assert describe_inline(cond, {}) == "高校毕业生且（今年毕业或（明年毕业且毕业学年在校生））"
