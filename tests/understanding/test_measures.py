"""The measure matcher: questions written for these tests (questions.yml), the API's promises and the data's checks."""

from __future__ import annotations

import ast
import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules import default_policies
from understanding import measures
from understanding.measures import KINDS, QuestionMatch, load_lexicon, match_question, topic_answer
from understanding.normalise import normalise

HERE = Path(__file__).resolve().parent
QUESTIONS = yaml.safe_load((HERE / "questions.yml").read_text(encoding="utf-8"))["questions"]
CATALOGUE = set(default_policies().ids)


def named(match: QuestionMatch) -> set[str]:
    return set(match.candidates if match.kind == "unclear" else match.policy_ids)


def right(question: dict[str, Any], match: QuestionMatch) -> bool:
    expected = set(question.get("measures") or [])
    allowed = expected | set(question.get("also_ok") or [])
    category = question["category"]
    if category == "out_of_scope":
        return match.kind == "out_of_scope"
    if category == "none":
        return match.kind == "none"
    if category == "procedure":
        return match.kind == "procedure" and expected <= named(match)
    return bool(expected) and expected <= named(match) <= allowed


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_question(question: dict[str, Any]) -> None:
    match = match_question(normalise(question["text"]))  # as the channel hands it over
    assert right(question, match), f"{question['text']} → {match}"


def test_the_question_file_names_only_catalogue_measures() -> None:
    for q in QUESTIONS:
        assert set(q.get("measures") or []) | set(q.get("also_ok") or []) <= CATALOGUE, q["id"]


# ------------------------------------------------------------------------------------------------ the API


def test_a_match_is_frozen_and_its_kind_known() -> None:
    match = match_question("见习有补贴吗")
    assert match.kind in KINDS
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.kind = "none"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "？", "😀", "1234567"])
def test_empty_or_meaningless_text_is_none(text: str) -> None:
    match = match_question(text)
    assert match.kind == "none"
    assert match.policy_ids == ()


def test_a_statement_of_facts_is_not_a_question_even_about_unemployment() -> None:
    for text in ("我已经做了失业登记", "我失业三个月了", "我在领失业金", "我是高校毕业生"):
        match = match_question(text)
        assert match.kind == "none", text
        assert match.question is False


def test_a_plight_told_in_several_clauses_reaches_its_measure_without_a_question() -> None:
    match = match_question("我和老婆两个人都下岗了，家里没人上班")
    assert match.kind == "measure" and match.question is False
    assert match.policy_ids == ("zero_employment_family_guarantee",)
    # a name said in a statement is no plight (it is often denied: 没有在领失业金)
    assert match_question("失业两个月了，没有在领失业金").kind == "none"


def test_the_same_facts_asked_as_a_question_reach_the_measure() -> None:
    match = match_question("我在领失业金，还能领几个月？")
    assert match.kind == "measure"
    assert match.question is True
    assert "unemployment_insurance_benefit" in match.policy_ids or "renren_leye" in match.policy_ids


def test_a_need_without_a_question_mark_reaches_a_specific_measure() -> None:
    match = match_question("我送外卖的时候被车撞了，想找平台赔偿")
    assert match.policy_ids[:1] == ("platform_worker_injury_protection",)
    vague = match_question("我想找工作")
    assert vague.kind == "none"


def test_ids_are_ordered_most_relevant_first() -> None:
    match = match_question("招应届生的社会保险补贴和一次性吸纳就业补贴能一起拿吗")
    assert set(match.policy_ids) == {"graduate_hiring_subsidy", "graduate_social_insurance_subsidy"}
    match = match_question("退捕渔民有什么政策")
    assert match.policy_ids[0] == "fisher_support"


@pytest.mark.parametrize(
    "text",
    [
        "我是一家设计公司的HR，招两个应届生有补贴吗",
        "老板想问，店里的社保能缓缴吗",
        "我们单位想招几个失业的人，有什么政策",
        "帮企业问一下以训稳岗补贴",
    ],
)
def test_someone_speaking_for_a_company_is_an_employer(text: str) -> None:
    assert match_question(text).audience == "employer"


@pytest.mark.parametrize(
    "text",
    [
        "公司把我辞退了，失业金怎么领",
        "我被公司裁了有什么补贴吗",
        "应届生有什么补贴",
        "在工地上打工 老板跑了 工钱也没给 有没有人管",  # the writer's boss, not the writer
    ],
)
def test_a_job_seeker_is_a_person(text: str) -> None:
    assert match_question(text).audience == "person"


