from datetime import timedelta

from django import forms
from django.utils import timezone

from dyad.feedback.models import Area, Cycle, Item, ItemKind, RaterGroup
from dyad.feedback.services import DEFAULT_DAYS_OPEN
from dyad.fields import OnceForm, SafeModelForm, refuse_nul

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleForm(SafeModelForm):
    class Meta(SafeModelForm.Meta):
        model = Cycle
        fields = ["name", "opens_on", "closes_on"]
        labels = {"name": "Name", "opens_on": "Opens on", "closes_on": "Closes on"}
        help_texts = {
            "closes_on": "Links stop working after this day; the results can be read then.",
        }
        widgets = {"opens_on": DATE, "closes_on": DATE}

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on <= opens_on:
            self.add_error("closes_on", "The cycle must close after it opens.")
        return data


class NewCycleForm(OnceForm, CycleForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("name", f"360° feedback, {today:%B} {today.year}")
        self.initial.setdefault("opens_on", today)
        self.initial.setdefault("closes_on", today + timedelta(days=DEFAULT_DAYS_OPEN))


class ItemForm(forms.Form):
    kind = forms.ChoiceField(choices=ItemKind.choices, label="Kind")
    area = forms.ChoiceField(
        choices=Area.choices, required=False, label="Area (of a rated statement)"
    )
    text = forms.CharField(max_length=300, label="Statement or question")


class RaterForm(OnceForm, forms.Form):
    group = forms.ChoiceField(choices=RaterGroup.choices, label="Group")
    name = forms.CharField(max_length=120, label="Name")
    email = forms.EmailField(label="E-mail")


CANT_SAY = "na"


class AnswerForm(forms.Form):
    """A rater's answers: one 1–5 choice (or "can't say") per rated item, and the texts."""

    def __init__(self, *args, items: list[Item], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = f"item_{item.position}"
            if item.kind == ItemKind.RATING:
                self.fields[name] = forms.ChoiceField(
                    label=item.text,
                    choices=[(str(n), str(n)) for n in range(1, 6)] + [(CANT_SAY, "Can't say")],
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose a rating, or “Can't say”."},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=item.text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    validators=[refuse_nul],
                )

    def split(self, data) -> dict:
        """The cleaned answers as the service takes them."""
        ratings, texts = {}, {}
        for item in self.items:
            value = data.get(f"item_{item.position}")
            if item.kind == ItemKind.RATING:
                ratings[item.pk] = None if value in (None, "", CANT_SAY) else int(value)
            else:
                texts[item.pk] = value or ""
        return {"ratings": ratings, "texts": texts}

    def rated_fields(self):
        return [self[f"item_{i.position}"] for i in self.items if i.kind == ItemKind.RATING]

    def text_fields(self):
        return [self[f"item_{i.position}"] for i in self.items if i.kind == ItemKind.TEXT]
