from django import forms

from dyad.fields import ModelMultipleChoiceField, OnceForm, SafeModelForm
from dyad.programs.models import GuidanceKind
from dyad.training.models import TrainingModule


class ModuleForm(SafeModelForm):
    required_for = forms.MultipleChoiceField(
        label="Required before someone may",
        choices=[
            (GuidanceKind.MENTORING, "Mentor"),
            (GuidanceKind.COACHING, "Coach"),
            (GuidanceKind.ADVISING, "Advise"),
            (GuidanceKind.PEER_MENTORING, "Peer-mentor"),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none if it is offered but not required.",
    )

    class Meta(SafeModelForm.Meta):
        model = TrainingModule
        fields = ["title", "description", "valid_months"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class NewModuleForm(OnceForm, ModuleForm):
    pass


class CompletionForm(forms.Form):
    people = ModelMultipleChoiceField(
        queryset=None,
        label="Who completed it",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one person."},
    )
    completed_on = forms.DateField(
        label="Completed on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["people"].label_from_instance = lambda u: u.full_name
