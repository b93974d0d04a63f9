"""Form fields that answer hostile input with a form error, never with a server error.

Every form of the project takes its choices of rows and its whole numbers from here (or,
for a ModelForm, through `SafeModelForm`), so that an impossible id typed into a request
is refused in the same words as any other unknown choice:

- an id that is not a plain non-negative whole number, or that no 64-bit key can hold, is
  "Select a valid choice" before any query. Django asks the database about it otherwise,
  and SQLite refuses to bind an integer beyond 64 bits inside an `IN (…)` (OverflowError,
  a 500);
- a whole number beyond the 64-bit range is out of range, for the same reason;
- NUL characters are refused by every text field (Django's CharField already does; a field
  whose cleaned value is not a string must check the raw text itself, see `refuse_nul`).
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

ID_MAX = 2**63 - 1
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

_PLAIN_ID = re.compile(r"[0-9]{1,19}")  # not \d: it takes any script's digits


def refuse_nul(value) -> None:
    """Raise the usual "Null characters are not allowed." for any text holding a NUL."""
    if isinstance(value, str):
        ProhibitNullCharactersValidator()(value)


def _has_integer_key(field) -> bool:
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    return isinstance(key, models.IntegerField | models.AutoField)


def _is_possible_id(value) -> bool:
    """A key a row can have: digits only, at most the largest 64-bit integer."""
    if isinstance(value, bool):
        return False
    text = str(value).strip()
    return bool(_PLAIN_ID.fullmatch(text)) and int(text) <= ID_MAX


def _attrs(attrs: dict) -> str:
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, none for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class _OptionsInPython:
    """A select whose options are written here rather than each through the template
    engine: the same HTML as Django's select.html and select_option.html, at a fraction
    of the cost when a program's people make hundreds of options (a template include per
    option was most of the time of the pages with such lists)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # Widget.get_context, not ChoiceWidget's: that one builds a dict per option.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]  # type: ignore[arg-type]
        if self.allow_multiple_selected:  # type: ignore[attr-defined]
            widget["attrs"]["multiple"] = True
        chosen, has_selected = set(widget["value"]), False
        out = [f'<select name="{conditional_escape(name)}"{_attrs(widget["attrs"])}>']
        for group_value, group_label in self.choices:  # type: ignore[attr-defined]
            group = isinstance(group_label, list | tuple)
            if group:
                out.append(f'\n  <optgroup label="{conditional_escape(group_value)}">')
            for option_value, label in group_label if group else [(group_value, group_label)]:
                option_value = "" if option_value is None else option_value
                selected = str(option_value) in chosen and (
                    not has_selected or self.allow_multiple_selected  # type: ignore[attr-defined]
                )
                has_selected |= selected
                out.append(
                    f'\n  <option value="{escape(str(option_value))}"'
                    f"{' selected' if selected else ''}>{conditional_escape(label)}</option>\n"
                )
            if group:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


class Select(_OptionsInPython, forms.Select):
    pass


class SelectMultiple(_OptionsInPython, forms.SelectMultiple):
    pass


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Django's list of checkboxes, written here rather than through three templates per
    box: the same HTML (multiple_input.html, input_option.html, input.html), for lists of
    a program's people."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        id_, css = widget["attrs"].get("id"), widget["attrs"].get("class")
        out = [
            "<div",
            f' id="{conditional_escape(id_)}"' if id_ else "",
            f' class="{conditional_escape(css)}"' if css else "",
            ">",
        ]
        for group, options, _ in widget["optgroups"]:
            if group:
                out.append(f"\n  <div><label>{conditional_escape(group)}</label>")
            for option in options:
                out.append(f"<div>\n    {self._option_html(option)}</div>")
            if group:
                out.append("\n  </div>")
        out.append("\n</div>")
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped

    @staticmethod
    def _option_html(option) -> str:
        """What checkbox_option.html writes for one box (escaped here)."""
        option_id = option["attrs"].get("id")
        value = option["value"]
        value_attr = f' value="{escape(str(value))}"' if value is not None else ""
        box = (
            f'<input type="{conditional_escape(option["type"])}" '
            f'name="{conditional_escape(option["name"])}"{value_attr}'
            f"{_attrs(option['attrs'])}>\n"
        )
        if option.get("wrap_label"):
            box = (
                "<label"
                + (f' for="{conditional_escape(option_id)}"' if option_id else "")
                + f">{box} {conditional_escape(option['label'])}</label>"
            )
        return box + "\n\n"

    def _render(self, template_name, context, renderer=None):
        # A template looping over the field's boxes (`{% for box in field %}{{ box.tag }}`)
        # renders each through here.
        if template_name == self.option_template_name:
            return mark_safe(self._option_html(context["widget"]).strip())  # noqa: S308
        return super()._render(template_name, context, renderer)


class _RefusesImpossibleIds:
    """Shared by both choice fields: an impossible key is an unknown choice."""

    def _refuse_impossible(self, value) -> None:
        """A NUL is in no key (PostgreSQL refuses it in a query); an integer key is plain
        digits in the 64-bit range."""
        if "\x00" not in str(value) and (not _has_integer_key(self) or _is_possible_id(value)):
            return
        raise forms.ValidationError(
            forms.ModelChoiceField.default_error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": str(value)[:20]},
        )


class ModelChoiceField(_RefusesImpossibleIds, forms.ModelChoiceField):
    """One row of a queryset, chosen by its key."""

    widget = Select

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return value
        self._refuse_impossible(value)
        return super().to_python(value)


class ModelMultipleChoiceField(_RefusesImpossibleIds, forms.ModelMultipleChoiceField):
    """Several rows of a queryset, chosen by their keys."""

    widget = SelectMultiple

    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"],
    }

    def _check_values(self, value):
        for item in value if isinstance(value, list | tuple) else ():
            if isinstance(item, self.queryset.model):
                continue
            self._refuse_impossible(item)
        return super()._check_values(value)


class IntegerField(forms.IntegerField):
    """A whole number that a 64-bit column can store, unless narrower bounds are given."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        super().__init__(
            min_value=INT_MIN if min_value is None else min_value,
            max_value=INT_MAX if max_value is None else max_value,
            **kwargs,
        )


def formfield_for(model_field, **kwargs):
    """The form field a ModelForm makes for `model_field`, with the safe classes above."""
    if isinstance(model_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(model_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    elif isinstance(model_field, models.IntegerField) and not model_field.choices:
        kwargs.setdefault("form_class", IntegerField)
    return model_field.formfield(**kwargs)


class SafeModelForm(forms.ModelForm):
    """A ModelForm whose generated fields are those of this module. Django reads the
    callback from the form's own Meta only: a subclass writes `class Meta(SafeModelForm.Meta)`."""

    class Meta:
        formfield_callback = formfield_for


class SubmissionKeyField(forms.UUIDField):
    """The hidden one-time key of a create form (see `OnceForm`)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)
        kwargs.setdefault(
            "error_messages",
            {"invalid": "This form is out of date: reload the page and fill it in again."},
        )
        super().__init__(**kwargs)


SUBMISSION_KEY = "submission_key"


class OnceForm:
    """A form that creates something once: it carries a one-time key, rendered as a hidden
    field, which `flow.submit` claims in the same transaction as the creation. A second
    POST of the same page (a double click, a replay, a reload) finds the key taken and
    creates nothing. Mixed in before the form's base class: `class F(OnceForm, forms.Form)`."""

    fields: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SUBMISSION_KEY] = SubmissionKeyField()
