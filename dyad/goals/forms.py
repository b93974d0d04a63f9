from django import forms

from dyad.fields import ModelChoiceField, ModelMultipleChoiceField, OnceForm, SafeModelForm
from dyad.goals.models import (
    Achievement,
    AchievementKind,
    CheckIn,
    Competency,
    Goal,
    GoalStatus,
    Ilp,
    Progress,
    Step,
)
from dyad.lib import smart
from dyad.lib.ilp import MAX_REVIEW_DATES
from dyad.relationships.models import Relationship

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _pairing_label(relationship: Relationship, user=None) -> str:
    """ "Mentoring with <guide>" for the learner, "Mentoring of <learner>" for the guide."""
    if user is not None and relationship.guide_id == user.pk:
        return f"{relationship.get_kind_display()} of {relationship.learner.full_name}"
    return f"{relationship.get_kind_display()} with {relationship.guide.full_name}"


class PairingChoiceField(ModelChoiceField):
    user = None

    def label_from_instance(self, obj):
        return _pairing_label(obj, self.user)


class PairingsField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _pairing_label(obj)


class GoalForm(SafeModelForm):
    """A goal in the learner's words. A new goal may belong to one of `pairings` (the open
    relationships of `user`, as learner or as guide); only a learner (`personal`) may keep
    one to themself, and show it to the guides of `shares` (their own open pairings)."""

    relationship = PairingChoiceField(
        queryset=Relationship.objects.none(),
        required=False,
        empty_label="Just me (private unless I share it)",
        label="Whose goal is it?",
    )
    shared_with = PairingsField(
        queryset=Relationship.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="If it is just yours, show it to",
    )

    class Meta(SafeModelForm.Meta):
        model = Goal
        fields = ["title", "description", "measure", "target_date", "competency", "relevance"]
        labels = {
            "title": "Goal",
            "description": "What you will do",
            "measure": "How you will know you got there",
            "target_date": "Target date",
            "competency": "ACGME competency",
            "relevance": "Why it matters to you",
        }
        help_texts = {
            "measure": "A number, a count, a score, a date.",
            "relevance": "A career aim, or a need you noticed.",
        }
        widgets = {"target_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, pairings, shares, new: bool, personal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [
            ("", "— none chosen —"),
            *self.fields["competency"].choices[1:],
        ]
        if new:
            field = self.fields["relationship"]
            field.queryset = pairings.select_related("guide", "learner")
            field.user = user
            if not personal:
                field.required, field.empty_label = True, None
                field.error_messages["required"] = "Choose the pairing this goal belongs to."
        else:
            del self.fields["relationship"]
        shares = shares.select_related("guide")
        if personal and shares.exists():
            self.fields["shared_with"].queryset = shares
            if self.instance.pk:
                self.initial["shared_with"] = list(self.instance.shared_with.all())
        else:
            del self.fields["shared_with"]
        self.order_fields(["relationship", *self.Meta.fields, "shared_with"])

    def draft(self) -> smart.Draft:
        """The goal as typed so far, for feedback: fields that do not parse count as empty."""
        if not self.is_bound:
            return self.instance.as_draft()
        self.is_valid()
        data = self.cleaned_data
        return smart.Draft(
            title=data.get("title") or "",
            description=data.get("description") or "",
            measure=data.get("measure") or "",
            target_date=data.get("target_date"),
            relevance=data.get("relevance") or "",
            competency=data.get("competency") or "",
        )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(GoalStatus.ACHIEVED, "Achieved"), (GoalStatus.DROPPED, "Dropped")],
        widget=forms.RadioSelect,
        label="How did it end?",
    )
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reflection",
        help_text="What you learned, or why you let it go.",
    )


class StepForm(SafeModelForm):
    class Meta(SafeModelForm.Meta):
        model = Step
        fields = ["kind", "text", "due_date"]
        labels = {"kind": "Kind", "text": "Step", "due_date": "Due"}
        widgets = {"due_date": DATE}


class MeetingChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.starts_at:%b %-d, %Y} ({obj.get_status_display().lower()})"


