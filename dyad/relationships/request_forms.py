"""The form a learner fills in to ask a guide from the directory (SPEC M6)."""

from django import forms
from django.utils.text import get_text_list

from dyad.fields import ModelChoiceField, OnceForm
from dyad.profiles.models import ContentArea


class GuideRequestForm(OnceForm, forms.Form):
    kind = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="What would you like from this guide?",
        error_messages={"required": "Choose what you are asking for."},
    )
    focus_area = ModelChoiceField(
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
        """`offers`: the guide's offers as the learner sees them (OfferStatus of
        profiles.availability). Only those the learner may ask for are choices: open to
        new learners, and not in a kind barred because the guide evaluates the learner.
        The others are kept in `unavailable`, each with why, to be shown beside them."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (status.kind, f"{status.label} ({_places(status.offer.remaining)} left)")
            for status in offers
            if status.is_requestable
        ]
        self.unavailable = [status for status in offers if not status.is_requestable]
        self.fields["focus_area"].queryset = ContentArea.objects.for_program(program)

    @property
    def unavailable_text(self) -> str:
        """ "coaching and mentoring (they evaluate you); advising (full)": the kinds left
        out of the choices, grouped by why."""
        groups: dict[str, list[str]] = {}
        for status in self.unavailable:
            reason = "they evaluate you" if status.state == "conflict" else status.text
            groups.setdefault(reason, []).append(status.label.lower())
        return "; ".join(
            f"{get_text_list(kinds, 'and')} ({reason})" for reason, kinds in groups.items()
        )


def _places(n: int) -> str:
    return f"{n} place{'s' if n != 1 else ''}"
