from django import forms

from dyad.fields import OnceForm

TEXT = {"rows": 8}


class DocumentForm(OnceForm, forms.Form):
    """The leaders' part of a document. Once sent, each save makes a new version: the
    one-time key keeps a double click from making two."""

    expectations = forms.CharField(
        label="What the program expects",
        max_length=20000,
        widget=forms.Textarea(attrs=TEXT),
        help_text="Duties and habits, and what to do when a pairing does not work.",
    )
    confidentiality = forms.CharField(
        label="Confidentiality",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What stays between the pair, and its one exception.",
    )


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=32767, widget=forms.HiddenInput)


class AgreeForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read the consent terms above and agree to abide by them this year.",
        error_messages={"required": "Tick the box to record your agreement."},
    )
