"""Dyad settings: one module, driven by environment variables.

Development defaults are safe (SQLite, DEBUG on, localhost only). Production sets
DYAD_DEBUG=0, DYAD_SECRET_KEY, DYAD_ALLOWED_HOSTS and DATABASE_URL; HTTPS settings then
follow from DYAD_HTTPS (on by default when DEBUG is off), and database connections are
kept between requests (DYAD_DB_CONN_MAX_AGE).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dyad.lib import sso_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DYAD_DEBUG", True)

SECRET_KEY = os.environ.get("DYAD_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DYAD_SECRET_KEY must be set when DYAD_DEBUG is off")
    SECRET_KEY = "dyad-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("DYAD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")


def env_site_url(name: str) -> str:
    """The public address of the site, without a trailing slash; "" when not set (the
    system check refuses that in production, see dyad/checks.py)."""
    value = os.environ.get(name, "").strip().rstrip("/")
    scheme, _, rest = value.partition("://")
    if value and (scheme not in ("http", "https") or not rest or "/" in rest):
        raise ImproperlyConfigured(
            f"{name} must be the site's public address, such as https://dyad.example.org "
            f"(scheme and host, no path), not {os.environ[name]!r}"
        )
    return value


# Every absolute link (e-mails, invitations, the calendar feed) starts with it. In
# development it defaults to runserver's address; `make run HOST=…` sets it to match.
SITE_URL = env_site_url("DYAD_SITE_URL") or ("http://127.0.0.1:8000" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DYAD_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "dyad.accounts",
    "dyad.programs",
    "dyad.profiles",
    "dyad.relationships",
    "dyad.meetings",
    "dyad.reminders",
    "dyad.questions",
    "dyad.matching",
    "dyad.audit",
    "dyad.demo",
    "dyad.goals",
    "dyad.home",
    "dyad.retention",
    "dyad.rollover",
    "dyad.resources",
    "dyad.training",
    "dyad.faculty",
    "dyad.expectations",
    "dyad.coaching",
    "dyad.feedback",
    "dyad.insight",
    "dyad.surveys",
    "dyad.checkins",
    "dyad.changes",
    "ninja",
    "dyad.api",
    "dyad.privacy",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the others, so that the policy it writes can take their additions (the
    # identity providers' addresses that sign-in forms lead to, see SSOMiddleware).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dyad.accounts.sso.SSOMiddleware",
    "dyad.accounts.middleware.SecondFactorRequiredMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
    "dyad.middleware.permissions_policy",
]

ROOT_URLCONF = "dyad.urls"
WSGI_APPLICATION = "dyad.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dyad" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def env_conn_max_age(name: str, *, debug: bool) -> int | None:
    """Seconds a worker keeps its database connection for the next requests: 0 closes it
    after each request, "unlimited" never. Persistent (10 minutes) by default in
    production, closed after each request in development."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return 0 if debug else 600
    if value == "unlimited":
        return None
    seconds = env_int(name, 0)
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must be 0 or more seconds or unlimited, not {value!r}")
    return seconds


# Persistent connections rather than psycopg's pool: gunicorn's sync workers serve one
# request at a time each, so a pool per worker would hold one useful connection, which is
# what CONN_MAX_AGE keeps, with no extra dependency; the server sees one connection per
# worker. Health checks replace a connection the server closed (a restart, a failover)
# before a request uses it. Behind PgBouncer in transaction mode, set it to 0.
DB_CONN_MAX_AGE = env_conn_max_age("DYAD_DB_CONN_MAX_AGE", debug=DEBUG)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=DB_CONN_MAX_AGE != 0,
    )
}
# Forms read their option lists with QuerySet.iterator(), which on PostgreSQL opens a
# server-side cursor: three round trips (declare, fetch, close) for a few hundred rows.
# Plain reads take one, and work behind PgBouncer in transaction mode too.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Figures computed from a program's data (the leaders' home, the compliance table) are
# cached under a key that names the version of that data, so an entry is never read once
# the data has changed. By default each worker process keeps its own (in memory);
# DYAD_CACHE_URL (redis://host:port/db) shares one Redis among every host and worker,
# DYAD_CACHE_DIR the workers of one host in files, DYAD_CACHE_TABLE all the hosts of a
# database in that table (create it once: `manage.py createcachetable`).
if os.environ.get("DYAD_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DYAD_CACHE_URL"],
        }
    }
