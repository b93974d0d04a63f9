from datetime import datetime, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from dyad.fields import IntegerField, OnceForm, SafeModelForm
from dyad.meetings.models import CadencePolicy, MeetingStatus
from dyad.profiles.models import ContentArea, MeetingMode


class MeetingForm(OnceForm, forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = IntegerField(
        label="Duration (minutes)", min_value=5, max_value=480, initial=45
    )
    mode = forms.ChoiceField(choices=MeetingMode.choices, initial=MeetingMode.IN_PERSON)
    place = forms.CharField(required=False, max_length=200, help_text="Room or address.")
    link = forms.URLField(required=False, max_length=200, label="Video link", assume_scheme="https")

    # Far enough for any real plan or record; near enough that end times and calendar
    # entries stay well within what dates can hold.
    YEARS_EITHER_SIDE = 10

    def clean_date(self):
        day = self.cleaned_data["date"]
        reach = timedelta(days=365 * self.YEARS_EITHER_SIDE)
        today = timezone.localdate()
        if not today - reach <= day <= today + reach:
            raise forms.ValidationError(
                f"Choose a date within {self.YEARS_EITHER_SIDE} years of today."
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            naive = datetime.combine(data["date"], data["time"])
            data["starts_at"] = timezone.make_aware(naive, timezone.get_current_timezone())
        if data.get("mode") == MeetingMode.VIDEO and not data.get("link"):
            self.add_error("link", "Give the video link, so that both can join.")
        if data.get("mode") == MeetingMode.IN_PERSON and not data.get("place"):
            self.add_error("place", "Say where you meet.")
        return data

    def meeting_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "mode": data["mode"],
            "place": data["place"],
            "link": data["link"],
        }


# Generous for a page of writing; a limit keeps a runaway paste out of the database.
NOTE_MAX = 10_000


def _note(label, **kwargs):
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": kwargs.pop("rows", 3)}),
        **kwargs,
    )


class PreparationForm(forms.Form):
    goals = _note("Goals for this meeting")
    progress = _note("Progress since last time")
    obstacles = _note("What got in the way")


class AttachmentForm(forms.Form):
    """What the file is and how big it may be is the service's judgement (it reads the
    content); the form only asks that a file came."""

    file = forms.FileField(
        label="Attach a file",
        help_text="PDF, Word, Excel, PowerPoint, plain text, PNG or JPEG. Your guide can open it "
        "before you meet.",
        error_messages={"required": "Choose a file to attach.", "empty": "The file is empty."},
    )


class SummaryForm(forms.Form):
    text = _note("Shared summary", rows=5)
    # Checked against the program's topics in Python: a made-up id never reaches a query.
    topics = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {str(area.pk): area for area in ContentArea.objects.for_program(program)}
        self.fields["topics"].choices = [(pk, area.name) for pk, area in self.areas.items()]

    def clean_topics(self):
        return [self.areas[pk] for pk in self.cleaned_data["topics"]]


class ActionItemForm(forms.Form):
    text = forms.CharField(label="Action item", max_length=300)
    owner = forms.ChoiceField(choices=[("learner", "Learner"), ("guide", "Guide")])
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PrivateNoteForm(forms.Form):
    text = _note(
        "Private note",
        rows=4,
        help_text="Only you will ever see this: not the other person, not program leadership.",
    )


class OutcomeForm(forms.Form):
    """Whether a meeting whose time has come took place."""

    outcome = forms.ChoiceField(
        choices=[(MeetingStatus.HELD, "We met"), (MeetingStatus.MISSED, "It did not happen")],
        error_messages={"required": "Say whether the meeting took place."},
    )


class CadencePolicyForm(SafeModelForm):
    class Meta(SafeModelForm.Meta):
        model = CadencePolicy
        fields = [
            "first_meeting_in_person",
            "first_meeting_days_midyear",
            "monthly_months",
            "max_gap_days",
            "min_in_person_per_year",
            "due_soon_days",
            "escalation_grace_days",
        ]
        labels = {
            "first_meeting_in_person": "First meeting of the year in person",
            "first_meeting_days_midyear": "Days to the first meeting (mid-year start)",
            "monthly_months": "Monthly meetings for the first … months",
            "max_gap_days": "Then at most … days between meetings",
            "min_in_person_per_year": "In-person meetings a year, at least",
            "due_soon_days": "“Due soon” … days ahead",
            "escalation_grace_days": "Tell the coordinator after … days overdue",
        }

    # Bounds a real program stays within, and inside what the cadence engine accepts:
    # a value outside them would stop every dashboard and reminder of the program.
    LIMITS = {
        "first_meeting_days_midyear": (0, 365),
        "monthly_months": (0, 12),
        "max_gap_days": (7, 366),
        "min_in_person_per_year": (0, 52),
        "due_soon_days": (0, 90),
        "escalation_grace_days": (0, 365),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.LIMITS.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.widget.attrs.update(min=low, max=high)
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
