"""Dyad settings: one module, driven by environment variables.

Development defaults are safe (SQLite, DEBUG on, localhost only). Production sets
DYAD_DEBUG=0, DYAD_SECRET_KEY, DYAD_ALLOWED_HOSTS and DATABASE_URL; HTTPS settings then
follow from DYAD_HTTPS (on by default when DEBUG is off).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dyad.accounts.middleware.SecondFactorRequiredMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DYAD_DB_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
