"""The project's own default question bank (SPEC M4), written for Dyad.

Each row: a stable key (its UUID derives from it, so a rerun finds the row again and never
overwrites what an administrator changed), the direction (G: the guide asks, L: the learner
asks), the kinds (M mentoring, C coaching, A advising, P peer mentoring), the topic, the
stages (F first meeting, I intern year, S senior years, G graduating; empty: every stage),
the months of relevance (empty: any month; the academic year starts in July) and the text.
"""

import uuid

from django.db import migrations

NAMESPACE = uuid.UUID("6f1d2b1e-5a0c-4c1e-9a57-2f4e7c9d0b11")

DIRECTIONS = {"G": "guide_to_learner", "L": "learner_to_guide"}
KINDS = {"M": "mentoring", "C": "coaching", "A": "advising", "P": "peer_mentoring"}
STAGES = {"F": "first_meeting", "I": "intern_year", "S": "senior_years", "G": "graduating"}

WINTER = [11, 12, 1, 2]

QUESTIONS = [
    # --- The first meeting: expectations, who we are -------------------------------------
    ("first-worth-it", "G", "MCAP", "expectations", "F", [7, 8, 9],
     "A year from now, what would make these meetings feel worth your time?"),
    ("first-contact", "L", "MCAP", "expectations", "F", [],
     "How would you like me to reach you between meetings, and how soon can I usually "
     "expect an answer?"),
    ("first-confidentiality", "G", "MCP", "expectations", "F", [],
     "Let's read our agreement together: what stays between us, and what, if anything, you "
     "choose to share with the program. What would you change?"),
    ("first-coach-way", "L", "C", "expectations", "F", [],
     "How do you work as a coach, and what should I bring to each of our sessions?"),
    ("first-what-brought-you", "G", "MP", "interests", "F", [],
     "What drew you to medicine, and to this specialty in particular?"),
    ("first-guide-path", "L", "MP", "career", "F", [],
     "How did your own path lead you here, and what do you wish someone had told you when "
     "you were where I am now?"),
    ("first-energy", "G", "MCP", "interests", "F", [],
     "Outside the hospital, what gives you energy?"),
    ("first-from-a-mentor", "G", "MP", "supports", "F", [],
     "What are you hoping to get from a mentor that you are not getting elsewhere?"),
    ("first-by-june", "G", "MA", "goals", "F", [7, 8, 9],
     "What would you like the two of us to have achieved by the end of this academic year?"),
    ("first-coach-values", "G", "C", "identity", "F", [],
     "What matters most to you about the kind of physician you are becoming?"),
    ("first-coach-six-months", "G", "C", "goals", "F", [],
     "Imagine our work together has gone really well. Six months from now, what is "
     "different for you?"),
    ("first-advisor-role", "G", "A", "expectations", "F", [],
     "What would you like from me as your advisor: help with requirements, with planning "
     "rotations, with career decisions, or something else?"),
    ("first-advising-milestones", "L", "A", "goals", "F", [7, 8, 9],
     "Which requirements and milestones should I keep an eye on this year, and when is "
     "each one due?"),
    ("first-peer-first-month", "L", "P", "supports", "FI", [7, 8],
     "What do you wish you had known in your first month as an intern?"),
    ("first-peer-unclear", "G", "P", "challenges", "FI", [7, 8],
     "Which parts of the work still feel unclear: the pager, sign-out, the order sets, "
     "knowing whom to call at night?"),
    # --- Intern year ----------------------------------------------------------------------
    ("intern-bad-shift", "G", "MAP", "supports", "I", [],
     "When a shift goes badly, whom do you turn to? Is that enough?"),
    ("intern-helped", "G", "MCP", "successes", "I", [],
     "Tell me about a moment recently when you felt you really helped a patient or a family."),
    ("intern-sleep-meals", "G", "MP", "work_life_balance", "I", [8, 9, 10],
     "How are sleep, meals and exercise fitting around your schedule? What one small change "
     "would help most?"),
    ("intern-halfway", "G", "MCA", "growth", "I", [12, 1],
     "Halfway through the intern year: what can you do now that you could not do in July, "
     "and what still feels shaky?"),
    ("intern-electives", "L", "AM", "career", "I", [2, 3, 4],
     "How should I choose my electives for next year, given what I might want to do after "
     "residency?"),
    ("intern-ask-feedback", "L", "MP", "feedback", "I", [],
     "How do I ask attendings for feedback that is specific enough to act on?"),
    ("intern-students", "L", "P", "teaching", "I", [9, 10, 11, 12, 1, 2, 3],
     "How do you make time to teach medical students when the team is busy?"),
    ("intern-changed", "G", "M", "identity", "I", [3, 4, 5],
     "How has your sense of yourself as a doctor changed since you started?"),
    ("intern-lean-on", "G", "P", "supports", "I", [10, 11],
     "Who on your team or in your class could you lean on a little more?"),
    ("intern-proud", "G", "MP", "successes", "I", [5, 6],
     "As the intern year ends, what are you proudest of, and what would you tell the "
     "incoming interns?"),
    ("intern-ready-to-lead", "L", "P", "leadership", "I", [4, 5, 6],
     "What can I do now to be ready to lead a team as a second-year resident?"),
    # --- Intern and senior years ----------------------------------------------------------
    ("ilp-goals", "G", "AC", "goals", "IS", [7, 8, 9],
     "Which two or three learning goals will go into your Individual Learning Plan this "
     "year, and how will you know you have reached each one?"),
    ("recurring-hard", "G", "C", "challenges", "IS", [],
     "What situation keeps coming back as hard for you? What have you tried so far, and "
     "what else could you try?"),
    ("others-notice", "G", "C", "strengths", "IS", [],
     "What have others noticed you do well? Does that match what you see in yourself?"),
    ("belong", "G", "MP", "community", "IS", [],
     "Do you feel part of your class and of the program? Where do you feel most at home?"),
    ("groups-belong", "G", "M", "community", "ISG", [],
     "Are there groups, inside or outside the hospital, where you feel you belong? Would "
     "you like help finding one?"),
    ("lose-track-of-time", "G", "MA", "interests", "IS", [],
     "Which patients, rotations or tasks make you lose track of time?"),
    ("hardest-for-you", "L", "MP", "challenges", "IS", [],
     "What was the hardest part of residency for you, and what got you through it?"),
    ("make-sense-of-feedback", "L", "C", "feedback", "IS", [],
     "Could you help me make sense of a piece of feedback I received and decide what to do "
     "with it?"),
    ("ccc-review", "L", "A", "growth", "IS", [5, 6, 11, 12],
     "What do my milestone ratings say about my progress, and where should I focus before "
     "the next Clinical Competency Committee review?"),
    ("scholarly-requirement", "L", "A", "research", "IS", [8, 9, 10],
     "What scholarly work does the program require of me, and how do I find a project "
     "that fits my interests?"),
    ("clinical-question", "G", "MA", "research", "IS", [],
     "Is there a question from your clinical work that you would like to answer? What "
     "would a small first project look like?"),
    ("firmer-line", "G", "C", "work_life_balance", "IS", [],
     "Where would you like to draw a firmer line between work and the rest of your life? "
     "What would a first step be?"),
    ("winter-check", "G", "MCAP", "burnout", "ISG", WINTER,
     "Winter is often the hardest stretch of the year. How are you really doing?"),
    ("early-signs", "G", "MC", "burnout", "IS", [12, 1, 2],
     "Have you noticed early signs of exhaustion in yourself, such as dreading work, "
     "feeling numb or sleeping badly? What helps when they show up?"),
    ("guide-burnt-out", "L", "MP", "burnout", "IS", WINTER,
     "Have you ever felt burnt out? What did you do about it?"),
    ("confidential-resources", "L", "AP", "supports", "ISG", [],
     "Which confidential wellbeing resources can residents use, and how do I reach them?"),
    # --- Senior years ---------------------------------------------------------------------
    ("first-team", "L", "PM", "teaching", "S", [6, 7, 8],
     "What helped you most when you first led a team of interns and students?"),
    ("teacher-you-want", "G", "C", "teaching", "S", [],
     "What kind of teacher do you want to be for your interns, and what gets in the way?"),
    ("struggling-intern", "G", "CP", "feedback", "S", [],
     "How do you give feedback to an intern who is struggling? What would you like to try "
     "next time?"),
    ("skill-to-grow", "G", "C", "growth", "S", [12, 1],
     "Looking back over the last few months, which skill do you most want to grow, and "
     "what would deliberate practice look like?"),
    ("leaning-toward", "G", "MA", "fellowship_job_search", "S", [1, 2, 3, 4, 5],
     "Are you leaning toward a fellowship, hospital medicine, primary care or something "
     "else? What would help you decide?"),
    ("letters", "L", "AM", "fellowship_job_search", "S", [3, 4, 5, 6],
     "Whom should I ask for letters of recommendation for fellowship, and by when?"),
    ("review-statement", "L", "AM", "fellowship_job_search", "S", [5, 6, 7, 8],
     "Would you read my personal statement and my list of programs before I submit my "
     "applications?"),
    ("interviews", "L", "MAP", "fellowship_job_search", "SG", [9, 10, 11],
     "How should I prepare for interviews, and what should I ask the programs?"),
    ("search-where", "G", "MA", "fellowship_job_search", "SG", [9, 10, 11, 12, 1, 2, 3],
     "Where are you in your fellowship or job search, and what is the next deadline?"),
    ("abstract-help", "L", "M", "research", "S", [],
     "Who in the department could help me turn my project into an abstract or a paper?"),
    ("project-next-step", "G", "CM", "research", "S", [],
     "What is the next concrete step on your project, and what has been holding it up?"),
    ("more-responsibility", "G", "CM", "leadership", "S", [],
     "Where would you like to take on more responsibility: a committee, a quality "
     "improvement project, a chief year?"),
    ("chief-year", "L", "M", "leadership", "S", [9, 10, 11],
     "What does a chief year really involve, and how would I know whether it is for me?"),
    ("advising-path", "G", "A", "career", "S", [7, 8, 9],
     "Which career paths are you considering, and which rotations this year would let you "
     "test them?"),
    ("values-to-keep", "G", "MC", "identity", "S", [],
     "Which values do you want to keep wherever your career takes you?"),
    ("underused-strengths", "L", "M", "strengths", "S", [],
     "What strengths do you see in me that I might be underusing?"),
    ("outside-network", "L", "M", "community", "S", [],
     "How did you build a network of colleagues beyond our own institution?"),
    ("vision-good-day", "G", "MC", "vision", "SG", [],
     "Picture a good day at work five to ten years from now. Where are you, and what are "
     "you doing?"),
    ("vision-plan-earlier", "L", "M", "vision", "S", [],
     "Looking back, what do you wish you had planned earlier in your career, and what was "
     "fine to leave to chance?"),
    ("typical-week", "L", "M", "career", "SG", [],
     "What does a typical week in your job look like, and what do you love or dislike "
     "about it?"),
    ("balance-guide", "L", "M", "work_life_balance", "SG", [],
     "How do you balance work with family and a life outside medicine? What have you given "
     "up, and what have you refused to give up?"),
    # --- Graduating -----------------------------------------------------------------------
    ("job-offer", "L", "AM", "fellowship_job_search", "G", [1, 2, 3, 4],
     "How do I weigh and negotiate a job offer: salary, schedule, protected time, "
     "mentorship?"),
    ("boards-plan", "L", "A", "goals", "G", [1, 2, 3, 4],
     "What should my plan for the board examination look like, and when should I start?"),
    ("becoming-attending", "G", "MC", "identity", "G", [4, 5, 6],
     "What will change when you are the attending who signs the note? What are you looking "
     "forward to, and what worries you?"),
    ("strengths-noticed-next", "G", "CM", "strengths", "G", [3, 4, 5],
     "Which of your strengths do you want your next colleagues to notice first?"),
    ("mentors-next-job", "L", "M", "supports", "G", [4, 5, 6],
     "How do I find mentors in my next position, and may I stay in touch with you?"),
    ("looking-back", "G", "MCAP", "successes", "G", [5, 6],
     "Looking back over residency, what are you proudest of, and what did you learn about "
     "yourself?"),
    ("after-graduation", "G", "MCAP", "expectations", "G", [5, 6],
     "How would you like our relationship to continue after you graduate, if at all?"),
    # --- Any stage ------------------------------------------------------------------------
    ("still-working", "G", "MCAP", "expectations", "ISG", [12, 1],
     "Are our meetings still working for you: how often we meet, how, and what we cover? "
     "What should we change?"),
    ("coach-goal-today", "G", "C", "goals", "", [],
     "Which goal would you like to work on today, and what would a first step look like "
     "before we next meet?"),
    ("goal-since-last", "G", "CAM", "goals", "ISG", [],
     "Last time you set yourself a goal. How did it go, and what did you learn from it?"),
    ("went-well", "G", "C", "successes", "ISG", [],
     "What went well since we last met, and what did you do that made it go well?"),
    ("think-through-decision", "L", "C", "challenges", "ISG", [],
     "Can you help me think through a decision I am facing, without telling me what to "
     "choose?"),
    ("questions-before-path", "L", "C", "career", "SG", [],
     "Which questions should I be asking myself before I choose what to do after "
     "residency?"),
    ("hold-me-to-it", "L", "C", "goals", "", [],
     "Will you ask me next time about the step I am committing to today?"),
    ("ask-me-anything", "L", "MP", "challenges", "", [],
     "Can I bring you a situation from this month that I am still unsure how I handled?"),
]


def add_default_bank(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    for position, (key, direction, kinds, topic, stages, months, text) in enumerate(
        QUESTIONS, start=1
    ):
        Question.objects.get_or_create(
            uuid=uuid.uuid5(NAMESPACE, key),
            defaults={
                "program": None,
                "text": text,
                "direction": DIRECTIONS[direction],
                "kinds": [KINDS[k] for k in kinds],
                "topic": topic,
                "stages": [STAGES[s] for s in stages],
                "months": list(months),
                "position": position * 10,
                "is_active": True,
            },
        )


def remove_default_bank(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    keys = [uuid.uuid5(NAMESPACE, row[0]) for row in QUESTIONS]
    Question.objects.filter(program__isnull=True, uuid__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("questions", "0001_initial")]
    operations = [migrations.RunPython(add_default_bank, remove_default_bank)]