def test_employer_and_job_seeker_get_their_own_side_of_a_family() -> None:
    employer = match_question("我们公司招高校毕业生有哪些补贴")
    person = match_question("高校毕业生有哪些补贴")
    assert set(employer.policy_ids) == {"graduate_hiring_subsidy", "graduate_social_insurance_subsidy"}
    assert "graduate_job_search_subsidy" in person.policy_ids
    assert not {"graduate_hiring_subsidy", "graduate_social_insurance_subsidy"} & set(person.policy_ids)


def test_a_family_question_names_the_family() -> None:
    match = match_question("就业困难人员有哪些政策")
    assert match.kind == "family"
    assert match.family == "hardship"
    assert {"hardship_subsidies", "public_welfare_post", "hardship_job_guarantee"} <= set(match.policy_ids)


def test_a_question_about_money_narrows_a_family_to_money() -> None:
    match = match_question("认定为就业困难人员以后能拿哪些补贴")
    assert match.kind == "family"
    assert "hardship_subsidies" in match.policy_ids
    assert "hardship_job_guarantee" not in match.policy_ids  # a service, not money


def test_one_topic_beside_a_group_is_that_measure_not_the_family() -> None:
    match = match_question("大学生去当兵有哪些优惠")
    assert match.kind == "measure"
    assert match.policy_ids == ("graduate_enlistment_support",)


def test_what_a_question_already_knows_does_not_make_it_about_that_measure() -> None:
    match = match_question("除了失业金，失业的人还能享受哪些政策")
    assert match.kind == "family"
    assert "reemployment_services" in match.policy_ids
    # 除了 is no negation: the measure named after it is there to be matched
    assert "unemployment_insurance_benefit" in match_question("除了失业金还有别的吗").policy_ids


def test_a_measure_the_groups_words_alone_point_at_keeps_the_family() -> None:
    match = match_question("大学毕业生想创业有哪些支持")
    assert match.kind == "family"
    assert {"graduate_entrepreneurship_support", "entrepreneurship_support"} <= set(match.policy_ids)


def test_a_member_for_part_of_a_group_only_when_that_part_is_said() -> None:
    assert "low_income_graduate_mentoring" not in match_question("毕业生有哪些政策").policy_ids
    assert "low_income_graduate_mentoring" in match_question("低收入家庭的毕业生有哪些政策").policy_ids


def test_an_employers_family_names_hiring_subsidies_only_for_hiring() -> None:
    keeping = match_question("我们公司今年没业务，有哪些政策能帮企业撑下去")
    hiring = match_question("我们公司想招人，有哪些政策")
    hiring_ids = {"graduate_hiring_subsidy", "graduate_social_insurance_subsidy", "unemployed_hiring_subsidy"}
    assert keeping.kind == hiring.kind == "family"
    assert not hiring_ids & set(keeping.policy_ids)
    assert hiring_ids <= set(hiring.policy_ids)


