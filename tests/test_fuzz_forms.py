"""Hostile input in every POST form of the project: never a server error, and nothing
written when the input is refused.

The URLs come from the URLconf (their arguments from the permission table, which has a row
for every URL); the fields of each form from the pages that show it, as a browser would
find them. Each URL is posted as every persona who can reach it (learner, guide,
coordinator, director), first with the page's own values and one field at a time made
hostile, then with every field hostile at once. Each POST runs in a savepoint that is
rolled back, so every one starts from the same world.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import resolve, reverse

from dyad.meetings.models import CalendarFeed
from tests.test_permissions import ROWS, all_url_names
from tests.world import build_world

# other_learner: the world's guide request is theirs, so only they withdraw it.
FUZZ_PERSONAS = ["learner", "guide", "other_learner", "coordinator", "director"]
# The pages of these show every form: a coordinator's are a director's, fewer.
CRAWL_PERSONAS = ["learner", "guide", "other_learner", "director"]

# Each hostile value once, by name.
HOSTILE = {
    "empty": "",
    "long": "x" * 100_000,
    "nul": "ab\x00cd",
    "impossible_date": "2026-02-30",
    "huge_integer": str(2**70),
    "negative": "-1",
    "rtl_emoji": "\u202eשלום مرحبا 👩🏽‍⚕️🩺\u202c",
}

# Written by logging in and by the login throttle on every request, never by a form.
BOOKKEEPING = {"django_session", "axes_accessattempt", "axes_accesslog"}

# URLs that take a POST although no page of the world shows a form posting to them: why,
# and the fields their form has when it is shown.
NO_FORM_ON_A_PAGE: dict[str, tuple[str, list[str]]] = {
    "questions:reactivate": ("every question of the world is active", []),
    "relationships:agreement_acknowledge": ("both parties acknowledged the agreement", []),
    "relationships:peer_pairing_publish": ("the world has no intern to pair", ["pair"]),
    "home:nudge": ("the world's pair is not behind on its meetings", []),
    "meetings:outcome": ("the world has no past meeting left to log", ["outcome"]),
    "programs:invitation_resend": ("nobody in the world waits for an invitation", []),
    "programs:invitations_resend_all": ("nobody in the world waits for an invitation", []),
    "goals:ilp_submit": ("the world's learning plan is already shared and reviewed", []),
    "goals:ilp_reopen": ("the world's learning plan is reviewed, not completed", []),
    "coaching:values_share": ("no persona of the world has a coach", ["relationships"]),
    "feedback:cycle_close": ("the world's 360° cycle page is of the cycle being prepared", []),
    "surveys:cycle_open": ("the world's survey cycle page is of the closed cycle", []),
    "surveys:cycle_close": ("the world's survey cycle page is of the closed cycle", []),
    "api_tokens:token_revoke": ("the world has no API token", []),
    "saml_finish_acs": ("the IdP's answer comes through saml_acs, not from a page", []),
    "socialaccount_connections": (
        "nobody in the world has linked an institution's sign-in, so nothing to unlink",
        ["account"],
    ),
    "mfa_generate_recovery_codes": ("nobody in the world has a second factor", []),
}
# Pairing-fit check-ins: the world's pair has held no meeting, so nobody is asked yet.
NO_FORM_ON_A_PAGE["checkins:new"] = (
    "the world's pair has held no meeting: no check-in is due",
    ["rating", "comment", "submission_key"],
)

# URLs whose POST asks a service outside Dyad that the world does not have, and why.
NEEDS_AN_OUTSIDE_SERVICE = {
    "openid_connect_login": (
        "starting an OpenID Connect sign-in reads the institution's discovery document; "
        "tests/browser/test_sso.py posts it against a real identity provider"
    ),
}
# allauth's class-based views whose code mentions request.method but that answer a POST
# with 405, or with 404 to someone without what they are about (the permission table
# checks their GET).
ANSWERS_NO_POST = {
    "account_confirm_email",
    "account_inactive",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "mfa_index",
    "mfa_view_recovery_codes",
    "socialaccount_login_cancelled",
}

# Sign-in and second factor (allauth): forms the crawl cannot see as a signed-in persona.
_REAUTH = "behind re-authentication (the password typed again), which a crawl does not do"
NO_FORM_ON_A_PAGE.update(
    {
        # Only anonymous visitors see the login form (signed in, a POST is sent onwards);
        # dyad/accounts/tests/test_entrance_forms.py posts hostile input to it anonymously.
        "accounts:login": ("only anonymous visitors see the login form", ["login", "password"]),
        "account_login": ("only anonymous visitors see the login form", ["login", "password"]),
        "mfa_add_webauthn": (_REAUTH, ["name", "passwordless", "credential"]),
        "mfa_edit_webauthn": (_REAUTH, ["name"]),
        "mfa_remove_webauthn": (_REAUTH, []),
        "mfa_generate_recovery_codes": (_REAUTH, []),
        "socialaccount_connections": ("nobody in the world signs in through an institution", []),
    }
)
# Third-party views whose code reads `request.method` but which answer a POST with 405.
POST_NOT_ALLOWED = {
    "account_inactive",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "mfa_index",
    "mfa_list_webauthn",
    "mfa_view_recovery_codes",
    "saml_finish_acs",
    "socialaccount_login_cancelled",
}

# --- What a browser finds on the pages ------------------------------------------------------


@dataclass
class FoundForm:
    """A POST form of a page: its fields and the values the page fills in."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def add(self, name: str, value: str | None) -> None:
        values = self.fields.setdefault(name, [])
        if value is not None:
            values.append(value)


