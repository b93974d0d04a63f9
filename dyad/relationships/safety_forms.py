"""Forms of the safety pages: raising a concern, designating the contacts (SPEC M11)."""

from django import forms

from dyad.fields import CheckboxSelectMultiple, ModelMultipleChoiceField, OnceForm
from dyad.relationships.forms import PersonChoiceIterator, person_label
from dyad.relationships.models import SafetyConcern


class ConcernForm(OnceForm, forms.Form):
    urgency = forms.ChoiceField(
        choices=SafetyConcern._meta.get_field("urgency").choices,
        initial="routine",
        widget=forms.RadioSelect,
        label="How soon should someone act?",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="What worries you",
        help_text="What you noticed and any help already offered. Only the program's "
        "designated contacts read this; the e-mail they receive does not contain it.",
        error_messages={"required": "Describe the concern so that the contacts can act on it."},
    )


class SafetyContactsForm(OnceForm, forms.Form):
    contacts = ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=CheckboxSelectMultiple,  # hundreds of people: written without a template each
        label="Designated contacts",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contacts"]
        field.iterator = PersonChoiceIterator  # before the queryset, which sets the choices
        field.queryset = candidates
        field.label_from_instance = lambda user: person_label(
            user.first_name, user.last_name, user.email
        )
