from django import forms

from dyad.api.models import Scope
from dyad.fields import OnceForm


class TokenCreateForm(OnceForm, forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What will use it, so that you recognize it later (e.g. “Nightly roster sync”).",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give a token only what its job needs.",
    )
