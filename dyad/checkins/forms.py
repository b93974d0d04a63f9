from django import forms

from dyad.checkins.models import RATING_CHOICES
from dyad.fields import IntegerField, OnceForm


class CheckInForm(OnceForm, forms.Form):
    rating = forms.TypedChoiceField(
        label="How well is this pairing working for you?",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a point from 1 to 5."},
    )
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For program leadership only: the other person never sees your answer.",
    )


class SettingsForm(forms.Form):
    interval_months = IntegerField(
        label="Ask again every (months)", min_value=1, max_value=12, initial=4
    )
    low_threshold = IntegerField(
        label="Alert leadership at a rating of or below",
        min_value=1,
        max_value=4,
        initial=2,
        help_text="On the 1–5 scale: 2 alerts at 1 and 2.",
    )