elif os.environ.get("DYAD_CACHE_TABLE"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": os.environ["DYAD_CACHE_TABLE"],
        }
    }
elif os.environ.get("DYAD_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["DYAD_CACHE_DIR"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database. With a cache every host and worker shares (Redis), each
# request reads its session from the cache and writes go to both, which saves a query a
# request. Not with a cache of one worker or one host: a sign-out seen by one would leave
# the session alive in another's copy.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("DYAD_CACHE_URL")
    else "django.contrib.sessions.backends.db"
)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Login throttling: after this many failures for one e-mail from one address, the login is
# locked for AXES_COOLOFF_TIME hours. Stored in the database, so it holds across processes.
AXES_FAILURE_LIMIT = env_int("DYAD_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DYAD_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("DYAD_PROXY_COUNT", 0) or None
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "programs:index"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An invitation link stays valid this long (seconds).
PASSWORD_RESET_TIMEOUT = env_int("DYAD_INVITATION_SECONDS", 14 * 24 * 3600)

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DYAD_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static-root"
STATICFILES_DIRS = [BASE_DIR / "dyad" / "static"]
# Serve the app's own assets straight from the source tree too, so that a fresh checkout
# (and the test server) works before `collectstatic`; production serves STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get(
    "DYAD_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DYAD_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DYAD_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DYAD_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DYAD_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DYAD_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DYAD_FROM_EMAIL", "Dyad <dyad@localhost>")

# Largest roster file accepted, in bytes.
DYAD_ROSTER_MAX_BYTES = env_int("DYAD_ROSTER_MAX_BYTES", 5 * 1024 * 1024)

# Files people attach (meeting preparation) are kept here, outside every served path; in
# production a directory on storage that every application process shares.
PRIVATE_FILES_ROOT = Path(os.environ.get("DYAD_PRIVATE_FILES_DIR", BASE_DIR / "private-files"))
# Largest attachment, in megabytes, and how many files one meeting's preparation may hold.
DYAD_ATTACHMENT_MAX_BYTES = env_int("DYAD_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
DYAD_ATTACHMENTS_PER_MEETING = env_int("DYAD_ATTACHMENTS_PER_MEETING", 5)
# Largest document of the resource library, in megabytes.
DYAD_RESOURCE_MAX_BYTES = env_int("DYAD_RESOURCE_MAX_MB", 25) * 1024 * 1024

# Private notes, goal check-ins and meeting preparation of a relationship are deleted this
# many days after it ended (`manage.py purge_ended`, SPEC M11).
DYAD_RETENTION_DAYS = env_int("DYAD_RETENTION_DAYS", 730)
if DYAD_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("DYAD_RETENTION_DAYS must be at least 1 (days after a pairing ends)")

HTTPS = env_bool("DYAD_HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DYAD_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DYAD_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DYAD_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DYAD_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DYAD_LOG_LEVEL", "WARNING")},
}

