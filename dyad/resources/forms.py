from django import forms

from dyad.fields import OnceForm, SafeModelForm
from dyad.resources.models import Resource


class ResourceForm(SafeModelForm):
    """A link or a file; which kinds of file and how big is the service's judgement (it
    reads the content)."""

    link = forms.URLField(
        label="A link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="An address starting with https://, e.g. an orientation video.",
    )
    file = forms.FileField(
        label="Or a file",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, plain text, PNG or JPEG.",
    )

    class Meta(SafeModelForm.Meta):
        model = Resource
        fields = ["title", "description", "kind", "audience", "link"]
        labels = {"kind": "For which pairings", "audience": "Who sees it"}
        help_texts = {"kind": "Leave empty if it helps in every kind of pairing."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every kind of pairing")] + [
            c for c in self.fields["kind"].choices if c[0]
        ]
        self.fields["description"].max_length = 1000

    def resource_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "kind": data["kind"],
            "audience": data["audience"],
            "link": data["link"],
            "upload": data.get("file") or None,
        }


class NewResourceForm(OnceForm, ResourceForm):
    pass