class CheckInForm(SafeModelForm):
    meeting = MeetingChoiceField(
        queryset=None, required=False, empty_label="Not at a meeting", label="At meeting"
    )

    class Meta(SafeModelForm.Meta):
        model = CheckIn
        fields = ["note", "percent", "progress", "meeting"]
        labels = {"note": "Progress note", "percent": "Percent done", "progress": "Status"}
        widgets = {
            "note": forms.Textarea(attrs={"rows": 2}),
            "percent": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings.order_by("-starts_at")
        self.fields["progress"].choices = [("", "— not said —"), *Progress.choices]


class GoalChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class AchievementForm(SafeModelForm):
    goal = GoalChoiceField(
        queryset=None, required=False, empty_label="No goal", label="Linked goal"
    )
    link = forms.URLField(required=False, assume_scheme="https", label="Link (optional)")

    class Meta(SafeModelForm.Meta):
        model = Achievement
        fields = ["kind", "title", "date", "description", "link", "goal"]
        labels = {"kind": "Kind of success", "link": "Link (optional)"}
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["kind"].choices = AchievementKind.choices


# --- ILP (SPEC M7) ------------------------------------------------------------------------


class IlpStartForm(OnceForm, forms.Form):
    """Start this year's plan: a button, with the one-time key of a create form."""


class IlpForm(SafeModelForm):
    """The plan's sections, a self-assessment line per competency where it helps, and the
    review dates (the program's two by default)."""

    class Meta(SafeModelForm.Meta):
        model = Ilp
        fields = ["strengths", "growth_areas", "strategies", "resources", "timeline"]
        labels = {
            "strengths": "Strengths",
            "growth_areas": "Areas for growth",
            "strategies": "Strategies",
            "resources": "Resources",
            "timeline": "Timeline",
        }
        help_texts = {
            "strengths": "What you do well: feedback you received, what you are proud of.",
            "growth_areas": "What you want to get better at this year.",
            "strategies": "How you will work on your goals: rotations, practice, feedback.",
            "resources": "People, courses, reading, simulation, time you need.",
            "timeline": "What happens when: one line per step, e.g. “Oct: submit abstract”.",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        notes = self.instance.competency_notes or {}
        for code, label in Competency.choices:
            self.fields[f"note_{code}"] = forms.CharField(
                label=label,
                required=False,
                max_length=1000,
                initial=notes.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        dates = self.instance.review_days
        for n in range(1, MAX_REVIEW_DATES + 1):
            self.fields[f"review_{n}"] = forms.DateField(
                label=f"Review {n}",
                required=False,
                widget=DATE,
                initial=dates[n - 1] if n <= len(dates) else None,
            )

    def competency_fields(self):
        return [self[f"note_{code}"] for code in Competency.values]

    def review_fields(self):
        return [self[f"review_{n}"] for n in range(1, MAX_REVIEW_DATES + 1)]

    def section_fields(self):
        return [self[name] for name in self.Meta.fields]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            **{name: data.get(name, "") for name in self.Meta.fields},
            "competency_notes": {code: data.get(f"note_{code}", "") for code in Competency.values},
            "review_dates": [data.get(f"review_{n}") for n in range(1, MAX_REVIEW_DATES + 1)],
        }


class IlpShareForm(forms.Form):
    shared_with = PairingsField(
        queryset=Relationship.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Share my plan with",
    )

    def __init__(self, *args, pairings, initial_shares=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = pairings.select_related("guide")
        self.initial["shared_with"] = list(initial_shares)


class IlpGoalForm(OnceForm, GoalForm):
    """A learning goal of the plan: a goal like any other (the SMART feedback applies),
    linked to one ACGME competency."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            user=None,
            pairings=Relationship.objects.none(),
            shares=Relationship.objects.none(),
            new=True,
            personal=True,
            **kwargs,
        )
        del self.fields["relationship"]
        competency = self.fields["competency"]
        competency.required = True
        competency.choices = [("", "— choose one —"), *Competency.choices]
        competency.error_messages["required"] = "Link the goal to one of the ACGME competencies."


class IlpReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Date of the review meeting", widget=DATE)
    note = forms.CharField(
        label="What you agreed",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Progress on the goals, what to change, what to do before the next review.",
    )
