from django import forms

from dyad.coaching import selectors
from dyad.coaching.models import CoachingSettings, EngagementState, EngagementType
from dyad.fields import (
    IntegerField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    OnceForm,
    SafeModelForm,
)
from dyad.lib import coaching as rules
from dyad.relationships.models import Frequency, Relationship

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class SettingsForm(SafeModelForm):
    class Meta(SafeModelForm.Meta):
        model = CoachingSettings
        fields = ["program_wide", "targeted", "executive"]


class EngagementForm(OnceForm, forms.Form):
    """Start an engagement: who is coached, by whom, from when, until when, how often.
    A referral uses it without the type (it is targeted)."""

    engagement_type = forms.ChoiceField(label="Type of coaching", choices=())
    learner = PersonChoiceField(queryset=None, label="Coachee")
    coach = PersonChoiceField(queryset=None, label="Coach")
    start_date = forms.DateField(label="Start", widget=DATE)
    planned_end = forms.DateField(
        label="Planned end",
        widget=DATE,
        required=False,
        help_text="Executive coaching runs six months or more.",
    )
    cadence = forms.ChoiceField(
        label="How often they meet",
        choices=Frequency.choices,
        initial=Frequency.MONTHLY,
        help_text="Becomes the meeting frequency of their agreement. Executive: weekly to monthly.",
    )

    def __init__(self, *args, program, settings, referral: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if referral:
            del self.fields["engagement_type"]
            types = [EngagementType.TARGETED]
            self.fields["learner"].label = "Resident"
            self.fields[
                "learner"
            ].help_text = (
                "The referral records only that coaching happens: no reason is asked or kept."
            )
        else:
            types = [t for t in settings.offered_types if t != EngagementType.TARGETED]
            self.fields["engagement_type"].choices = [(t, EngagementType(t).label) for t in types]
        self.fields["learner"].queryset = selectors.coachees(program, types)
        self.fields["coach"].queryset = selectors.coaches(program)


class EndForm(forms.Form):
    state = forms.ChoiceField(
        label="How it ended",
        choices=[
            (EngagementState.COMPLETED, "Completed"),
            (EngagementState.STOPPED, "Stopped early"),
        ],
    )


class CoachInviteForm(OnceForm, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="E-mail")
    agency = forms.CharField(max_length=200, label="Coaching agency")
    capacity = IntegerField(min_value=1, max_value=10, initial=3, label="Coachees they can take")


class ValuesForm(forms.Form):
    """Rank up to MAX_RANKED values, most important first; add one of your own; reflect."""

    add_value = forms.CharField(
        max_length=rules.MAX_VALUE_LENGTH,
        required=False,
        label="Add a value of your own",
        help_text="It joins the list below once saved.",
    )

    def __init__(self, *args, exercise, available: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(v, v) for v in available]]
        ranked = list(exercise.ranked)
        self.rank_names = []
        for n in range(1, rules.MAX_RANKED + 1):
            name = f"rank_{n}"
            self.rank_names.append(name)
            self.fields[name] = forms.ChoiceField(
                choices=choices,
                required=False,
                label=f"{n}.",
                initial=ranked[n - 1] if n <= len(ranked) else "",
            )
        self.prompt_names = []
        for key, prompt in rules.PROMPTS:
            name = f"reflect_{key}"
            self.prompt_names.append(name)
            self.fields[name] = forms.CharField(
                label=prompt,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=exercise.reflections.get(key, ""),
            )

    @property
    def rank_fields(self):
        return [self[name] for name in self.rank_names]

    @property
    def prompt_fields(self):
        return [self[name] for name in self.prompt_names]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "ranked": [data.get(name, "") for name in self.rank_names],
            "reflections": {key: data.get(f"reflect_{key}", "") for key, _ in rules.PROMPTS},
            "add_value": data.get("add_value", ""),
        }


class ShareForm(forms.Form):
    relationships = ModelMultipleChoiceField(
        queryset=Relationship.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Show my values to",
    )

    def __init__(self, *args, program, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["relationships"]
        field.queryset = selectors.shareable_relationships(program, user)
        field.label_from_instance = lambda r: f"My coach {r.guide.full_name}"