class FormFinder(HTMLParser):
    """Collects the POST forms of a page by the path they post to."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: dict[str, FoundForm] = {}
        self.form: FoundForm | None = None
        self.by_id: dict[str, FoundForm] = {}
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                path = urlsplit(a.get("action") or self.page_path).path
                self.form = self.forms.setdefault(path, FoundForm())
                if a.get("id"):
                    self.by_id[a["id"]] = self.form
            return
        # A button that posts its form (named by `form`, or around it) to another address.
        owner = self.by_id.get(a.get("form") or "") or self.form
        if a.get("formaction") and owner is not None and tag in {"button", "input"}:
            target = self.forms.setdefault(urlsplit(a["formaction"]).path, FoundForm())
            for name, values in owner.fields.items():
                target.fields.setdefault(name, list(values))
        if self.form is None or not a.get("name") and tag != "option":
            return
        name = a.get("name")
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            if kind == "file":
                self.form.files.add(name)
                self.form.add(name, None)
            elif kind in {"checkbox", "radio"}:
                self.form.add(name, a.get("value", "on") if "checked" in a else None)
            else:
                self.form.add(name, a.get("value", ""))
        elif tag == "select":
            self.select, self.options = (name, "multiple" in a), []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.add(self.textarea, self.text.lstrip("\n"))
            self.textarea = None
        elif tag == "select" and self.select and self.form is not None:
            name, multiple = self.select
            chosen = [v for v, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.form.fields.setdefault(name, []).extend(chosen)
            self.select = None


# --- The URLs ---------------------------------------------------------------------------------


def _kwargs(world, name):
    if name == "calendar:feed":
        return {"token": CalendarFeed.objects.get_or_create(user=world.user("learner"))[0].token}
    return ROWS[name][0](world)


def _url(world, name) -> str:
    return reverse(name, kwargs=_kwargs(world, name))


URL_NAMES = sorted(all_url_names())


def handles_post(view) -> bool:
    """Whether a view does something with a POST: it is limited to methods that include
    POST, or its code reads the POST. A view that answers a POST as a GET does not."""
    if isinstance(view, functools.partial):  # django-ninja's views of the REST API
        view = view.func
    while True:
        for cell_name, cell in zip(view.__code__.co_freevars, view.__closure__ or (), strict=False):
            if cell_name == "request_method_list":
                return "POST" in cell.cell_contents
        if not hasattr(view, "__wrapped__"):
            break
        view = view.__wrapped__
    source = inspect.getsource(view)
    return any(word in source for word in ("request.POST", "request.method", "flow."))


@dataclass
class Site:
    """The world, and what the pages of every persona show of each POST form."""

    world: object
    forms: dict[str, FoundForm]
    tables: list[str]


def _find_forms(client, world) -> dict[str, FoundForm]:
    found: dict[str, FoundForm] = {}
    for persona in CRAWL_PERSONAS:
        client.force_login(world.user(persona))
        for name in URL_NAMES:
            if ROWS[name][2][persona] != 200:
                continue
            path = _url(world, name)
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            finder = FormFinder(path)
            finder.feed(response.content.decode())
            for action, form in finder.forms.items():
                merged = found.setdefault(action, FoundForm())
                for key, values in form.fields.items():
                    merged.fields.setdefault(key, values)
                merged.files |= form.files
    return found


def _tables() -> list[str]:
    names = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(names - BOOKKEEPING)


def row_counts(tables) -> dict[str, int]:
    """Every table's row count, in one query."""
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The world built once, rolled back at the end, with the forms its pages show."""
    from django.test import Client

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            yield Site(world=world, forms=_find_forms(Client(), world), tables=_tables())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- Posting ------------------------------------------------------------------------------


def _payload(form: FoundForm, hostile: dict[str, str]) -> dict:
    """The page's own values, with the `hostile` fields replaced (a file field gets a file
    holding the hostile text)."""
    data: dict = {}
    for name, values in form.fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        if name in hostile:
            text = hostile[name]
            data[name] = (
                SimpleUploadedFile("hostile.csv", text.encode(), "text/csv")
                if name in form.files
                else [text]
            )
        elif name not in form.files and values:
            data[name] = values
    return data


def _refused(response) -> bool:
    """The form came back with its errors, or a button's refusal was said in a message."""
    if response.status_code == 200:
        return True
    levels = {m.level for m in get_messages(response.wsgi_request)}
    return constants.ERROR in levels


