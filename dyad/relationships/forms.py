from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from dyad.accounts.models import User
from dyad.fields import ModelChoiceField, OnceForm
from dyad.profiles.models import ContentArea, MeetingMode
from dyad.programs.models import GuidanceKind, Membership
from dyad.relationships.models import ConsentCategory, EndReason, Frequency, Scheduler


def person_label(first_name: str, last_name: str, email: str) -> str:
    """How a person is listed in a choice: their name (or e-mail) and e-mail."""
    return f"{f'{first_name} {last_name}'.strip() or email} ({email})"


class PersonChoiceIterator(ModelChoiceIterator):
    """The options from the four columns they show rather than from whole users: a
    program's hundreds of people, listed in every form that picks one."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "first_name", "last_name", "email")
        for pk, first_name, last_name, email in rows:
            yield (pk, person_label(first_name, last_name, email))


class PersonChoiceField(ModelChoiceField):
    iterator = PersonChoiceIterator

    def label_from_instance(self, obj):
        return person_label(obj.first_name, obj.last_name, obj.email)


class AssignForm(OnceForm, forms.Form):
    learner = PersonChoiceField(queryset=User.objects.none())
    guide = PersonChoiceField(queryset=User.objects.none())
    kind = forms.ChoiceField(choices=GuidanceKind.choices)
    focus_area = ModelChoiceField(
        queryset=ContentArea.objects.none(), required=False, empty_label="(none)"
    )
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    supplemental_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only for a supplemental, time-limited relationship.",
    )
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Director's override",
        help_text="Only if the guide evaluates the learner and you, as program director, "
        "decide to allow it anyway: say why. This is recorded in the audit log.",
    )

    def __init__(self, *args, program, can_override, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(program=program)
        self.fields["learner"].queryset = User.objects.filter(
            pk__in=members.learners().values("user_id")
        )
        self.fields["guide"].queryset = User.objects.filter(
            pk__in=members.values("user_id"), guide_profile__offers__capacity__gt=0
        ).distinct()
        self.fields["focus_area"].queryset = ContentArea.objects.for_program(program)
        self.initial.setdefault("start_date", timezone.localdate())
        if not can_override:
            del self.fields["override_reason"]


class AgreementForm(forms.Form):
    goals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What do you want from this relationship this year?",
    )
    meeting_frequency = forms.ChoiceField(choices=Frequency.choices)
    later_after_months = forms.IntegerField(
        min_value=1,
        max_value=36,
        required=False,
        label="Then, after how many months",
        help_text="Optional: another frequency once the relationship is this many months "
        "old, e.g. monthly for the first 3 months, then every three months.",
    )
    later_frequency = forms.ChoiceField(
        choices=[("", "No change"), *Frequency.choices],
        required=False,
        label="Meet from then on",
    )
    scheduler = forms.ChoiceField(choices=Scheduler.choices, label="Who schedules meetings")
    preferred_modes = forms.MultipleChoiceField(
        choices=MeetingMode.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    confidentiality = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="Confidentiality statement"
    )
    consent = forms.MultipleChoiceField(
        choices=ConsentCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="What program leadership may see",
        help_text="Program leadership always knows that this relationship exists, its kind, "
        "dates and state. They see nothing else unless the learner ticks it here. Program "
        "leaders also take part in assessment. Changing only this takes effect at once; a "
        "change to anything else waits until you both acknowledge the new version.",
    )

    def __init__(self, *args, learner_decides: bool, **kwargs):
        """`learner_decides`: the person filling it in is the learner. Anyone else sees the
        consent read-only: it is the learner's decision alone."""
        super().__init__(*args, **kwargs)
        if not learner_decides:
            consent = self.fields["consent"]
            consent.disabled = True
            consent.help_text = (
                "Only the learner decides what program leadership may see, so you can read "
                "this part but not change it. Program leadership always knows that this "
                "relationship exists, its kind, dates and state."
            )

    def clean(self):
        data = super().clean()
        months, later = data.get("later_after_months"), data.get("later_frequency")
        if months and not later:
            self.add_error("later_frequency", "Choose how often to meet after that month.")
        elif later and not months:
            self.add_error("later_after_months", "Say after how many months it changes.")
        elif later and later == data.get("meeting_frequency"):
            # The same frequency all along: nothing changes, so nothing to store.
            data["later_after_months"], data["later_frequency"] = None, ""
        return data


class EndForm(forms.Form):
    reason = forms.ChoiceField(choices=EndReason.choices)
    do_not_repair = forms.BooleanField(
        required=False,
        label="Do not pair these two again",
        help_text="The assignment form and matching will refuse this pair.",
    )


class RematchForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What is not working?",
        help_text="Only program leadership reads this. The other person is not told that "
        "you asked, nor why.",
    )
    wants_new_guide = forms.BooleanField(
        required=False, initial=True, label="I would like a new pairing"
    )


class RematchCloseForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="How was it resolved?",
        help_text="Read by program leadership only; neither party sees it.",
        error_messages={
            "required": "Write a short note on how this was resolved: it stays with program "
            "leadership."
        },
    )
