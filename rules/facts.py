"""The facts the bot may know about a person (docs/interfaces.md section 1), their types and Chinese labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.errors import FactError

EMPLOYMENT_STATUSES = ("employed", "unemployed", "flexible", "student", "self_employed")
HARDSHIP_GROUPS = (
    "older_unemployed",
    "long_term_unemployed_youth",
    "zero_employment_family",
    "low_income_family",
    "disabled",
    "released_prisoner",
    "drug_rehab",
)

VALUE_LABELS: dict[str, str] = {
    "employed": "在职",
    "unemployed": "失业",
    "flexible": "灵活就业",
    "student": "在校学生",
    "self_employed": "自主创业/个体经营",
    "older_unemployed": "大龄失业人员",
    "long_term_unemployed_youth": "长期失业青年",
    "zero_employment_family": "零就业家庭成员",
    "low_income_family": "低收入困难家庭成员",
    "disabled": "残疾人",
    "released_prisoner": "刑满释放人员",
    "drug_rehab": "戒毒康复人员",
}


@dataclass(frozen=True)
class Fact:
    name: str
    type: str  # "bool" | "int" | "enum" | "list" | "str"
    label: str
    question: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    unit: str = ""

    def describe_value(self, value: Any) -> str:
        if self.type == "bool":
            return "是" if value else "否"
        if self.type == "enum":
            return VALUE_LABELS.get(value, str(value))
        if self.type == "list":
            return "、".join(VALUE_LABELS.get(v, str(v)) for v in value) or "无"
        return f"{value}{self.unit}"


FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("age", "int", "年龄", "您今年多大年纪？", minimum=16, maximum=100, unit="岁"),
        Fact("shanghai_hukou", "bool", "本市户籍", "您是上海户籍吗？"),
        Fact("resident_in_shanghai", "bool", "常住上海", "您现在常住上海吗？"),
        Fact("is_college_graduate", "bool", "高校毕业生（大专及以上）", "您是大专及以上学历的高校毕业生吗？"),
        Fact("graduation_year", "int", "毕业年份", "您是哪一年毕业（或预计哪一年毕业）？", minimum=1940, maximum=2100),
        Fact("graduated_from_shanghai_college", "bool", "本市高校毕业生", "您是从上海的高校毕业的吗？"),
        Fact("in_graduating_year", "bool", "毕业学年在校生", "您现在是毕业学年的在校生吗？"),
        Fact("vocational_school_student", "bool", "职业院校学生", "您是职业院校（中职、高职）的学生吗？"),
        Fact(
            "employment_status",
            "enum",
            "就业状态",
            "您现在的就业状态是？（在职 / 失业 / 灵活就业 / 在校学生 / 自主创业）",
            choices=EMPLOYMENT_STATUSES,
        ),
        Fact("unemployed_months", "int", "失业时长（月）", "您失业多久了？", minimum=0, unit="个月"),
        Fact("registered_unemployed", "bool", "已办理失业登记", "您办理过失业登记吗？"),
        Fact("receiving_unemployment_insurance", "bool", "正在领取失业保险金", "您现在在领失业保险金（失业金）吗？"),
        Fact("wants_job", "bool", "有就业意愿", "您现在想找工作吗？"),
        Fact("hardship_certified", "bool", "已被认定为就业困难人员", "您已经被认定为就业困难人员了吗？"),
        Fact(
            "hardship_groups",
            "list",
            "所属困难群体",
            "您属于以下哪类人员吗？大龄失业、长期失业青年、零就业家庭、低收入困难家庭、残疾人、刑满释放、戒毒康复（都不是可以说“都不是”；算不算大龄失业、长期失业青年，《意见》没有规定年龄和失业时长，由街道社区就业服务站认定时判断）",
            choices=HARDSHIP_GROUPS,
        ),
        Fact("minimum_living_allowance", "bool", "低保对象", "您家是低保对象吗？"),
        Fact("starting_business", "bool", "自主创业/准备创业", "您在创业或者准备创业吗？"),
        Fact("migrant_worker", "bool", "农民工/农村劳动力", "您是农民工或农村劳动力吗？"),
        Fact("yangtze_fisher", "bool", "长江退捕渔民", "您是长江退捕渔民吗？"),
        Fact("low_income_rural_household", "bool", "低收入农户", "您家是低收入农户吗？"),
        Fact("platform_worker", "bool", "平台网约劳动者", "您在外卖、网约车、快递这类平台上接单干活吗？"),
        Fact("pregnant_or_nursing", "bool", "孕期、产期、哺乳期", "您目前在孕期、产期或哺乳期吗？"),
        Fact(
            "covid_affected_dismissal",
            "bool",
            "因感染或隔离被拒绝录用或解除合同",
            "您有没有因为感染新冠或被隔离而被拒绝录用、被解除劳动合同？",
        ),
        Fact("enlisting", "bool", "应征入伍", "您打算或正在应征入伍吗？"),
        Fact(
            "hired_as_teacher",
            "bool",
            "被中小学/幼儿园/中职招用为教师",
            "您是被中小学、幼儿园或中等职业学校招用为教师吗？",
        ),
        Fact(
            "employer_industry",
            "str",
            "用人单位所在行业",
            "您（或想了解的用人单位）是哪个行业的？比如餐饮、零售、旅游",
        ),
    )
}


def validate_facts(raw: Any) -> dict[str, Any]:
    """Check a facts object against the contract; return it without absent (null) facts.

    Raises FactError naming the offending fact.
    """
    if not isinstance(raw, Mapping):
        raise FactError("facts must be a JSON object of fact names to values")
    clean: dict[str, Any] = {}
    for name, value in raw.items():
        fact = FACTS.get(name)
        if fact is None:
            raise FactError(f"unknown fact '{name}'", fact=name)
        if value is None:
            continue
        clean[name] = _check_value(fact, value)
    return clean


def _check_value(fact: Fact, value: Any) -> Any:
    name = fact.name
    if fact.type == "bool":
        if not isinstance(value, bool):
            raise FactError(f"fact '{name}' must be true or false, got {value!r}", fact=name)
        return value
    if fact.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise FactError(f"fact '{name}' must be an integer, got {value!r}", fact=name)
        if fact.minimum is not None and value < fact.minimum:
            raise FactError(f"fact '{name}' is out of range: {value} < {fact.minimum}", fact=name)
        if fact.maximum is not None and value > fact.maximum:
            raise FactError(f"fact '{name}' is out of range: {value} > {fact.maximum}", fact=name)
        return value
    if fact.type == "enum":
        if value not in fact.choices:
            raise FactError(f"fact '{name}' must be one of {', '.join(fact.choices)}, got {value!r}", fact=name)
        return value
    if fact.type == "list":
        if not isinstance(value, list):
            raise FactError(f"fact '{name}' must be a list, got {value!r}", fact=name)
        for item in value:
            if item not in fact.choices:
                raise FactError(
                    f"fact '{name}' has unknown value {item!r}; allowed: {', '.join(fact.choices)}", fact=name
                )
        return sorted(set(value), key=fact.choices.index)
    if fact.type == "str":
        if not isinstance(value, str) or not value.strip():
            raise FactError(f"fact '{name}' must be a non-empty string, got {value!r}", fact=name)
        return value.strip()
    raise AssertionError(f"unhandled fact type {fact.type}")