@dataclass
class Outcome:
    server_errors: list[str] = field(default_factory=list)
    written_on_refusal: list[str] = field(default_factory=list)


def _post(client, site, path, data, label, outcome: Outcome) -> int:
    """POST in a savepoint that is rolled back; record what went wrong."""
    with transaction.atomic():
        before = row_counts(site.tables)
        client.cookies.pop("messages", None)  # only this request's messages count
        try:
            response = client.post(path, data)
        except Exception as error:  # noqa: BLE001 — the test client re-raises a 500's cause
            outcome.server_errors.append(f"{label}: {type(error).__name__}: {error}"[:300])
            transaction.set_rollback(True)
            return 500
        if response.status_code >= 500:
            outcome.server_errors.append(f"{label}: {response.status_code}")
        elif _refused(response):
            changed = {
                t: (n, after)
                for (t, n), after in zip(
                    before.items(), row_counts(site.tables).values(), strict=True
                )
                if n != after
            }
            if changed:
                outcome.written_on_refusal.append(f"{label}: {changed}")
        transaction.set_rollback(True)
        return response.status_code


def _reachers(client, site, path) -> list[str]:
    """The personas for whom `path` takes a POST: not refused as a method, not hidden,
    not forbidden."""
    reached = []
    for persona in FUZZ_PERSONAS:
        client.force_login(site.world.user(persona))
        with transaction.atomic():
            try:
                status = client.post(path, {}).status_code
            except Exception:  # noqa: BLE001 — a 500 still means the persona reached it
                status = 500
            transaction.set_rollback(True)
        if status not in {403, 404, 405}:
            reached.append(persona)
    return reached


def fuzz(client, site, name) -> tuple[list[str], Outcome]:
    path = _url(site.world, name)
    outcome = Outcome()
    reached = _reachers(client, site, path)
    form = site.forms.get(path) or FoundForm(
        fields={n: [] for n in NO_FORM_ON_A_PAGE.get(name, ("", []))[1]}
    )
    names = [n for n in form.fields if n != "csrfmiddlewaretoken"] or ["unexpected"]
    for i, persona in enumerate(reached):
        client.force_login(site.world.user(persona))
        sent: set[str] = set()
        for value_name, value in HOSTILE.items():
            cases = [(f"all={value_name}", {n: value for n in names})]
            if i == 0:  # one field at a time: once, as the first persona who reaches it
                cases += [(f"{n}={value_name}", {n: value}) for n in names]
            for label, hostile in cases:
                data = _payload(form, hostile)
                if (key := repr(sorted((k, repr(v)) for k, v in data.items()))) in sent:
                    continue  # the same POST as before: an empty value where it was empty
                sent.add(key)
                _post(client, site, path, data, f"{persona} {label}", outcome)
    return reached, outcome