# --- Content-Security-Policy and other security headers (SPEC M12) -------------------------
# Scripts come only from Dyad's own static files: no inline <script>, no on*= handlers, no
# eval. Styles likewise: style sheets from Dyad only, no <style> element, no style attribute
# (templates use classes; tests/test_security_headers.py checks them).
# DYAD_CSP_FORM_ACTION adds origins forms may post to (an identity provider's, for SAML).
CSP_FORM_ACTION = env_list("DYAD_CSP_FORM_ACTION", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'none'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *CSP_FORM_ACTION],
    },
}
# Browser features Dyad never uses, turned off for every page (see dyad/middleware.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# --- Single sign-on (allauth socialaccount: OpenID Connect and SAML 2.0) --------------------
# Institutions' identity providers, from the environment (see dyad/lib/sso_config.py and
# the README) and/or from "Social applications" rows in the admin. SSO never creates an
# account: it signs in the account a roster invited, matched by a verified e-mail address
# (dyad/accounts/sso.py).
try:
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": sso_config.oidc_apps(os.environ),
            "OAUTH_PKCE_ENABLED": True,
        },
        "saml": {"APPS": sso_config.saml_apps(os.environ)},
    }
except sso_config.SSOConfigError as error:
    raise ImproperlyConfigured(str(error)) from None
SOCIALACCOUNT_ADAPTER = "dyad.accounts.sso.SSOAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
# The adapter checks the address itself; allauth sends no confirmation e-mail for SSO.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
# The sign-in buttons post (with the CSRF token) to start the sign-in.
SOCIALACCOUNT_LOGIN_ON_GET = False
# --- Sign-in, password reset and second factor (django-allauth) -------------------------
# Accounts come from rosters and invitations only: no public sign-up (see the adapter).
ACCOUNT_ADAPTER = "dyad.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# The invitation link proved the address; allauth's own confirmation mails are not used.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_SESSION_REMEMBER = True
# The same page whether the address has an account or not, and no mail to an address
# Dyad does not know (it would let anyone send mail from Dyad to anyone).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Dyad: "
# A reset link is single-use (its token derives from the password hash) and short-lived,
# unlike an invitation (PASSWORD_RESET_TIMEOUT).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "dyad.accounts.tokens.PasswordResetTokenGenerator"
DYAD_PASSWORD_RESET_SECONDS = env_int("DYAD_PASSWORD_RESET_SECONDS", 3600)
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed logins are counted by django-axes alone, in the database (shared by every
# process); allauth's per-process counters for them are turned off.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None}
AXES_USERNAME_CALLABLE = "dyad.accounts.throttle.username_of"
AXES_HANDLER = "dyad.accounts.throttle.AxesHandler"
# Failures from one address across all e-mails (one password tried on many accounts)
# before that address is locked out for AXES_COOLOFF_TIME.
DYAD_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DYAD_LOGIN_ADDRESS_FAILURE_LIMIT", 20)

# Requests one API token may make per minute; beyond it the API answers 429 with
# Retry-After. Counted in the cache (CACHES), so shared by the workers that share it.
DYAD_API_REQUESTS_PER_MINUTE = env_int("DYAD_API_REQUESTS_PER_MINUTE", 300)

# How long a page may be kept for its viewer while nothing it shows changes
# (dyad.changes.pages); 0 keeps none. Kept in CACHES: shared by the workers that share it.
DYAD_PAGE_CACHE_SECONDS = env_int("DYAD_PAGE_CACHE_SECONDS", 120)

# allauth's remaining per-address limits (reset e-mails) read the same client address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DYAD_PROXY_COUNT", 0)

MFA_ADAPTER = "dyad.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = os.environ.get("DYAD_MFA_ISSUER", "Dyad")
# Browsers allow passkeys on http://localhost only; production is HTTPS.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Program leaders (coordinators, directors) must set up a second factor before they open
# a page of their program: everywhere when this is on, or per program (Program setting).
DYAD_REQUIRE_MFA_FOR_LEADERS = env_bool("DYAD_REQUIRE_MFA_FOR_LEADERS", False)

# Program surveys: someone who has not answered an open survey is reminded at most once in
# this many days (manage.py send_survey_reminders).
DYAD_SURVEY_REMIND_EVERY_DAYS = env_int("DYAD_SURVEY_REMIND_EVERY_DAYS", 7)
