"""沪府规〔2022〕6号 as rules-as-code: facts in, one result per measure out, each citing its article."""

from rules.engine import Assessment, Result, assess
from rules.errors import FactError, PolicyFileError, RulesError, ScenarioFileError
from rules.facts import FACTS, validate_facts
from rules.policy import Policy, PolicySet, default_policies, load_policies
from rules.questions import next_questions, rank_questions
from rules.vocabulary import STATUSES

__all__ = [
    "FACTS",
    "STATUSES",
    "Assessment",
    "FactError",
    "Policy",
    "PolicyFileError",
    "PolicySet",
    "Result",
    "RulesError",
    "ScenarioFileError",
    "assess",
    "default_policies",
    "load_policies",
    "next_questions",
    "rank_questions",
    "validate_facts",
]
