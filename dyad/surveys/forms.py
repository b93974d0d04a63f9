from django import forms
from django.utils import timezone

from dyad.fields import OnceForm, refuse_nul
from dyad.lib.survey_cycles import next_proposal
from dyad.surveys.models import Audience, CycleQuestion, QuestionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuestionEditForm(forms.Form):
    audience = forms.ChoiceField(choices=Audience.choices, label="Asked of")
    text = forms.CharField(max_length=300, label="Question", validators=[refuse_nul])
    low_label = forms.CharField(
        max_length=60, required=False, label="Label of 1 (scale)", validators=[refuse_nul]
    )
    high_label = forms.CharField(
        max_length=60, required=False, label="Label of 5 (scale)", validators=[refuse_nul]
    )
    options = forms.CharField(
        required=False,
        max_length=2000,
        label="Options (single choice), one per line",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[refuse_nul],
    )
    satisfaction = forms.BooleanField(
        required=False,
        label="Counts toward satisfaction (scale only)",
        help_text="Its mean is followed across surveys on the surveys page and in reports.",
    )

    def clean_options(self):
        lines = [line.strip() for line in self.cleaned_data["options"].splitlines()]
        options = list(dict.fromkeys(line[:200] for line in lines if line))
        if len(options) > 12:
            raise forms.ValidationError("Twelve options at most.")
        return options


class QuestionForm(OnceForm, QuestionEditForm):
    kind = forms.ChoiceField(choices=QuestionKind.choices, label="Kind")
    field_order = ["kind", "audience", "text"]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class PickForm(forms.Form):
    picked = forms.BooleanField(required=False)


class CycleForm(OnceForm, forms.Form):
    name = forms.CharField(max_length=120, label="Name", validators=[refuse_nul])
    audience = forms.ChoiceField(choices=Audience.choices, label="Asked of")
    opens_on = forms.DateField(label="Opens on", widget=DATE)
    closes_on = forms.DateField(
        label="Closes on",
        widget=DATE,
        help_text="Answers are taken until this day; the results can be read after it.",
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        proposal = next_proposal(timezone.localdate(), program.academic_year_start_month)
        self.initial.setdefault("name", proposal.name)
        self.initial.setdefault("audience", Audience.BOTH)
        self.initial.setdefault("opens_on", proposal.opens_on)
        self.initial.setdefault("closes_on", proposal.closes_on)

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on <= opens_on:
            self.add_error("closes_on", "The survey must close after it opens.")
        return data


class AnswerForm(OnceForm, forms.Form):
    """One person's answers: every scale and choice question, free text optional."""

    def __init__(self, *args, questions: list[CycleQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            name = f"q_{q.position}"
            if q.is_scale:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    choices=[(str(n), str(n)) for n in range(1, 6)],
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose a value from 1 to 5."},
                )
            elif q.is_choice:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    choices=[(option, option) for option in q.options],
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose one."},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    validators=[refuse_nul],
                )

    def answers(self, data) -> dict:
        return {q.pk: data.get(f"q_{q.position}") for q in self.questions}

    def entries(self):
        return [(q, self[f"q_{q.position}"]) for q in self.questions]
