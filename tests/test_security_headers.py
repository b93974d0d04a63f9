"""Security headers on every answer, and templates the Content-Security-Policy can allow."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "dyad" / "templates", *ROOT.glob("dyad/*/templates")]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/openapi.json", "/api/v1/docs"])
def test_pages_carry_a_strict_content_security_policy(client, db, path):
    csp = directives(client.get(path))

    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["style-src-attr"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert not any("unsafe-eval" in v for values in csp.values() for v in values)


def test_pages_carry_the_other_security_headers(client, db):
    response = client.get("/accounts/login/")

    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_an_identity_providers_origin_can_be_allowed_to_receive_forms():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dyad.settings",
        "DYAD_CSP_FORM_ACTION": "https://idp.example.org, https://sso.example.edu",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[\"'self'\", 'https://idp.example.org', 'https://sso.example.edu']"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""<[^>]*\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
JSON_DATA = re.compile(r"""type=["']application/(ld\+)?json["']""")


def templates():
    return sorted(path for d in TEMPLATE_DIRS for path in d.rglob("*.html"))


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_script_or_an_event_handler_attribute(path):
    text = path.read_text()
    inline = [m.group(0) for m in INLINE_SCRIPT.finditer(text) if not JSON_DATA.search(m.group(0))]
    assert not inline, f"inline <script> in {path}: move it to a static file"
    assert not HANDLER.search(text), (
        f"on…= handler in {path}: use addEventListener in a static file"
    )


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_a_style_attribute_or_element(path):
    text = path.read_text()
    assert not STYLE_ATTRIBUTE.search(text), (
        f"style= attribute in {path}: the policy refuses it; use a class in a style sheet"
    )
    assert not STYLE_ELEMENT.search(text), f"<style> in {path}: move it to a style sheet"
