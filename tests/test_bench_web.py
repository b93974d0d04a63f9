"""bench/web.py: its page list names real URLs, and on a tiny generated institution every
page answers its persona. Nothing is timed here; the bench itself measures."""

import importlib.util
import sys
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "bench" / "web.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


web = load_bench()
SAMPLE = {
    "slug": "internal-medicine",
    "run": 1,
    "feed_token": "a-token",
    "expectations_year": 2025,
    "learners_audience": "learners",
}


def test_every_page_of_the_bench_names_an_existing_url():
    for page in web.PAGES:
        args = [SAMPLE.get(name, uuid.uuid4()) for name in page.args]
        assert reverse(page.url_name, args=args), page
        assert page.persona in (*web.PERSONAS, *web.OTHER_PERSONAS, "anonymous"), page


def test_the_bench_compares_with_the_login_page():
    assert web.TRIVIAL.url_name == "accounts:login" and web.TRIVIAL.persona == "anonymous"
    assert web.MINIMAL_AUTHENTICATED.persona != "anonymous"


def test_the_mixed_load_has_pages_for_every_persona():
    for persona in web.PERSONAS:
        assert any(page.mix and page.persona == persona for page in web.PAGES), persona


@pytest.mark.django_db
def test_every_page_answers_its_persona_on_a_tiny_institution(capsys):
    from dyad.demo import generator

    generator.build_institution(
        programs=2, residents=80, faculty=60, seed=2, round_learners=24, round_guides=10
    )
    ctx, users = web.context()
    assert set(ctx) >= {name for page in web.PAGES for name in page.args}
    # The generated institution has no surveys or expectations: those pages are skipped.
    optional = {"closed_survey", "expectations_year"}
    assert all(value is not None for key, value in ctx.items() if key not in optional), ctx
    for page in web.PAGES:
        if any(ctx[name] is None for name in page.args):
            continue
        queries, status = web.count_queries(web.url_of(page, ctx), users[page.persona])
        assert status == 200, page
        assert queries > 0 or page.persona == "anonymous", page


@pytest.mark.django_db
def test_the_gme_office_is_found_or_made_once():
    from dyad.programs.factories import ProgramFactory
    from dyad.programs.models import InstitutionAdmin

    program = ProgramFactory()
    first = web.gme_office(program.institution)
    assert web.gme_office(program.institution) == first
    assert InstitutionAdmin.objects.filter(user=first, institution=program.institution).count() == 1
