from datetime import datetime

from django import forms
from django.utils import timezone

from dyad.fields import IntegerField, ModelMultipleChoiceField, OnceForm, SafeModelForm
from dyad.meetings.models import CadencePolicy
from dyad.profiles.models import ContentArea, MeetingMode


class MeetingForm(OnceForm, forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = IntegerField(
        label="Duration (minutes)", min_value=5, max_value=480, initial=45
    )
    mode = forms.ChoiceField(choices=MeetingMode.choices, initial=MeetingMode.IN_PERSON)
    place = forms.CharField(required=False, max_length=200, help_text="Room or address.")
    link = forms.URLField(required=False, label="Video link", assume_scheme="https")

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


class PreparationForm(forms.Form):
    goals = forms.CharField(
        label="Goals for this meeting", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    progress = forms.CharField(
        label="Progress since last time", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    obstacles = forms.CharField(
        label="What got in the way", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SummaryForm(forms.Form):
    text = forms.CharField(
        label="Shared summary", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    topics = ModelMultipleChoiceField(
        queryset=ContentArea.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = ContentArea.objects.for_program(program)


class ActionItemForm(forms.Form):
    text = forms.CharField(label="Action item", max_length=300)
    owner = forms.ChoiceField(choices=[("learner", "Learner"), ("guide", "Guide")])
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        label="Private note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you will ever see this: not the other person, not program leadership.",
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
