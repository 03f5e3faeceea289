"""General reading rules (polarity, echoes, speakers, employers), each with sentences written for these tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from understanding.facts import read
from understanding.normalise import normalise

AS_OF = dt.date(2022, 9, 1)


def facts(text: str, **kwargs: Any) -> dict[str, Any]:
    return read(normalise(text), as_of=AS_OF, **kwargs).facts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a double negation is a yes; a negation after the phrase with a subject between
        ("也不是不想干活，就是腰不好", {"wants_job": True}),
        ("残疾人我不是，低保我家也不是", {"minimum_living_allowance": False}),
        # echoes of a key word, then the answer
        ("上班？没有啊", {"employment_status": "unemployed"}),
        ("工作？有的", {"employment_status": "employed"}),
        ("失业登记？没去过", {"registered_unemployed": False}),
        ("困难人员认定呢，还没有", {"hardship_certified": False}),
        ("戒毒？没有的事", {}),  # a group is a list, not a yes/no fact: nothing
        ("哺乳期？没有的事", {"pregnant_or_nursing": False}),
    ],
)
def test_polarity_and_echoes(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


def test_the_writer_among_those_a_clause_speaks_of() -> None:
    assert facts("我老公跟我都被裁了") == {"employment_status": "unemployed"}
    assert facts("女儿和我都没工作") == {"employment_status": "unemployed"}
    assert facts("我女儿没工作") == {}  # only the daughter


def test_a_message_for_a_relative_states_the_relative() -> None:
    assert facts("替我弟弟问问，他今年二十六，大专毕业，没工作") == {
        "age": 26,
        "is_college_graduate": True,
        "employment_status": "unemployed",
    }
    assert facts("我侄子在技校读书，他能不能领补贴") == {
        "vocational_school_student": True,
        "employment_status": "student",
    }
    assert facts("我妈退休了，她能不能领补贴，我自己也在找工作") == {"wants_job": True}  # not a proxy: the writer too


def test_answers_said_with_a_time_word_before_the_no() -> None:
    assert facts("目前不考虑", asked=["wants_job"]) == {"wants_job": False}


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("我们是开火锅店的，想招两个服务员", "餐饮"),  # 开…店 is a business, 火锅店 its industry
        ("我们剧院想招几个人", "文体娱乐"),
        ("我们小超市要招收银员", "零售"),
    ],
)
def test_employers_and_their_industry(text: str, industry: str) -> None:
    assert facts(text) == {"employer_industry": industry}


def test_a_parent_is_not_an_employer() -> None:
    assert read(normalise("我们做父母的很着急，儿子一直没找到工作"), as_of=AS_OF).audience is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a degree word alone while studying is not a degree
        ("我是master student，研二", {"employment_status": "student", "in_graduating_year": False}),
        ("读研一，老家南京", {"employment_status": "student", "in_graduating_year": False, "shanghai_hukou": False}),
        # a graduation told in one clause, the degree in another
        (
            "去年刚毕业，本科是在武汉读的",
            {"graduation_year": 2021, "is_college_graduate": True, "graduated_from_shanghai_college": False},
        ),
        # a year said after a graduation, in a clause of its own; a month between the year word and 毕业
        ("研究生毕业的，19年", {"is_college_graduate": True, "graduation_year": 2019}),
        ("今年六月份从学校正式毕业，是大专", {"graduation_year": 2022, "is_college_graduate": True}),
        # an age said with 了 and more words after it
        ("都五十三了还没找到工作", {"age": 53, "employment_status": "unemployed"}),
        # a province beside 老家, a college named after the city it is in
        ("学校在河南老家那边", {"shanghai_hukou": False, "graduated_from_shanghai_college": False}),
        ("大学毕业，在杭州的一所学院读的", {"is_college_graduate": True, "graduated_from_shanghai_college": False}),
    ],
)
def test_school_years_ages_and_places(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a point in time in one clause, the dismissal in the next; not when the dismissal came later
        (
            "六月份被隔离了，公司就跟我解约了",
            {"covid_affected_dismissal": True, "employment_status": "unemployed", "unemployed_months": 3},
        ),
        ("六月份住了院，出院以后被辞退了", {"employment_status": "unemployed"}),
        # how long since, said with 到现在 before a verb that could be any stay
        ("把工作辞了回家带娃，到现在待了一年多", {"employment_status": "unemployed", "unemployed_months": 12}),
        ("在家歇了两个月", {"employment_status": "unemployed", "unemployed_months": 2}),
    ],
)
def test_time_out_of_work(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("并没有因为阳性被开除", {"covid_affected_dismissal": False}),  # a message-wide pattern, negated
        ("阳了以后被开除了", {"covid_affected_dismissal": True, "employment_status": "unemployed"}),
        ("本来要录用我，阳了以后就不要我了", {"covid_affected_dismissal": True}),  # an offer withdrawn: no status
        ("我家是村里登记过的困难农户", {"low_income_rural_household": True}),  # another register
        ("登记过了，现在没工作", {"registered_unemployed": True, "employment_status": "unemployed"}),
        ("失业金没有", {"receiving_unemployment_insurance": False}),
        ("中专读了半年就不读了，现在在饭店打零工", {"employment_status": "flexible"}),
        ("我在一所职业技术学校念书", {"vocational_school_student": True, "employment_status": "student"}),
        ("自己开了个小便利店", {"employment_status": "self_employed", "starting_business": True}),
        ("我在滴滴上开车", {"employment_status": "flexible", "platform_worker": True}),
        ("在长宁住了七年了", {"resident_in_shanghai": True}),
        ("人不在上海常住", {"resident_in_shanghai": False}),
        ("外地农村户口", {"shanghai_hukou": False}),
        ("身体还行，还想继续干", {"wants_job": True}),
        ("简历投了好几家", {"wants_job": True}),
    ],
)
def test_more_ways_of_saying_a_fact(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "我是long-term unemployed，二十四岁",
            {"hardship_groups": ["long_term_unemployed_youth"], "employment_status": "unemployed", "age": 24},
        ),
        ("失业了 since March", {"employment_status": "unemployed", "unemployed_months": 6}),
        ("我在一家startup做运营", {"employment_status": "employed"}),
        ("我们是一家coffee shop，想招店员", {"employer_industry": "餐饮"}),
        ("本科在Fudan读的", {"is_college_graduate": True, "graduated_from_shanghai_college": True}),
    ],
)
def test_english_words(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


def test_the_particle_zhe_in_traditional_script() -> None:
    assert normalise("在家閒著呢") == "在家闲着呢"
    assert normalise("他是著名作家") == "他是著名作家"


@pytest.mark.parametrize(
    ("asked", "answer", "expected"),
    [
        (
            "employment_status",
            "自主创业",
            {"employment_status": "self_employed", "starting_business": True},
        ),  # the button's own label
        ("employment_status", "上班", {"employment_status": "employed"}),
        ("registered_unemployed", "早办过了", {}),  # not a plain yes: left unread
        ("registered_unemployed", "办好了", {"registered_unemployed": True}),
        ("hardship_certified", "认定过", {"hardship_certified": True}),
    ],
)
def test_short_answers(asked: str, answer: str, expected: dict[str, Any]) -> None:
    assert facts(answer, asked=[asked]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我是复旦的博士，后年毕业", {"graduated_from_shanghai_college": True, "graduation_year": 2024}),
        ("2016年从外地一所师范学院毕业", {"graduation_year": 2016, "is_college_graduate": True}),
        ("失业保险金已经领了两个月", {"receiving_unemployment_insurance": True}),
        ("失业金领了三个月就停了", {}),
        ("在上海打工二十来年了", {"employment_status": "employed"}),  # working there does not say where one lives
        ("got laid off last month", {"employment_status": "unemployed", "unemployed_months": 1}),
        ("我是shanghai local", {"shanghai_hukou": True}),
    ],
)
def test_more_forms(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "要是我被裁了，还能领什么",  # a supposition states nothing
        "假如明年怀孕了，单位能不能辞退我",
        "万一我失业了怎么办",
    ],
)
def test_suppositions_state_nothing(text: str) -> None:
    assert facts(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公司月底要裁员，我可能也在名单里", {}),  # a dismissal still to come
        ("我还在上班，不过下个月就要被辞退了", {"employment_status": "employed"}),
        ("我去年被資遣，到現在沒工作", {"employment_status": "unemployed"}),  # Taiwanese usage
        ("我是身心障礙人士", {"hardship_groups": ["disabled"]}),
        ("户口在上海，现居闵行", {"shanghai_hukou": True, "resident_in_shanghai": True}),
        ("失业金上周已经领到了", {}),  # 领到了 after the benefit: not read (no phrase), rather than guessed
        ("领到了失业金", {"receiving_unemployment_insurance": True}),
    ],
)
def test_times_and_words_of_other_places(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fired in June，一直在家", {"employment_status": "unemployed", "unemployed_months": 3}),
        ("graduated from 上海大学 in 2020", {"is_college_graduate": True, "graduated_from_shanghai_college": True}),
        ("我还没registered as unemployed", {"registered_unemployed": False}),
        ("still looking for a job", {"wants_job": True}),
    ],
)
def test_more_english(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("asked", "answer", "expected"),
    [
        ("age", "今年刚满三十", {"age": 30}),
        ("resident_in_shanghai", "住了好几年了", {"resident_in_shanghai": True}),
        ("hardship_groups", "低收入", {"hardship_groups": ["low_income_family"]}),
    ],
)
def test_more_answers(asked: str, answer: str, expected: dict[str, Any]) -> None:
    assert facts(answer, asked=[asked]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我老婆是残疾人，我在上班", {"employment_status": "employed"}),  # her group, not the writer's
        ("我爸刑满释放回来了", {}),
        ("我们家是低收入家庭，我爸是残疾人", {"hardship_groups": ["low_income_family"]}),  # the family's group
        ("户口是外地的但人在上海工作", {"shanghai_hukou": False, "employment_status": "employed"}),  # 但 ends a clause
        ("上礼拜被老板劝退", {"employment_status": "unemployed", "unemployed_months": 0}),
        ("出来找工作三个礼拜了还没找着", {"wants_job": True, "employment_status": "unemployed"}),
    ],
)
def test_whose_facts_and_clause_ends(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("低保以前拿过，后来取消了", {}),  # a state that was, not one that is
        ("我想领失业金", {}),
        ("我没怀孕，是我媳妇怀孕了", {"pregnant_or_nursing": False}),  # 是我媳妇…: someone else
        ("我还不满二十", {}),  # near an age is not the age
        ("快六十了，还没工作", {"employment_status": "unemployed"}),
        ("我都六十了", {"age": 60}),
    ],
)
def test_states_now_and_ages_near(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("我开了家KTV，想招几个服务生", "文体娱乐"),  # an owner hiring speaks for the business
        ("我们这家宾馆能申请什么补贴", "住宿"),  # we + a business of a listed industry
        ("我们是一家培训学校，准备招两个老师", "其他"),
        ("我们是家装修公司", "其他"),
    ],
)
def test_employers_named_by_their_business(text: str, industry: str) -> None:
    assert facts(text) == {"employer_industry": industry}


def test_a_boss_is_someone_else_unless_the_writer_is_in_the_clause() -> None:
    assert facts("我老板开了家网店，我帮他打包") == {}
    assert facts("老板上个月把我辞了") == {"employment_status": "unemployed", "unemployed_months": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被老板开了，说是因为我阳过", {"employment_status": "unemployed", "covid_affected_dismissal": True}),
        ("户口去年迁来上海了，原来是安徽的", {"shanghai_hukou": True}),  # where the hukou was before
        ("厂子关门了，还欠我两个月工资", {"employment_status": "unemployed"}),  # money owed is no time out of work
        ("哺乳期已经过了，想出来上班", {"wants_job": True}),  # a state that is over
        ("以前送过快递，没在平台上接过单", {"platform_worker": False}),
    ],
)
def test_what_is_over_and_what_is_owed(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("毕业以后一直在家啃老", {"employment_status": "unemployed"}),
        ("来了以后在上海十来年了", {"resident_in_shanghai": True}),
        ("在上海三年前待过", {}),  # a time ago, not a stay of three years
        ("户口在松江", {"shanghai_hukou": True}),  # a Shanghai district as where the hukou is
        ("阿拉是上海宁", {"shanghai_hukou": True}),  # Shanghainese for 上海人
    ],
)
def test_local_ways_of_saying(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the writer's workplace closed: out of work, with the time of the closing
        ("以前在一家便利店理货，今年四月便利店就关门了", {"employment_status": "unemployed", "unemployed_months": 5}),
        ("厂里生意做不下去了，六月份关的门", {"employment_status": "unemployed", "unemployed_months": 3}),
        ("小区门口的超市倒闭了", {}),  # a shop the writer never said they worked in
        ("我姐的厂子关门了", {}),  # someone else's
        ("我在饭店上班，饭店快要倒闭了", {"employment_status": "employed"}),  # not yet
        ("要是公司关门了能领什么", {}),
    ],
)
def test_a_workplace_that_closed(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在物流公司上班，就怕被裁", {"employment_status": "employed"}),  # feared, not so
        ("领导天天劝我主动辞职", {}),  # pressed to resign, not (yet) gone
        ("公司逼我辞职了，上个月的事", {"employment_status": "unemployed", "unemployed_months": 1}),
        ("七月底被公司辞退", {"employment_status": "unemployed", "unemployed_months": 2}),  # 七月底 is past
        ("下个月底合同到期", {}),
        ("刚被那家做游戏的公司裁掉", {"employment_status": "unemployed", "unemployed_months": 0}),
        ("是我自己提的离职，上礼拜才走", {"employment_status": "unemployed", "unemployed_months": 0}),
    ],
)
def test_what_is_feared_pressed_or_just_happened(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不是我不愿意上班，是没人要", {"wants_job": True}),  # not that I do not want to: I do
        ("困难人员的认定至今没批", {"hardship_certified": False}),
        ("就业困难认定已经批下来了", {"hardship_certified": True}),
        ("低保一直没批", {"minimum_living_allowance": False}),
        ("我没有失业保险金可以领", {"receiving_unemployment_insurance": False}),
        ("并不是在创业，在一家物业上班", {"employment_status": "employed", "starting_business": False}),
        ("还没被哪家幼儿园录取", {"hired_as_teacher": False}),
        ("户口还没能迁进上海", {"shanghai_hukou": False}),
        ("户籍一直在安徽", {"shanghai_hukou": False}),
        ("我的大学不在上海", {"graduated_from_shanghai_college": False}),
    ],
)
def test_negations_of_outcomes_and_of_places(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("大二，暑假想找份实习", {"employment_status": "student", "in_graduating_year": False}),  # not a job
        ("想找个房子住近一点", {}),
        ("在一家银行做实习", {}),  # an intern is not employed
        ("一直在网上找工作", {"wants_job": True}),
        ("我在干全职，朝九晚五", {"employment_status": "employed"}),
        ("我是全职妈妈", {}),
        ("上个月入职了", {"employment_status": "employed"}),
        ("去年自己注册了一家设计工作室", {"employment_status": "self_employed", "starting_business": True}),
        ("平时做外卖赚点钱", {"employment_status": "flexible", "platform_worker": True}),
        ("在澳洲留学，读的会计", {"graduated_from_shanghai_college": False}),
        ("以前在工地干了十几年，去年腰伤了没法干", {}),  # how long the earlier work lasted
    ],
)
def test_jobs_internships_and_earlier_work(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the status said of now wins; time out of work only while out of work
        (
            "原来在商场卖衣服，商场去年关门了，我现在开网约车",
            {"employment_status": "flexible", "platform_worker": True},
        ),
        ("前年底离职后自己开了家花店", {"employment_status": "self_employed", "starting_business": True}),
        # a clause without a subject goes on about the person the last one spoke of, not past a child or 现在
        ("我哥去年被裁了，一直没找到工作", {}),
        ("宝宝八个月了，我现在没上班", {"employment_status": "unemployed"}),
        (
            "这位大姐家里是低保户，老公走得早，她一直没工作",
            {"minimum_living_allowance": True, "employment_status": "unemployed"},
        ),
        # me too / me neither after someone else's fact
        ("我爱人是上海户口，我也是", {"shanghai_hukou": True}),
        ("我妈不是残疾人，我不是", {}),  # a group is a list, not a yes/no fact
        ("孩子在读小学，我在超市当理货员", {"employment_status": "employed"}),  # a child's schooling
        ("听说退役军人有补贴，我明年想去当兵", {"enlisting": True}),  # hearsay states nothing
    ],
)
def test_now_speakers_and_me_too(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十八岁就来上海打工了，现在四十二", {"age": 42}),  # an age then, and the age now
        ("八十年代进的厂，后来厂子倒闭了", {"employment_status": "unemployed"}),  # a decade is no duration
        ("上上个月被公司辞退", {"employment_status": "unemployed", "unemployed_months": 2}),
        ("去年七月老板把我们整个车间都遣散了", {"employment_status": "unemployed", "unemployed_months": 14}),
        ("领导上礼拜开除了我", {"employment_status": "unemployed", "unemployed_months": 0}),
        ("失业保险金拿了几个月，已经领完了", {"receiving_unemployment_insurance": False}),  # 几个月 is no question
        ("网约车我没开过", {"platform_worker": False}),
        ("没办法只能出去找工作", {"wants_job": True}),
        ("不打算马上就找工作", {"wants_job": False}),
        ("每天都在网上投简历", {"wants_job": True}),
        ("打算和朋友开个摄影工作室", {"starting_business": True}),  # 工作室 is no job wanted
        ("读的技校，现在不读了", {"vocational_school_student": False}),
        ("在上海念的本科", {"graduated_from_shanghai_college": True, "is_college_graduate": True}),
        ("我在物业上夜班", {"employment_status": "employed"}),
    ],
)
def test_times_ages_and_more_ways_of_saying(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("registered_unemployed", "没有，也不知道在哪里办", {"registered_unemployed": False}),
        ("registered_unemployed", "不知道", {}),
    ],
)
def test_an_answer_then_a_question(asked: str, text: str, expected: dict[str, Any]) -> None:
    assert facts(text, asked=[asked]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Cantonese as it is spoken, read as Mandarin when the message has its particles
        ("我係外地戶口，喺上海做咗五年嘢", {"shanghai_hukou": False}),
        ("佢哋唔請人，我而家冇工開", {"employment_status": "unemployed"}),
        ("我唔想搵工住", {"wants_job": False}),
        ("屋企係低保戶，我想搵份工", {"minimum_living_allowance": True, "wants_job": True}),
        ("我哋係開健身房嘅，想請兩個人", {"employer_industry": "文体娱乐"}),
        ("我在大学读的是中文系，已经毕业了", {"is_college_graduate": True}),  # 系 stays 系 without Cantonese
        # what was so before and is not now
        ("之前是残疾人就业的对象，以前吃低保，现在没有了", {"minimum_living_allowance": False}),
        ("以前是滴滴司机，现在不开了", {"platform_worker": False}),
        ("原来也算农村劳动力，后来不算了", {"migrant_worker": False}),
        # 不是我…，是我老婆: said of the one named next
        ("不是我失业了，是我老公失业了", {}),
        ("我不是残疾人，是我哥哥，我帮他问问", {}),
        # 不是 a time: the time is denied, not what happened
        ("我不是前年本科毕业的，是去年", {"is_college_graduate": True, "graduation_year": 2021}),
        ("双非院校本科毕业", {"is_college_graduate": True}),
        # the time since release from prison is no time out of work
        ("刑满释放两个月了，一直没工作", {"hardship_groups": ["released_prisoner"], "employment_status": "unemployed"}),
        # a shop not run now says nothing of starting one
        ("没做生意，也不是个体户，就在厂里上班", {"employment_status": "employed"}),
        (
            "外省户籍，在上海念完研究生",
            {"shanghai_hukou": False, "graduated_from_shanghai_college": True, "is_college_graduate": True},
        ),
        ("阳了以后被老板炒鱿鱼了", {"employment_status": "unemployed", "covid_affected_dismissal": True}),
        ("现在在找新的工作", {"wants_job": True}),
        ("来访者无就业意愿", {"wants_job": False}),
    ],
)
def test_dialect_no_longer_and_contrasts(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "我是本科，在老家安徽读的",
            {"is_college_graduate": True, "graduated_from_shanghai_college": False, "shanghai_hukou": False},
        ),
        ("我女儿在读大三，外地户口，她能申请见习吗", {}),  # the question is for her: all of it is hers
        ("我们是松江的一家宾馆，想招两个保洁", {"employer_industry": "住宿"}),
        ("招用残疾人的单位有什么补贴", {}),  # which employers, not the writer's
        (
            "上礼拜体检查出阳性，回来单位就跟我解除了合同",
            {"employment_status": "unemployed", "covid_affected_dismissal": True, "unemployed_months": 0},
        ),
        ("失业登记前几天已经登记了", {"registered_unemployed": True}),
        ("28 y/o，no Shanghai hukou", {"age": 28, "shanghai_hukou": False}),
        ("planning to open a shop", {}),
    ],
)
def test_places_employers_and_english(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("asked", "text", "expected"),
    [
        ("registered_unemployed", "好像还没有", {"registered_unemployed": False}),
        ("receiving_unemployment_insurance", "应该是在领的", {"receiving_unemployment_insurance": True}),
        ("graduated_from_shanghai_college", "在成都念的", {"graduated_from_shanghai_college": False}),
    ],
)
def test_hedged_and_placed_answers(asked: str, text: str, expected: dict[str, Any]) -> None:
    assert facts(text, asked=[asked]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚满二十了", {"age": 20}),
        ("没满十八", {}),
        ("我是上海体院毕业的", {"is_college_graduate": True, "graduated_from_shanghai_college": True}),
        ("我是广州的大学读的本科", {"is_college_graduate": True, "graduated_from_shanghai_college": False}),
        ("老公身体不好，家里吃低保，想找个近点的活", {"minimum_living_allowance": True, "wants_job": True}),
        ("在饭店做厨师，听说饭店可能要关了", {"employment_status": "employed"}),  # not closed yet
        ("我们公司六月初倒闭了，现在在家", {"employment_status": "unemployed", "unemployed_months": 3}),
        ("单位经营不善把我裁了", {"employment_status": "unemployed"}),  # 不善 negates nothing that follows
        ("因为隔离，厂里跟我解除了劳动关系", {"employment_status": "unemployed", "covid_affected_dismissal": True}),
        ("刚从老家来的上海，还没租到房子", {"resident_in_shanghai": False}),
        ("户口已经迁过来了", {"shanghai_hukou": True}),
        ("在上海工作三年了，还没落户", {"employment_status": "employed", "shanghai_hukou": False}),
        ("在一家连锁超市负责招聘", {"employer_industry": "零售"}),
        ("想了解稳就业的措施", {}),
        (
            "还没register，也没领unemployment benefit",
            {"registered_unemployed": False, "receiving_unemployment_insurance": False},
        ),
    ],
)
def test_ages_places_closures_and_employers(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


def test_a_corrected_number() -> None:
    assert facts("不好意思打错了，是45不是54", asked=["age"]) == {"age": 45}
    assert facts("不是54，是45", asked=["age"]) == {"age": 45}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a negation after the topic words (的事 / 那个) and a subject
        ("创业的事先不考虑了", {"starting_business": False}),
        ("开店的事先不考虑", {}),
        ("就业困难人员认定我一直没敢去办", {"hardship_certified": False}),
        ("失业登记那个我是一直没有去", {"registered_unemployed": False}),
        ("一直懒得去做失业登记", {"registered_unemployed": False}),
        ("失业登记倒不是没办，早办了", {"registered_unemployed": True}),
        # the benefit: not fetched, stopped, still running, a rhetorical no
        ("失业保险金我还没去办", {"receiving_unemployment_insurance": False}),
        ("失业金上个月就停了", {"receiving_unemployment_insurance": False}),
        ("失业金还没有领完呢", {"receiving_unemployment_insurance": True}),
        ("哪来的什么失业金啊", {"receiving_unemployment_insurance": False}),
        ("户口也不在上海", {"shanghai_hukou": False}),
        ("学历只有初中", {"is_college_graduate": False}),
        ("早就不念书了，学历是技校", {"is_college_graduate": False}),
        # said of someone else: X的不是我，是…; asking on another's behalf; a neighbour's household
        ("失业的不是我，是我老公", {}),
        ("我是男的，就是替我同事问问哺乳期的待遇", {"pregnant_or_nursing": False}),
        ("我朋友家是低保户", {}),
        ("还在上学，不是应届毕业生，大二", {"employment_status": "student", "in_graduating_year": False}),
        ("没有固定单位，平时跑跑外卖", {"employment_status": "flexible", "platform_worker": True}),
    ],
)
def test_negation_scope_and_whose(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


def test_a_rhetorical_no_answers() -> None:
    assert facts("哪里有", asked=["receiving_unemployment_insurance"]) == {"receiving_unemployment_insurance": False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # typed as in a chat: spaces and emoji instead of commas end a clause (and a negation's reach)
        (
            "我39 辞职四个月了 失业登记做了 失业金还没领 户口在外地",
            {
                "age": 39,
                "employment_status": "unemployed",
                "unemployed_months": 4,
                "registered_unemployed": True,
                "receiving_unemployment_insurance": False,
                "shanghai_hukou": False,
            },
        ),
        ("不想自己干 只想找份稳定的班上😅 44", {"starting_business": False, "wants_job": True, "age": 44}),
        ("外地户口🙃在上海住了五年", {"shanghai_hukou": False, "resident_in_shanghai": True}),
    ],
)
def test_spaces_and_emoji_end_a_clause(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("想先上班不想读研了", {"wants_job": True}),  # 不想 + something else negates that, not the job
        ("打算下周去做失业登记", {}),  # an intention: neither done nor said to be undone
        ("面试通过的公司后来不要我了", {}),  # an offer withdrawn, not a dismissal
        ("下岗了 养老保险还差三年", {"employment_status": "unemployed"}),  # how long is left to pay, not out of work
    ],
)
def test_intentions_and_other_durations(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


def test_a_repeated_yes_answers() -> None:
    assert facts("做了做了", asked=["registered_unemployed"]) == {"registered_unemployed": True}
