from django import forms

from dyad.reminders.models import Kind


class ReminderPreferencesForm(forms.Form):
    enabled = forms.MultipleChoiceField(
        label="E-mail me when",
        choices=[(kind.value, kind.label) for kind in Kind.optional()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Untick what you would rather not receive.",
    )
