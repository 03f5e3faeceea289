"""action_explain_policy, the procedure and out-of-scope answers: what was asked is answered, with custom.explained."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.explain_policy import ActionExplainPolicy
from actions.procedures import ActionAnswerOutOfScope, ActionExplainProcedure
from rules import default_policies
from tests.actions.conftest import AS_OF, make_tracker, slot_events


def policy(*ids: str) -> list[dict[str, Any]]:
    return [{"entity": "policy", "value": i} for i in ids]


async def run(action: Any, domain: dict[str, Any], **kwargs: Any) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, make_tracker(**kwargs), domain)
    return slot_events(events), dispatcher


async def ask(
    domain: dict[str, Any], text: str, entities: list[dict[str, Any]]
) -> tuple[dict[str, Any], CollectingDispatcher]:
    """A question about measures asked outside the form."""
    action = ActionExplainPolicy(today=lambda: AS_OF)
    return await run(action, domain, intent="ask_policy", text=text, entities=entities, active_form=None)


async def test_one_measure_is_explained_with_its_article_quote_and_next_step(domain: dict[str, Any]) -> None:
    action = ActionExplainPolicy(today=lambda: AS_OF)
    slots, dispatcher = await run(
        action,
        domain,
        intent="ask_policy",
        text="公益性岗位是什么",
        entities=policy("public_welfare_post"),
        active_form=None,
    )
    (message,) = dispatcher.messages
    measure = default_policies().get("public_welfare_post")
    assert measure is not None
    assert measure.title in message["text"] and measure.article in message["text"]
    assert measure.shown_quotes[0] in message["text"]
    assert message["custom"] == {"explained": ["public_welfare_post"], "answer": "measure"}
    assert slots["focus"] == ["public_welfare_post"] and slots["check_follows"] is True


async def test_a_family_is_listed_one_line_each(domain: dict[str, Any]) -> None:
    ids = ("graduate_hiring_subsidy", "graduate_social_insurance_subsidy")
    slots, dispatcher = await ask(
        domain, "招高校毕业生单位有什么补贴", [*policy(*ids), {"entity": "audience", "value": "employer"}]
    )
    (message,) = dispatcher.messages
    assert message["custom"]["explained"] == list(ids)
    assert message["text"].count("•") == 2
    assert slots["audience"] == "employer" and slots["focus"] == list(ids)
    # an HR person is told what the company does, not what a job seeker tells a company
    assert "求职面试时可以告诉用人单位" not in message["text"]
    assert "区就业促进中心" in message["text"]


async def test_a_situation_told_without_a_question_is_not_called_a_question(domain: dict[str, Any]) -> None:
    ids = ("reemployment_services", "hardship_subsidies")
    _, told = await ask(domain, "我去年被公司裁了，到现在还没找到工作", policy(*ids))
    _, asked = await ask(domain, "我被裁了，有什么帮扶吗", policy(*ids))
    (told_list,) = [m["text"] for m in told.messages if m.get("custom", {}).get("explained")]
    (asked_list,) = [m["text"] for m in asked.messages if m.get("custom", {}).get("explained")]
    assert told_list.startswith("和您说的情况有关的措施有2项")
    assert asked_list.startswith("和您问的有关的措施有2项")


async def test_the_steps_shown_are_those_of_where_the_person_stands(domain: dict[str, Any]) -> None:
    measure = default_policies().get("unemployment_insurance_benefit")
    assert measure is not None
    _, jobless = await ask(domain, "我失业了，失业金能领吗", policy(measure.id))
    _, receiving = await ask(domain, "我失业了，现在在领失业金，到账晚了怎么办", policy(measure.id))
    (jobless_text,) = [m["text"] for m in jobless.messages if m.get("custom", {}).get("explained")]
    (receiving_text,) = [m["text"] for m in receiving.messages if m.get("custom", {}).get("explained")]
    # not yet receiving: how to apply (the office confirms); receiving: what to watch for
    assert measure.next_steps["needs_confirmation"][0].rstrip("。") in jobless_text
    assert measure.next_steps["eligible"][0].rstrip("。；") in receiving_text
    assert measure.next_steps["eligible"][0].rstrip("。；") not in jobless_text
    # the condition 正在领取 alone would be a riddle to someone asking whether they can get it
    assert "需要到窗口确认的情况：目前失业（尚未领取失业保险金），由失业保险经办机构" in jobless_text


async def test_a_job_seeker_asking_about_an_employer_measure_gets_what_to_tell_the_employer(
    domain: dict[str, Any],
) -> None:
    _, dispatcher = await ask(domain, "一次性吸纳就业补贴是什么", policy("graduate_hiring_subsidy"))
    (message,) = dispatcher.messages
    assert "告诉用人单位" in message["text"]


async def test_facts_in_the_question_are_recorded(domain: dict[str, Any]) -> None:
    slots, dispatcher = await ask(domain, "我跑外卖的，路上摔了有没有保障", policy("platform_worker_injury_protection"))
    assert slots["platform_worker"] is True
    assert "记下了" in dispatcher.messages[0]["text"]


async def test_an_unclear_question_offers_candidates_and_no_check(domain: dict[str, Any]) -> None:
    candidates = [{"entity": "policy_candidate", "value": v} for v in ("hardship_subsidies", "price_temporary_subsidy")]
    slots, dispatcher = await run(
        ActionExplainPolicy(today=lambda: AS_OF), domain, intent="ask_policy", text="有什么补贴", entities=candidates,
        active_form=None,
    )  # fmt: skip
    (message,) = dispatcher.messages
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_policy{"policy": "hardship_subsidies"}',
        '/ask_policy{"policy": "price_temporary_subsidy"}',
    ]
    assert slots["check_follows"] is False and "focus" not in slots


async def test_a_question_inside_the_full_check_does_not_narrow_it(domain: dict[str, Any]) -> None:
    slots, _ = await run(
        ActionExplainPolicy(today=lambda: AS_OF), domain, intent="ask_policy", text="", entities=policy("renren_leye")
    )
    assert "focus" not in slots and slots["check_follows"] is None


async def procedure(
    domain: dict[str, Any], text: str, entities: list[dict[str, Any]]
) -> tuple[dict[str, Any], CollectingDispatcher]:
    return await run(ActionExplainProcedure(), domain, intent="ask_procedure", text=text, entities=entities)


async def test_a_procedure_is_answered_and_sets_no_fact(domain: dict[str, Any]) -> None:
    topic = {"entity": "topic", "value": "unemployment_registration"}
    slots, dispatcher = await procedure(domain, "那我去哪里做失业登记", [topic])
    assert slots == {}
    (message,) = dispatcher.messages
    assert "登记" in message["text"]
    assert "explained" in message["custom"]


async def test_a_procedure_about_a_measure_remembers_the_measure_and_no_fact(domain: dict[str, Any]) -> None:
    topic = {"entity": "topic", "value": "unemployment_insurance_claim"}
    slots, _ = await procedure(domain, "失业金怎么领", [*policy("unemployment_insurance_benefit"), topic])
    assert slots == {"policy": "unemployment_insurance_benefit"}  # 那我能领吗 next is about it


async def test_out_of_scope_says_where_to_ask(domain: dict[str, Any]) -> None:
    _, dispatcher = await run(
        ActionAnswerOutOfScope(),
        domain,
        intent="out_of_scope",
        text="居住证积分怎么算",
        entities=[{"entity": "topic", "value": "residence_points"}],
    )
    (message,) = dispatcher.messages
    assert any(where in message["text"] for where in ("12333", "12345", "服务站"))
    assert message["custom"]["explained"] == [] and message["custom"]["answer"] == "out_of_scope"
