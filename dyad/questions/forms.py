from django import forms

from dyad.fields import SUBMISSION_KEY, IntegerField, ModelMultipleChoiceField, OnceForm
from dyad.programs.models import GuidanceKind
from dyad.questions.models import MONTHS, Direction, Question, Stage, Topic


class BankFilterForm(forms.Form):
    """The filters of the bank's list page. Invalid values are ignored, not shown."""

    direction = forms.ChoiceField(
        choices=[("", "Either direction"), *Direction.choices], required=False
    )
    kind = forms.ChoiceField(
        choices=[("", "Any kind"), *GuidanceKind.choices], required=False, label="Kind"
    )
    topic = forms.ChoiceField(choices=[("", "Any topic"), *Topic.choices], required=False)
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Active and inactive"), ("active", "Active"), ("inactive", "Inactive")],
        required=False,
        label="Status",
    )

    def filters(self) -> dict:
        """Keyword arguments for selectors.bank_questions, from the valid fields only."""
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class QuestionForm(OnceForm, forms.Form):
    text = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Question",
        help_text="Open questions work best: “what”, “how”, “which”.",
    )
    direction = forms.ChoiceField(
        choices=Direction.choices, widget=forms.RadioSelect, label="Who asks"
    )
    kinds = forms.MultipleChoiceField(
        choices=GuidanceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of relationship",
        error_messages={"required": "Choose at least one kind of relationship."},
    )
    topic = forms.ChoiceField(choices=Topic.choices)
    stages = forms.MultipleChoiceField(
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None: suggested at every stage.",
    )
    months = forms.TypedMultipleChoiceField(
        choices=MONTHS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Months of relevance",
        help_text="None: suggested in any month.",
    )
    position = IntegerField(
        min_value=0,
        # Far beyond any real bank, and inside what every database stores as an integer.
        max_value=1_000_000,
        required=False,
        help_text="Lower numbers come first, in this list and in agendas. Empty: last.",
    )

    @classmethod
    def for_question(cls, question: Question, data=None):
        initial = {name: getattr(question, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def clean_text(self):
        return " ".join(self.cleaned_data["text"].split())

    def question_fields(self) -> dict:
        """Keyword arguments for the services, in the bank's own order of choices."""
        data = dict(self.cleaned_data)
        data.pop(SUBMISSION_KEY, None)
        data["kinds"] = [k for k in GuidanceKind.values if k in data["kinds"]]
        data["stages"] = [s for s in Stage.values if s in data["stages"]]
        data["months"] = sorted(data["months"])
        return data


class AskedForm(forms.Form):
    """The questions of a suggested agenda that the pair discussed."""

    question = ModelMultipleChoiceField(
        queryset=Question.objects.none(),
        to_field_name="uuid",
        error_messages={"required": "Tick the questions you discussed."},
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = questions
