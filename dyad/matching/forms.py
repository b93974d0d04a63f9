from collections import Counter
from dataclasses import fields
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from dyad.fields import IntegerField, OnceForm, Select, _attrs
from dyad.lib.matching.score import ScoreWeights, ordinal
from dyad.matching.models import Mark, Rule, Solver
from dyad.programs.models import GuidanceKind, Role

# What each weight means, for the opening form.
WEIGHT_LABELS = {
    "first_choice": "Learner's first choice",
    "rank_step": "Less per place further down the list",
    "ranked_floor": "At least, for any ranked guide",
    "guide_first": "Guide's own first rank",
    "guide_rank_step": "Less per place down the guide's ranks",
    "guide_prefer": "Guide prefers the learner",
    "guide_avoid": "Guide would rather not",
    "content_area": "Per content area sought and offered",
    "career_goal": "Per shared career-goal word",
    "interest": "Per shared interest word",
    "language": "Per shared language",
}


class KindForm(forms.Form):
    """The first step of opening a round: the kind decides which guides form the pool."""

    kind = forms.ChoiceField(choices=GuidanceKind.choices, initial=GuidanceKind.MENTORING)


class RoundOpenForm(OnceForm, forms.Form):
    name = forms.CharField(max_length=200, help_text="e.g. Mentors for the incoming PGY-1 class")
    kind = forms.ChoiceField(choices=GuidanceKind.choices, widget=forms.HiddenInput)
    learner_roles = forms.MultipleChoiceField(
        label="Learners in the round",
        choices=[
            (r.value, r.label)
            for r in (
                Role.RESIDENT,
                Role.CHIEF_RESIDENT,
                Role.FELLOW,
                Role.STUDENT,
                Role.JUNIOR_FACULTY,
            )
        ],
        widget=forms.CheckboxSelectMultiple,
        initial=[Role.RESIDENT],
    )
    pgy_levels = forms.TypedMultipleChoiceField(
        label="PGY levels",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every level.",
    )
    guides = forms.TypedMultipleChoiceField(
        label="Pool of guides",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Guides who offer this kind; those with room and accepting new learners are "
        "ticked.",
    )
    deadline = forms.DateTimeField(
        label="Lists close at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    solver = forms.ChoiceField(
        choices=Solver.choices, widget=forms.RadioSelect, initial=Solver.STABLE
    )
    max_ranks = IntegerField(
        label="Guides each learner may rank", min_value=1, max_value=20, initial=5
    )
    include_guided = forms.BooleanField(
        required=False,
        label="Also pair learners who already have a guide of this kind",
        help_text="Left unticked, a learner with a proposed or active guide of this kind is "
        "left out of the round and not invited.",
    )

    def __init__(self, *args, program, kind, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = offers
        self.initial.setdefault("kind", kind)
        self.initial.setdefault(
            "name", f"{GuidanceKind(kind).label} match {timezone.localdate().year}"
        )
        self.initial.setdefault(
            "deadline",
            (timezone.localtime() + timedelta(days=14)).replace(
                hour=17, minute=0, second=0, microsecond=0
            ),
        )
        self.fields["pgy_levels"].choices = [
            (level, f"PGY-{level}") for level in range(1, program.max_pgy + 1)
        ]
        self.fields["guides"].choices = [
            (offer.profile.user_id, self.guide_label(offer)) for offer in offers
        ]
        self.initial.setdefault(
            "guides",
            [o.profile.user_id for o in offers if o.remaining > 0 and o.profile.accepting_new],
        )
        for weight in fields(ScoreWeights):
            self.fields[f"w_{weight.name}"] = IntegerField(
                label=WEIGHT_LABELS.get(weight.name, weight.name),
                initial=weight.default,
                min_value=-1000,
                max_value=1000,
            )

    @staticmethod
    def guide_label(offer) -> str:
        user = offer.profile.user
        places = "place" if offer.capacity == 1 else "places"
        room = f"{offer.remaining} of {offer.capacity} {places} left"
        closed = "" if offer.profile.accepting_new else ", not accepting new learners"
        return f"{user.full_name or user.email} — {room}{closed}"

    def weight_fields(self):
        return [self[f"w_{w.name}"] for w in fields(ScoreWeights)]

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError("The deadline must be in the future.")
        return deadline

    def weights(self) -> dict[str, int]:
        return {w.name: self.cleaned_data[f"w_{w.name}"] for w in fields(ScoreWeights)}

    def chosen_guides(self):
        chosen = set(self.cleaned_data["guides"])
        return [o.profile.user for o in self.offers if o.profile.user_id in chosen]


class RankForm(forms.Form):
    """One field per position of the learner's list: works without JavaScript. Up to
    SELECT_MAX guides, each position is a select of the pool; above, a text field that
    suggests the pool's names from one list shared by every position (a <datalist>,
    `suggestions`), rather than hundreds of options repeated per position. Either way the
    field may also carry a guide's uuid."""

    SELECT_MAX = 30

    def __init__(self, *args, rows, max_ranks, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_uuid = {str(row["user"].uuid): row["user"] for row in rows}
        available = [row for row in rows if not row["unavailable"]]
        self.available = {str(row["user"].uuid) for row in available}
        labels = self.unique_labels(available)
        self.by_label = {label: uuid for uuid, label in labels.items()}
        self.suggest = len(available) > self.SELECT_MAX
        self.suggestions = list(labels.values()) if self.suggest else []
        choices = [("", "—")] + list(labels.items())
        by_pk = {row["user"].pk: row["user"] for row in rows}
        for position in range(1, max_ranks + 1):
            name = f"rank_{position}"
            label = f"{ordinal(position)} choice"
            if self.suggest:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=400,
                    widget=forms.TextInput(attrs={"list": "pool-names", "autocomplete": "off"}),
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=choices, required=False, widget=Select
                )
            if position <= len(current) and current[position - 1] in by_pk:
                uuid = str(by_pk[current[position - 1]].uuid)
                self.initial[name] = labels.get(uuid, uuid) if self.suggest else uuid

    def datalist_options(self) -> SafeString:
        """The shared list's <option>s, written here rather than one template loop turn
        per guide of the pool."""
        return format_html_join("", '<option value="{}">', ((name,) for name in self.suggestions))

    @staticmethod
    def label(row) -> str:
        user = row["user"]
        title = row["title"]
        return f"{user.full_name or user.email}{' — ' + title if title else ''}"

    @classmethod
    def unique_labels(cls, rows) -> dict[str, str]:
        """uuid → label; two guides with the same label are told apart by e-mail."""
        labels = [cls.label(row) for row in rows]
        twice = {label for label, n in Counter(labels).items() if n > 1}
        return {
            str(row["user"].uuid): f"{label} ({row['user'].email})" if label in twice else label
            for row, label in zip(rows, labels, strict=True)
        }

    def _guide_uuid(self, value: str) -> str | None:
        value = value.strip()
        uuid = self.by_label.get(value, value)
        return uuid if uuid in self.available else None

    def clean(self):
        data = super().clean()
        chosen, seen = [], set()
        for name in self.fields:
            value = data.get(name)
            if not value:
                continue
            uuid = self._guide_uuid(value)
            if uuid is None:
                self.add_error(name, "Choose a guide of this round: type a name from the list.")
                continue
            if uuid in seen:
                self.add_error(name, "You chose this guide already, higher up.")
            seen.add(uuid)
            chosen.append(self.by_uuid[uuid])
        data["guides"] = chosen
        return data


class NumberInput(forms.NumberInput):
    """Django's number input written here rather than through the template engine: the
    same HTML as its input.html, for the marks page's column of ranks (one per learner)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{widget["type"]}" name="{conditional_escape(name)}"'
            f"{shown}{_attrs(widget['attrs'])}>"
        )


class MarksForm(forms.Form):
    """For each learner of the round, the guide's mark and optional rank."""

    MARK_CHOICES = [("", "—")] + list(Mark.choices)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            key = row["user"].uuid.hex
            mark = row["mark"]
            self.fields[f"mark_{key}"] = forms.ChoiceField(
                label=f"Your view of {row['user']}",
                choices=self.MARK_CHOICES,
                required=False,
                widget=Select,
            )
            self.fields[f"rank_{key}"] = IntegerField(
                label=f"Your rank of {row['user']}",
                min_value=1,
                max_value=999,
                required=False,
                widget=NumberInput,
            )
            if mark is not None:
                self.initial[f"mark_{key}"] = mark.mark
                self.initial[f"rank_{key}"] = mark.rank
            row["mark_field"] = self[f"mark_{key}"]
            row["rank_field"] = self[f"rank_{key}"]

    def clean(self):
        data = super().clean()
        seen = {}
        for row in self.rows:
            rank = data.get(f"rank_{row['user'].uuid.hex}")
            if rank is None:
                continue
            if rank in seen:
                self.add_error(
                    f"rank_{row['user'].uuid.hex}", f"Rank {rank} is also given to {seen[rank]}."
                )
            seen[rank] = row["user"]
        return data

    def marks(self) -> dict:
        return {
            row["user"]: (
                self.cleaned_data.get(f"mark_{row['user'].uuid.hex}") or "",
                self.cleaned_data.get(f"rank_{row['user'].uuid.hex}"),
            )
            for row in self.rows
        }


class RunForm(forms.Form):
    solver = forms.ChoiceField(choices=Solver.choices, widget=forms.RadioSelect)
    fill = forms.BooleanField(
        required=False,
        label="Fill unmatched learners with guides who have room",
        help_text="After a stable run, as the residency match's post-match process does: "
        "learners left without a guide are placed, best fit first, with guides who still "
        "have room, even ones they did not rank.",
    )


class PairRuleForm(forms.Form):
    """A pin or forbid from the preview or the round page: a learner and a guide of the
    round, by uuid; cleaned to the users themselves."""

    learner = forms.UUIDField()
    guide = forms.UUIDField()
    rule = forms.ChoiceField(choices=Rule.choices)

    def __init__(self, *args, match_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.match_round = match_round

    def clean_learner(self):
        learner = self.match_round.learners.filter(uuid=self.cleaned_data["learner"]).first()
        if learner is None:
            raise forms.ValidationError("Choose a learner of the round.")
        return learner

    def clean_guide(self):
        guide = self.match_round.guides.filter(uuid=self.cleaned_data["guide"]).first()
        if guide is None:
            raise forms.ValidationError("Choose a guide of the round.")
        return guide


class RoundSettingsForm(forms.Form):
    include_guided = forms.BooleanField(
        required=False, label="Also pair learners who already have a guide of this kind"
    )
