"""Answers that set no fact: where and how to do something (ask_procedure), and questions outside the opinion.

action_explain_procedure: 那我去哪里做失业登记 / 就业困难人员怎么认定 / 失业金怎么领 get where and how, from
understanding/data/measures.yml (within what the opinion says; otherwise where to ask), with
`custom.explained` naming the measures the procedure belongs to. action_answer_out_of_scope: 居住证积分 /
落户打分 get a polite answer saying where to ask.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.explain_policy import entity_values
from actions.slots import AUDIENCE, POLICY
from rules import default_policies
from rules.vocabulary import OPINION_NUMBER
from understanding.measures import QuestionMatch, topic_answer

NO_PROCEDURE = "具体怎么办理，可以到户籍或居住地的街道社区就业服务站咨询，也可以在“一网通办”查询，或拨打12333。"
OUT_OF_SCOPE = (
    f"抱歉，这个问题不在{OPINION_NUMBER}稳就业政策的范围里，我回答不了。可以拨打12345市民服务热线或12333人社服务热线，"
    "也可以到街道社区就业服务站问问。关于稳就业的补贴和服务，随时问我。"
)


class ActionExplainProcedure(Action):
    def name(self) -> str:
        return "action_explain_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        message = tracker.latest_message or {}
        catalogue = default_policies()
        ids = tuple(i for i in entity_values(message, "policy") if catalogue.get(i))
        topics = entity_values(message, "topic")
        match = QuestionMatch("procedure", ids, topic=topics[0] if topics else None)
        answer = topic_answer(match) if match.topic else None
        custom = {"explained": list(ids), "answer": "procedure", "topic": match.topic}
        dispatcher.utter_message(text=answer or NO_PROCEDURE, json_message=custom)
        # an employer asking how to apply is still an employer when the check follows
        employer = "employer" in entity_values(message, "audience") and tracker.slots.get(AUDIENCE) != "employer"
        events: list[EventType] = [SlotSet(AUDIENCE, "employer")] if employer else []
        if ids:  # 那我能领吗 next is about this measure
            events.append(SlotSet(POLICY, ids[0]))
        return events


class ActionAnswerOutOfScope(Action):
    def name(self) -> str:
        return "action_answer_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        topics = entity_values(tracker.latest_message or {}, "topic")
        answer = topic_answer(QuestionMatch("out_of_scope", topic=topics[0])) if topics else None
        custom = {"explained": [], "answer": "out_of_scope", "topic": topics[0] if topics else None}
        dispatcher.utter_message(text=answer or OUT_OF_SCOPE, json_message=custom)
        return []
