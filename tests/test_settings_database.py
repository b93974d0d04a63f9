"""Database connections: kept between requests in production (DYAD_DB_CONN_MAX_AGE), with
health checks; closed after each request in development; bad values stop the start. The
cache, and sessions read from it only where every worker shares it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dyad.settings import env_conn_max_age

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DYAD_DEBUG": "0",
    "DYAD_SECRET_KEY": "a-long-random-secret-for-this-test-only-0123456789abcdef",
    "DYAD_ALLOWED_HOSTS": "dyad.example.org",
    "DYAD_SITE_URL": "https://dyad.example.org",
    "DATABASE_URL": "postgres://dyad@db.example.org:5432/dyad",
}
SHOW = (
    "import json; from django.conf import settings; d = settings.DATABASES['default']; "
    "print(json.dumps([d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], "
    "d['DISABLE_SERVER_SIDE_CURSORS']]))"
)


CACHE = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE]))"
)


def database_settings(**env):
    return settings_of(SHOW, **env)


def settings_of(show, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DYAD_")}
    environ.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_connections_with_health_checks_by_default():
    engine, max_age, health_checks, no_cursors = database_settings(**PRODUCTION)
    assert engine == "django.db.backends.postgresql"
    assert max_age == 600 and health_checks is True
    # Option lists of forms in one round trip, not a server-side cursor's three.
    assert no_cursors is True


def test_production_may_keep_connections_forever_or_close_them():
    assert database_settings(**PRODUCTION, DYAD_DB_CONN_MAX_AGE="unlimited")[1:3] == [None, True]
    assert database_settings(**PRODUCTION, DYAD_DB_CONN_MAX_AGE="0")[1:3] == [0, False]


def test_development_on_sqlite_closes_connections_after_each_request():
    engine, max_age, health_checks, _ = database_settings()
    assert engine == "django.db.backends.sqlite3"
    assert max_age == 0 and health_checks is False


@pytest.mark.parametrize(
    ("value", "debug", "expected"),
    [("", False, 600), ("", True, 0), ("30", True, 30), (" Unlimited ", False, None)],
)
def test_conn_max_age_values(monkeypatch, value, debug, expected):
    monkeypatch.setenv("DYAD_DB_CONN_MAX_AGE", value)
    assert env_conn_max_age("DYAD_DB_CONN_MAX_AGE", debug=debug) == expected


@pytest.mark.parametrize("value", ["-1", "ten", "forever"])
def test_conn_max_age_refuses_what_is_not_seconds(monkeypatch, value):
    monkeypatch.setenv("DYAD_DB_CONN_MAX_AGE", value)
    with pytest.raises(ImproperlyConfigured, match="DYAD_DB_CONN_MAX_AGE"):
        env_conn_max_age("DYAD_DB_CONN_MAX_AGE", debug=False)


def test_sessions_come_from_the_cache_only_when_every_worker_shares_it():
    shared = settings_of(CACHE, **PRODUCTION, DYAD_CACHE_URL="redis://cache.example.org:6379/0")
    assert shared == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    # A worker's memory or one host's files: a sign-out seen by one copy and not another
    # would leave the session alive, so sessions stay in the database alone.
    for env in ({}, {"DYAD_CACHE_DIR": "/tmp/dyad-cache"}, {"DYAD_CACHE_TABLE": "cache"}):
        backend, engine = settings_of(CACHE, **PRODUCTION, **env)
        assert engine == "django.contrib.sessions.backends.db", backend
