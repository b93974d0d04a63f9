from django import forms

from dyad.fields import OnceForm


class RolloverForm(OnceForm, forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=3000, widget=forms.HiddenInput)
