"""Forms of the request, evaluative-role, safety and import pages."""

from django import forms
from django.utils import timezone
from django.utils.text import get_text_list

from dyad.profiles.models import ContentArea
from dyad.relationships import evaluative_import
from dyad.relationships.forms import PersonChoiceField
from dyad.relationships.models import EvaluativeKind, SafetyConcern


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


class EvaluativeRoleForm(forms.Form):
    evaluator = PersonChoiceField(queryset=None)
    kind = forms.ChoiceField(choices=EvaluativeKind.choices, label="Role")
    learner = PersonChoiceField(
        queryset=None,
        required=False,
        empty_label="(every learner)",
        help_text="Only for rotation supervision: the supervised learner. A CCC member, "
        "program director or APD evaluates every learner.",
    )
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty while the role lasts.",
    )

    def __init__(self, *args, members, learners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = members
        self.fields["learner"].queryset = learners
        self.initial.setdefault("start_date", timezone.localdate())

    def clean(self):
        data = super().clean()
        kind, learner = data.get("kind"), data.get("learner")
        if kind == EvaluativeKind.ROTATION_SUPERVISOR and not learner:
            self.add_error("learner", "Choose the learner this rotation supervisor evaluates.")
        if kind and kind != EvaluativeKind.ROTATION_SUPERVISOR and learner:
            self.add_error(
                "learner",
                f"A {EvaluativeKind(kind).label.lower()} evaluates every learner: leave this "
                "empty.",
            )
        if learner and learner == data.get("evaluator"):
            self.add_error("learner", "The evaluator and the learner are the same person.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        return data


class EvaluativeImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Evaluative roles (CSV)",
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "The file is empty.",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def clean_file(self) -> str:
        """The decoded text of the file."""
        upload = self.cleaned_data["file"]
        if upload.size > evaluative_import.MAX_BYTES:
            raise forms.ValidationError(
                f"This file is larger than {evaluative_import.MAX_BYTES // 1024} KB."
            )
        try:
            return evaluative_import.decode(upload.read())
        except evaluative_import.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None


class EvaluativeImportApplyForm(forms.Form):
    """The previewed file, carried back as text: it is parsed and checked again on apply."""

    csv_text = forms.CharField(
        widget=forms.HiddenInput, strip=False, max_length=evaluative_import.MAX_BYTES
    )


class ConcernForm(forms.Form):
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


class SafetyContactsForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Designated contacts",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contacts"]
        field.queryset = candidates
        field.label_from_instance = lambda user: f"{user.full_name or user.email} ({user.email})"
