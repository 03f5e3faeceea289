"""Facts are checked against docs/interfaces.md section 1."""

from __future__ import annotations

import pytest

from rules import FACTS, FactError, validate_facts

INTERFACE_FACTS = {
    "age", "shanghai_hukou", "resident_in_shanghai", "is_college_graduate", "graduation_year",
    "graduated_from_shanghai_college", "in_graduating_year", "vocational_school_student",
    "employment_status", "unemployed_months", "registered_unemployed", "receiving_unemployment_insurance",
    "wants_job", "hardship_certified", "hardship_groups", "minimum_living_allowance", "starting_business",
    "migrant_worker", "yangtze_fisher", "low_income_rural_household", "platform_worker",
    "pregnant_or_nursing", "covid_affected_dismissal", "enlisting", "hired_as_teacher", "employer_industry",
}  # fmt: skip


def test_fact_names_are_the_contracts() -> None:
    assert set(FACTS) == INTERFACE_FACTS


def test_valid_facts_pass_and_absent_means_absent() -> None:
    facts = validate_facts(
        {"age": 53, "hardship_groups": ["disabled", "older_unemployed"], "shanghai_hukou": True, "wants_job": None}
    )
    assert facts == {"age": 53, "hardship_groups": ["older_unemployed", "disabled"], "shanghai_hukou": True}


@pytest.mark.parametrize(
    ("facts", "named"),
    [
        ({"salary": 3000}, "salary"),
        ({"age": "53"}, "age"),
        ({"age": 15}, "age"),
        ({"age": 101}, "age"),
        ({"age": True}, "age"),
        ({"shanghai_hukou": "yes"}, "shanghai_hukou"),
        ({"shanghai_hukou": 1}, "shanghai_hukou"),
        ({"unemployed_months": -1}, "unemployed_months"),
        ({"employment_status": "retired"}, "employment_status"),
        ({"hardship_groups": "disabled"}, "hardship_groups"),
        ({"hardship_groups": ["veteran"]}, "hardship_groups"),
        ({"employer_industry": ""}, "employer_industry"),
    ],
)
def test_bad_facts_raise_an_error_naming_the_fact(facts: dict, named: str) -> None:
    with pytest.raises(FactError) as err:
        validate_facts(facts)
    assert err.value.fact == named
    assert named in str(err.value)
    assert "\n" not in str(err.value)


def test_facts_must_be_an_object() -> None:
    with pytest.raises(FactError):
        validate_facts(["age", 3])
