"""DYAD_SITE_URL: the public address every absolute link is built from (e-mails,
invitations, the calendar feed). Production must say it; `make run HOST=…` matches it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error

from dyad.checks import check_site_url

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DYAD_DEBUG": "0",
    "DYAD_SECRET_KEY": "a-long-random-secret-for-this-test-only-0123456789abcdef",
    "DYAD_ALLOWED_HOSTS": "dyad.example.org",
}


def manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DYAD_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_site_url_fails_the_system_check():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "DYAD_SITE_URL" in result.stderr
    assert "https://dyad.example.org" in result.stderr  # the message shows what to write


def test_production_with_a_site_url_passes_the_system_check():
    result = manage("check", **PRODUCTION, DYAD_SITE_URL="https://dyad.example.org/")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["dyad.example.org", "ftp://dyad.example.org", "https://"])
def test_a_site_url_that_is_not_an_address_stops_the_start(value):
    result = manage("check", DYAD_SITE_URL=value)
    assert result.returncode != 0
    assert "DYAD_SITE_URL must be" in result.stderr
    assert repr(value) in result.stderr


def test_the_check_accepts_a_missing_address_only_in_development(settings):
    settings.SITE_URL = ""
    settings.DEBUG = True
    assert check_site_url(None) == []
    settings.DEBUG = False
    (error,) = check_site_url(None)
    assert isinstance(error, Error)
    assert error.id == "dyad.E001"


def test_make_run_serves_and_links_on_the_same_address():
    result = subprocess.run(
        ["make", "-n", "run", "HOST=10.1.2.3:9001", "VENV=/nonexistent-venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    (serve,) = [line for line in result.stdout.splitlines() if "runserver" in line]
    assert "DYAD_SITE_URL=http://10.1.2.3:9001 " in serve
    assert serve.endswith("runserver 10.1.2.3:9001")