def test_a_member_can_hold_only_without_a_concept(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["families"]["hardship"]["members"] = ["hardship_subsidies", "public_welfare_post if not post_word"]

    lex = load_lexicon(_write(tmp_path, change))
    family = next(f for f in lex.families if f.name == "hardship")
    assert [(m.id, m.only_if, m.unless) for m in family.members] == [
        ("hardship_subsidies", None, False),
        ("public_welfare_post", "post_word", True),
    ]


def test_a_family_question_naming_some_of_its_topics_gets_those() -> None:
    named = match_question("大学生有哪些实习见习的机会")
    assert set(named.policy_ids) == {"internship_program", "yangfan_internship"}
    # ... unless it asks for the whole, or asks for a list in a clause of its own
    whole = match_question("大学生的实习、见习政策，还有别的，全部列一下")
    assert {"graduate_job_search_subsidy", "policy_posts_for_graduates"} <= set(whole.policy_ids)
    beside = match_question("实习和见习我都知道了，大学生还能享受哪些政策")
    assert "graduate_job_search_subsidy" in beside.policy_ids


def test_groups_listed_side_by_side_get_each_groups_family() -> None:
    match = match_question("毕业生、残疾人分别有哪些政策")
    assert match.kind == "family"
    assert {"graduate_job_search_subsidy", "hardship_subsidies"} <= set(match.policy_ids)
    # a topic listed for several groups stays that topic's family
    assert match_question("大学生、残疾人创业分别有哪些支持").family == "startups"


def test_an_unclear_policy_question_offers_two_to_four_candidates() -> None:
    match = match_question("有什么补贴可以申请吗")
    assert match.kind == "unclear"
    assert match.policy_ids == ()
    assert 2 <= len(match.candidates) <= 4
    assert set(match.candidates) <= CATALOGUE


def test_greetings_are_none() -> None:
    for text in ("你好", "在吗", "谢谢", "早上好"):
        assert match_question(text).kind == "none", text


# ------------------------------------------------------------------------------------------------ answers


def test_a_procedure_carries_a_topic_with_an_answer_saying_where() -> None:
    match = match_question("那我去哪里做失业登记")
    assert match.kind == "procedure"
    assert match.topic == "unemployment_registration"
    answer = topic_answer(match)
    assert answer is not None
    assert "街道社区就业服务站" in answer and "12333" in answer


def test_a_procedure_without_a_topic_of_its_own_says_where_from_the_rule() -> None:
    match = match_question("技能提升补贴去哪里申请")
    assert match.kind == "procedure"
    assert match.topic == "apply"
    answer = topic_answer(match)
    policy = default_policies().get(match.policy_ids[0])
    assert policy is not None and policy.confirm_with
    assert answer is not None and policy.confirm_with in answer and policy.title in answer


@pytest.mark.parametrize("text", ["失业金怎么领", "就业困难人员怎么认定", "去哪申请见习"])
def test_the_lead_examples_of_procedures(text: str) -> None:
    match = match_question(text)
    assert match.kind == "procedure", match
    assert topic_answer(match)


def test_out_of_scope_answers_say_where_to_ask() -> None:
    match = match_question("居住证积分怎么算")
    assert match.kind == "out_of_scope"
    assert match.policy_ids == ()
    answer = topic_answer(match)
    assert answer is not None and "12333" in answer


def test_every_topic_answer_names_a_place_to_ask() -> None:
    lex = load_lexicon()
    places = ("12333", "12345", "服务站", "一网通办", "学校", "居（村）委会")
    for topic in (*lex.procedures, *lex.out_of_scope):
        assert any(p in topic.answer for p in places), topic.name


def test_a_measure_asked_about_with_a_procedure_word_outside_the_opinion_stays_out_of_scope() -> None:
    assert match_question("公积金提取去哪里办").kind == "out_of_scope"
    assert match_question("公司的公积金能缓缴吗").policy_ids[:1] == ("employer_cost_relief",)


def test_topic_answer_is_none_for_other_kinds() -> None:
    assert topic_answer(match_question("见习有补贴吗")) is None


# ------------------------------------------------------------------------------------------------ tolerance


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("失业进怎么领", "unemployment_insurance_benefit"),  # 金 → 进
        ("公益行岗位是什么", "public_welfare_post"),  # 性 → 行
        ("人人乐页是干嘛的", "renren_leye"),  # 业 → 页
    ],
)
def test_homophones_that_slip_through_still_match(text: str, measure: str) -> None:
    assert measure in match_question(text).policy_ids


def test_a_long_name_with_one_wrong_character_still_matches() -> None:
    assert "skill_upgrade_subsidy" in match_question("职业技能提升补站是什么").policy_ids


def test_a_long_name_cut_short_does_not_match_by_fuzziness() -> None:
    # 就业困难人员 is a prefix of the name 就业困难人员补贴: the family, not the one measure by a fuzzy name
    match = match_question("就业困难人员能用哪些政策")
    assert match.kind == "family"


def test_negated_words_do_not_count() -> None:
    match = match_question("我不是大学生，年轻人找工作有哪些政策")
    assert match.family == "youth"
    assert "graduate_job_search_subsidy" not in match.policy_ids


def test_a_negated_intention_does_not_count() -> None:
    assert "entrepreneurship_support" not in match_question("我没打算创业，只想找份工作，有什么政策").policy_ids
    assert "entrepreneurship_support" in match_question("你想不想创业？创业有什么扶持").policy_ids
    # 不要 + a noun refuses someone, it does not deny the noun
    assert "epidemic_worker_protection" in match_question("公司说不要阳过的人，合法吗").policy_ids


def test_someone_looking_for_a_job_of_some_kind_is_not_hiring() -> None:
    seeker = match_question("想找个保安之类的活，有什么政策")
    assert seeker.audience == "person"
    assert match_question("店里想找两个服务员，有补贴吗").audience == "employer"


def test_repair_leaves_right_spellings_alone() -> None:
    for text in ("事业单位招聘", "劳动者权益保障方面", "失业金怎么领"):
        assert measures.repair_homophones(text) == text


# ------------------------------------------------------------------------------------------------ data


