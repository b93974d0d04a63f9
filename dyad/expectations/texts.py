"""The text a program starts from in its first year (later years start from the last)."""

from dyad.expectations.models import Audience

EXPECTATIONS = {
    Audience.LEARNERS: (
        "You lead your mentoring. Take the initiative: schedule the meetings (unless your "
        "agreement says otherwise), set the goals of each meeting and send material ahead.\n\n"
        "Before each meeting, write your preparation in Dyad: what you want from it, what you "
        "did since last time and what got in the way. After it, log the meeting and follow "
        "up on the action items you took on.\n\n"
        "Keep your individualized learning plan (ILP) for the year and review it with your "
        "coach or advisor twice a year.\n\n"
        "If the pairing does not work — poor fit, no time, a guide who also evaluates you — "
        "ask program leadership for a new one from your pairing's page. It is no-fault, and "
        "the other party never sees your request or its reason."
    ),
    Audience.GUIDES: (
        "Listen first. Help your learners set realistic goals and intermediate targets, "
        "follow their progress and give honest feedback.\n\n"
        "Protect and advocate for them, open your network to them and give them credit for "
        "their work.\n\n"
        "Mentoring and coaching are non-evaluative: they are a safe space apart from "
        "assessment. If you come to evaluate a learner you guide (a rotation, the CCC), tell "
        "program leadership so that the pairing can be looked at.\n\n"
        "Keep the program's meeting standards below, log the meetings you hold, and answer "
        "requests from learners within the time the program gives."
    ),
}

CONFIDENTIALITY = (
    "What you say to each other stays between you. Private notes are read by their author "
    "alone. What program leadership sees is listed below, and nothing more.\n\n"
    "There is one exception: if a guide is concerned for the learner's safety or wellbeing, "
    "they seek help for the learner from the program's designated contacts."
)

LEADERSHIP_TERMS = (
    "What a learner shares with a mentor, coach or advisor is confidential. Program "
    "leadership sees that a pairing exists, that meetings took place, whether the learning "
    "plan is completed, pairing-fit check-ins and rematch requests. Meeting preparation, "
    "shared summaries, topics, action items, goals and the content of the learning plan "
    "leadership may read only where the learner has consented to it in the pairing's "
    "agreement, and each such reading is recorded in the audit log. Private notes and 360° "
    "feedback answers are never shown to leadership. Program leaders also take part in "
    "assessment: nothing read through this consent is used in assessing the learner, and "
    "nothing is asked of a guide beyond what the learner allows."
)
