from django import forms
from django.db.models import Q
from django.utils.text import slugify

from dyad.fields import (
    IntegerField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    OnceForm,
    SafeModelForm,
    refuse_nul,
)
from dyad.profiles.models import ContentArea, GuideProfile, LearnerProfile, MeetingMode
from dyad.profiles.services import MAX_CAPACITY
from dyad.programs.models import GuidanceKind

DEFAULT_CAPACITY = 2

# What each kind asks of a guide (SPEC §0), shown next to the offer so nobody conflates them.
KIND_HINTS = {
    GuidanceKind.MENTORING: "A longitudinal relationship for career and professional "
    "identity; non-evaluative.",
    GuidanceKind.COACHING: "Skills and performance through goals, values and action plans; "
    "non-evaluative; coach training expected.",
    GuidanceKind.ADVISING: "Requirements, milestones and career logistics.",
    GuidanceKind.PEER_MENTORING: "A senior resident guiding an intern or fellow residents.",
}


def parse_list(text: str) -> list[str]:
    """'English, spanish ,English,' → ['English', 'spanish']: trimmed, first spelling kept."""
    items: list[str] = []
    seen: set[str] = set()
    for raw in text.split(","):
        item = " ".join(raw.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


class CommaSeparatedField(forms.CharField):
    """A list of short texts, typed as one comma-separated line."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        # The validators see the list, in which a NUL no longer shows: refuse it here.
        refuse_nul(value)
        return parse_list(super().to_python(value) or "")


class ContentAreaChoiceField(ModelMultipleChoiceField):
    name_programs = False

    def label_from_instance(self, obj: ContentArea) -> str:
        # Someone in several programs sees whose own area each one is.
        if self.name_programs and obj.program_id:
            return f"{obj.name} ({obj.program.name})"
        return obj.name


def _languages_field() -> CommaSeparatedField:
    return CommaSeparatedField(
        required=False,
        max_length=500,
        help_text="Separate them with commas, e.g. English, Spanish.",
    )


def _content_areas_field(areas, label: str, name_programs: bool) -> ContentAreaChoiceField:
    field = ContentAreaChoiceField(
        queryset=areas.select_related("program").order_by("program_id", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
    )
    field.name_programs = name_programs
    return field


class GuideProfileForm(SafeModelForm):
    """A guide's profile and what they offer. The view saves it with guide_profile_update."""

    languages = _languages_field()
    meeting_modes = forms.MultipleChoiceField(
        choices=MeetingMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Ways you can meet",
    )

    class Meta(SafeModelForm.Meta):
        model = GuideProfile
        fields = [
            "title",
            "department",
            "division",
            "bio",
            "content_areas",
            "skills",
            "career_path",
            "clinical_interests",
            "outside_interests",
            "languages",
            "meeting_modes",
            "accepting_new",
            "fte_effort",
        ]
        labels = {"bio": "About you", "content_areas": "Content areas"}
        help_texts = {
            "bio": "A few sentences in your own voice: what you do and what you enjoy.",
            "skills": "e.g. grant writing, QI methods, point-of-care ultrasound.",
            "career_path": "How you got where you are; detours welcome.",
            "accepting_new": "Untick when you are full; you stay in the directory.",
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "skills": forms.Textarea(attrs={"rows": 3}),
            "career_path": forms.Textarea(attrs={"rows": 3}),
            "clinical_interests": forms.Textarea(attrs={"rows": 3}),
            "outside_interests": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, content_areas, name_programs=False, **kwargs):
        """content_areas: the taxonomy the guide may choose from (their programs').
        name_programs: label a program's own areas with the program's name."""
        super().__init__(*args, **kwargs)
        self.fields["content_areas"] = _content_areas_field(
            content_areas, "Content areas", name_programs
        )
        self.fields["content_areas"].help_text = "Where learners can come to you."
        offers = {}
        if self.instance.pk:
            offers = {o.kind: o.capacity for o in self.instance.offers.all()}
        for kind in GuidanceKind:
            capacity = offers.get(kind, 0)
            self.fields[f"offer_{kind}"] = forms.BooleanField(
                required=False, label=f"I offer {kind.label.lower()}", initial=capacity > 0
            )
            self.fields[f"capacity_{kind}"] = IntegerField(
                required=False,
                label=f"Learners in {kind.label.lower()}",
                initial=capacity or DEFAULT_CAPACITY,
                widget=forms.NumberInput(attrs={"min": 1, "max": MAX_CAPACITY}),
            )

    @property
    def offer_rows(self):
        """(kind, hint, offer checkbox, capacity input) per kind of guidance."""
        return [
            (kind, KIND_HINTS[kind], self[f"offer_{kind}"], self[f"capacity_{kind}"])
            for kind in GuidanceKind
        ]

    def clean(self):
        cleaned = super().clean()
        offers = {}
        for kind in GuidanceKind:
            if not cleaned.get(f"offer_{kind}"):
                continue
            capacity = cleaned.get(f"capacity_{kind}")
            if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
                self.add_error(
                    f"capacity_{kind}",
                    f"Take between 1 and {MAX_CAPACITY} learners, "
                    f"or untick “I offer {kind.label.lower()}”.",
                )
            else:
                offers[kind.value] = capacity
        cleaned["offers"] = offers
        return cleaned


class LearnerProfileForm(SafeModelForm):
    languages = _languages_field()

    class Meta(SafeModelForm.Meta):
        model = LearnerProfile
        fields = [
            "interests",
            "career_goals",
            "content_areas_sought",
            "outside_interests",
            "languages",
        ]
        help_texts = {
            "career_goals": "Where you would like to be in five or ten years; drafts are fine.",
            "outside_interests": "What you do outside medicine; good for finding common ground.",
        }
        widgets = {
            "interests": forms.Textarea(attrs={"rows": 3}),
            "career_goals": forms.Textarea(attrs={"rows": 4}),
            "outside_interests": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, content_areas, name_programs=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_areas_sought"] = _content_areas_field(
            content_areas, "Content areas you seek guidance in", name_programs
        )


class DirectoryFilterForm(forms.Form):
    """The directory's search box and filters. Invalid values are ignored, not shown."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    area = ModelChoiceField(
        queryset=ContentArea.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Any area",
        label="Content area",
    )
    kind = forms.ChoiceField(
        choices=[("", "Any role"), *GuidanceKind.choices], required=False, label="Role offered"
    )
    department = forms.ChoiceField(required=False, label="Department")
    accepting = forms.BooleanField(required=False, label="Accepting new learners")

    def __init__(self, *args, program, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ContentArea.objects.for_program(program).order_by("name")
        self.fields["department"].choices = [
            ("", "Any department"),
            *((d, d) for d in departments),
        ]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "Name, interest, skill…", "autocomplete": "off"}
        )

    def filters(self) -> dict:
        """Keyword arguments for selectors.directory_guides, from the valid fields only."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "text": data.get("q", ""),
            "area": data.get("area"),
            "kind": data.get("kind", ""),
            "department": data.get("department", ""),
            "accepting": data.get("accepting", False),
        }


class ContentAreaForm(OnceForm, forms.Form):
    name = forms.CharField(
        max_length=100,
        label="New content area",
        help_text="e.g. Point-of-care ultrasound, Child advocacy, Simulation.",
    )

    def __init__(self, *args, program, **kwargs):
        self.program = program
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        slug = slugify(name)
        if not slug:
            raise forms.ValidationError("Use at least one letter or digit in the name.")
        defaults = ContentArea.objects.filter(program__isnull=True)
        if defaults.filter(Q(slug=slug) | Q(name__iexact=name)).exists():
            raise forms.ValidationError(
                f"“{name}” is already in the default taxonomy, which every program has."
            )
        if self.program.content_areas.filter(slug=slug).exists():
            raise forms.ValidationError(f"This program already has an area called “{name}”.")
        return name