def test_the_data_covers_every_catalogue_measure() -> None:
    lex = load_lexicon()
    assert {m.id for m in lex.measures} == CATALOGUE


def _write(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(measures.DATA_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "measures.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_unknown_measure_id_in_the_data_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["families"]["hardship"]["members"].append("no_such_measure"))
    with pytest.raises(ValueError, match="no_such_measure"):
        load_lexicon(path)


def test_a_missing_measure_in_the_data_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["measures"].pop("fisher_support"))
    with pytest.raises(ValueError, match="fisher_support"):
        load_lexicon(path)


def test_a_cue_without_a_score_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["measures"]["fisher_support"]["cues"].append({"when": ["fisher"]}))
    with pytest.raises(ValueError, match="fisher_support"):
        load_lexicon(path)


def test_the_matcher_imports_only_what_both_environments_have() -> None:
    allowed = {"yaml", "rapidfuzz", "pypinyin", "rules", "understanding", "__future__"}
    source = Path(measures.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            assert top in allowed or top in sys.stdlib_module_names, name


# ------------------------------------------------------------------------------------------------ answers to the bot


@pytest.mark.parametrize("text", ["退捕渔民？不是，我以前在海上打鱼", "创业？没想过", "公益性岗位？没做过"])
def test_an_answer_that_echoes_the_question_asks_nothing(text: str) -> None:
    match = match_question(text)
    assert match.question is False
    assert match.kind == "none"


def test_saying_where_ones_hukou_is_does_not_make_a_question_about_hukou() -> None:
    match = match_question("我今年48岁，上海户口，失业半年了，想找份工作")
    assert match.kind != "out_of_scope"
    assert match_question("外地户口怎么落户上海").kind == "out_of_scope"


def test_staff_saying_where_they_work_is_not_a_question_about_the_station() -> None:
    match = match_question("我是街道就业服务站的，帮一位居民问：她是刑满释放人员，找工作有什么帮扶")
    assert "community_employment_service" not in match.policy_ids
    assert "hardship_subsidies" in match.policy_ids


@pytest.mark.parametrize("text", ["我在这里住了好几年了", "做了十几年保洁", "我现在不在哺乳期"])
def test_counting_words_and_denials_are_not_questions(text: str) -> None:
    assert match_question(text).question is False


def test_an_unknown_allowance_in_the_data_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["allowances"].append("no_such_allowance"))
    with pytest.raises(ValueError, match="no_such_allowance"):
        load_lexicon(path)


def test_allowances_are_benefits_paid_to_the_person() -> None:
    lex = load_lexicon()
    assert lex.allowances
    assert {lex.kinds[pid] for pid in lex.allowances} == {"benefit"}


@pytest.mark.parametrize("text", ["他刚出狱，能用上哪些就业政策", "用上哪些补贴要看什么条件"])
def test_which_ones_is_not_where(text: str) -> None:
    # 上哪 (where) inside 用上哪些 (which ones can be used)
    assert match_question(normalise(text)).kind != "procedure"


def test_items_side_by_side_each_get_their_measure() -> None:
    match = match_question("长江渔民、低收入农户、农民工分别有什么帮扶")
    assert {"fisher_support", "low_income_rural_support", "migrant_worker_support"} <= set(match.policy_ids)


def test_an_item_read_alone_does_not_bring_a_measure_the_sentence_rules_out() -> None:
    # 企业的失业保险 alone would be the benefit; the sentence is about the employer's contributions
    match = match_question("单位的失业保险和工伤保险是不是可以缓交")
    assert match.policy_ids == ("employer_cost_relief",)


def test_a_laid_off_worker_is_no_employer() -> None:
    assert match_question("下岗职工能拿的钱有哪些").audience == "person"


def test_a_member_can_hold_on_two_conditions(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["families"]["fishers"]["members"] = ["fisher_support", "entrepreneurship_support if startup and not training"]

    lex = load_lexicon(_write(tmp_path, change))
    member = next(f for f in lex.families if f.name == "fishers").members[1]
    hits = measures._Hits(lex, "退捕渔民想开个饭馆")
    assert member.holds(hits)
    assert not member.holds(measures._Hits(lex, "退捕渔民想开个饭馆，先学门技术"))
    assert not member.holds(measures._Hits(lex, "退捕渔民有什么政策"))


@pytest.mark.parametrize("text", ["就业困难人员能去哪些政府安排的岗位？", "失业了可以去哪几种公益岗"])
def test_which_posts_one_can_go_to_is_no_procedure(text: str) -> None:
    assert match_question(text).kind != "procedure"  # 去哪些岗位 asks which posts, not where to go
