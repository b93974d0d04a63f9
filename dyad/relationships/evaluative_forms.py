"""Forms of the evaluative-roles pages: one role, and the CSV import (SPEC M3)."""

from django import forms
from django.utils import timezone

from dyad.fields import OnceForm
from dyad.relationships import evaluative_import
from dyad.relationships.forms import PersonChoiceField
from dyad.relationships.models import EvaluativeKind


class EvaluativeRoleForm(OnceForm, forms.Form):
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


class EvaluativeImportApplyForm(OnceForm, forms.Form):
    """The previewed file, carried back as text: it is parsed and checked again on apply."""

    csv_text = forms.CharField(
        widget=forms.HiddenInput, strip=False, max_length=evaluative_import.MAX_BYTES
    )
