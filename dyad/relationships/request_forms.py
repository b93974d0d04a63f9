"""The form a learner fills in to ask a guide from the directory (SPEC M6)."""

from django import forms

from dyad.profiles.models import ContentArea


class GuideRequestForm(forms.Form):
    kind = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="What would you like from this guide?",
        error_messages={"required": "Choose what you are asking for."},
    )
    focus_area = forms.ModelChoiceField(
        queryset=ContentArea.objects.none(),
        required=False,
        empty_label="(no particular area)",
        label="Focus area (optional)",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        label="Your message",
        help_text="Why this guide, what you hope to work on, when you are free. The guide "
        "reads it before answering.",
        error_messages={"required": "Write a short message to the guide."},
    )

    def __init__(self, *args, offers, program, **kwargs):
        """`offers`: the guide's offers with `remaining` places (selectors.offers_with_room);
        only those with room can be asked for."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (offer.kind, f"{offer.get_kind_display()} ({_places(offer.remaining)} left)")
            for offer in offers
            if offer.remaining > 0
        ]
        self.fields["focus_area"].queryset = ContentArea.objects.for_program(program)


def _places(n: int) -> str:
    return f"{n} place{'s' if n != 1 else ''}"
