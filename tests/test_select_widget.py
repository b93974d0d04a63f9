"""dyad.fields' selects write their options in Python: the HTML is Django's own, byte for
byte, escaping included, for single and multiple choices, groups and selected values."""

import pytest
from django import forms

from dyad import fields

CHOICES = [
    ("", "---------"),
    (1, "A & B <script>"),
    ('Group "one" & <two>', [(2, "Two"), (3, 'Q"uote')]),
    ('x"><b>', "Value that tries to close the tag"),
]
ATTRS = [
    None,
    {"id": "id_who", "required": True, "aria-describedby": 'help "x"', "disabled": False},
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, 3, 'x"><b>'])
def test_a_select_is_written_as_django_writes_it(attrs, value):
    ours = fields.Select(choices=CHOICES).render("who", value, attrs)
    django = forms.Select(choices=CHOICES).render("who", value, attrs)
    assert ours == django


@pytest.mark.parametrize("attrs", ATTRS)
def test_a_multiple_select_is_written_as_django_writes_it(attrs):
    ours = fields.SelectMultiple(choices=CHOICES).render("who", [1, 2], attrs)
    django = forms.SelectMultiple(choices=CHOICES).render("who", [1, 2], attrs)
    assert ours == django and " multiple" in ours


@pytest.mark.django_db
def test_the_model_choice_fields_use_them(resident, faculty):
    from dyad.accounts.models import User

    field = fields.ModelChoiceField(queryset=User.objects.order_by("pk"))
    assert isinstance(field.widget, fields.Select)
    html = field.widget.render("user", resident.pk)
    assert f'<option value="{resident.pk}" selected>' in html
    assert f'<option value="{faculty.pk}">' in html
    assert isinstance(
        fields.ModelMultipleChoiceField(queryset=User.objects.all()).widget, fields.SelectMultiple
    )


@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_who", "class": "boxes", "required": True, "disabled": False}]
)
@pytest.mark.parametrize("value", [None, [3], [1, 'x"><b>']])
def test_checkboxes_are_written_as_django_writes_them(attrs, value):
    choices = [c for c in CHOICES if c[0] != ""]
    ours = fields.CheckboxSelectMultiple(choices=choices).render("who", value, attrs)
    django = forms.CheckboxSelectMultiple(choices=choices).render("who", value, attrs)
    assert ours == django


def test_each_box_of_a_checkbox_list_is_written_as_django_writes_it():
    class Ours(forms.Form):
        who = forms.MultipleChoiceField(
            choices=[(1, "A & B"), (2, 'Q"uote')], widget=fields.CheckboxSelectMultiple
        )

    class Djangos(forms.Form):
        who = forms.MultipleChoiceField(
            choices=[(1, "A & B"), (2, 'Q"uote')], widget=forms.CheckboxSelectMultiple
        )

    ours, django = Ours(initial={"who": [2]}), Djangos(initial={"who": [2]})
    for mine, theirs in zip(ours["who"], django["who"], strict=True):
        assert mine.tag() == theirs.tag()
        assert mine.tag(wrap_label=True) == theirs.tag(wrap_label=True)
    assert 'value="2"' in ours["who"][1].tag() and "checked" in ours["who"][1].tag()