@pytest.mark.parametrize("name", URL_NAMES)
def test_hostile_input_is_refused_without_a_server_error(db, client, site, name):
    assert name in ROWS, f"{name} has no row in tests/test_permissions.py: nothing to post to"
    if name in NEEDS_AN_OUTSIDE_SERVICE:
        pytest.skip(NEEDS_AN_OUTSIDE_SERVICE[name])
    if name in ANSWERS_NO_POST:
        assert not _reachers(client, site, _url(site.world, name)), f"{name} takes a POST"
        return
    path = _url(site.world, name)
    shown = path in site.forms
    if not shown and (name in POST_NOT_ALLOWED or not handles_post(resolve(path).func)):
        return  # answers a POST as a GET, if at all: nothing to fuzz
    reached, outcome = fuzz(client, site, name)
    assert reached, f"{name} takes a POST but none of {FUZZ_PERSONAS} reaches it"
    if name not in NO_FORM_ON_A_PAGE:
        assert shown, (
            f"{name} takes a POST from {reached} but no page shows a form posting to it: "
            "its fields are not fuzzed. Show the form, or name it in NO_FORM_ON_A_PAGE."
        )
    assert not outcome.server_errors, f"{name}: server errors:\n" + "\n".join(
        outcome.server_errors[:20]
    )
    assert not outcome.written_on_refusal, f"{name}: written although refused:\n" + "\n".join(
        outcome.written_on_refusal[:20]
    )


# --- The fields themselves -------------------------------------------------------------------

IMPOSSIBLE_IDS = [str(2**70), str(2**63), "-1", "1.5", "abc", "1\x00", " ", "١"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", IMPOSSIBLE_IDS)
def test_an_impossible_id_is_an_unknown_choice_of_several(value):
    from django import forms

    from dyad.fields import ModelMultipleChoiceField
    from dyad.profiles.models import ContentArea

    field = ModelMultipleChoiceField(queryset=ContentArea.objects.all())
    with pytest.raises(forms.ValidationError) as refused:
        field.clean([str(ContentArea.objects.first().pk), value])
    assert refused.value.messages[0].startswith("Select a valid choice.")


@pytest.mark.django_db
@pytest.mark.parametrize("value", IMPOSSIBLE_IDS)
def test_an_impossible_id_is_an_unknown_choice_of_one(value):
    from django import forms

    from dyad.fields import ModelChoiceField
    from dyad.profiles.models import ContentArea

    field = ModelChoiceField(queryset=ContentArea.objects.all())
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(value)
    assert refused.value.messages[0].startswith("Select a valid choice.")


@pytest.mark.django_db
def test_the_largest_64_bit_id_is_looked_up_like_any_other():
    from django import forms

    from dyad.fields import ID_MAX, ModelMultipleChoiceField
    from dyad.profiles.models import ContentArea

    field = ModelMultipleChoiceField(queryset=ContentArea.objects.all())
    with pytest.raises(forms.ValidationError, match="not one of the available choices"):
        field.clean([str(ID_MAX)])
    area = ContentArea.objects.first()
    assert list(field.clean([str(area.pk)])) == [area]


def test_a_whole_number_beyond_64_bits_is_out_of_range():
    from django import forms

    from dyad.fields import IntegerField

    with pytest.raises(forms.ValidationError, match="less than or equal to"):
        IntegerField().clean(str(2**70))
    assert IntegerField(max_value=10).clean("10") == 10


def test_a_model_form_gets_the_safe_fields():
    from dyad import fields
    from dyad.meetings.forms import CadencePolicyForm
    from dyad.profiles.forms import LearnerProfileForm

    assert isinstance(CadencePolicyForm.base_fields["max_gap_days"], fields.IntegerField)
    assert isinstance(
        LearnerProfileForm.base_fields["content_areas_sought"], fields.ModelMultipleChoiceField
    )


def test_a_nul_in_a_list_typed_as_text_is_refused():
    from django import forms

    from dyad.profiles.forms import CommaSeparatedField

    with pytest.raises(forms.ValidationError, match="Null characters are not allowed"):
        CommaSeparatedField(required=False).clean("English, Span\x00ish")


@pytest.mark.parametrize("run", ["²", str(2**70), "-3", "\x00"])
def test_a_pair_rule_names_any_run_without_a_server_error(db, client, site, run):
    """The run a leader came from is read from the POST beside the form."""
    world = site.world
    client.force_login(world.user("director"))
    url = reverse("matching:rule_add", kwargs=ROWS["matching:rule_add"][0](world))
    with transaction.atomic():
        response = client.post(url, {"learner": "", "guide": "", "rule": "", "run": run})
        transaction.set_rollback(True)
    assert response.status_code == 302
    assert response["Location"] == world.match_round.get_absolute_url()
