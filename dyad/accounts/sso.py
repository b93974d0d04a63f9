"""Single sign-on through institutions' identity providers (OpenID Connect, SAML 2.0).

django-allauth speaks the protocols; this adapter decides who gets in. Dyad accounts
exist only because a roster invited them, so SSO signs in an existing account and never
creates one. The person is matched by the e-mail address the identity provider vouches
for:

- OpenID Connect: the `email` claim counts only with `email_verified` true.
- SAML 2.0: the IdP's signed assertion is trusted for its e-mail attribute (SAML has no
  standard "verified" flag; institutions' IdPs release the directory's address), unless it
  says otherwise in an `email_verified` attribute.

An institution may be limited to the addresses of its own domains (`email_domains` in its
settings, DYAD_OIDC_<ID>_EMAIL_DOMAINS / DYAD_SAML_<ID>_EMAIL_DOMAINS), so that one
institution's IdP cannot sign in the people of another.

After the first sign-in the IdP's identity (its `sub` or NameID) is linked to the account,
and later sign-ins find the account through that link.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.template.response import TemplateResponse
from requests import RequestException

from dyad import policy
from dyad.accounts import services
from dyad.accounts.models import User

logger = logging.getLogger(__name__)


def vouched_email(sociallogin) -> tuple[str, bool]:
    """The address the identity provider gave, lower-cased, and whether it vouches for it."""
    addresses = sociallogin.email_addresses
    if not addresses:
        return "", False
    primary = next((a for a in addresses if a.primary), addresses[0])
    email = (primary.email or "").strip().lower()
    if sociallogin.provider.id == "saml":
        explicit = sociallogin.account.extra_data.get("email_verified")
        refused = bool(explicit) and str(explicit[0]).lower() in {"false", "0", "no", "f", "n"}
        return email, bool(email) and not refused
    return email, bool(email) and bool(primary.verified)


def email_domain_allowed(provider, email: str) -> bool:
    """Whether the institution may vouch for `email`: any address when its settings name
    no `email_domains`, else only those domains and their subdomains."""
    domains = [d.lower().lstrip("@.") for d in provider.app.settings.get("email_domains") or []]
    if not domains:
        return True
    domain = email.rpartition("@")[2]
    return any(domain == d or domain.endswith(f".{d}") for d in domains)


class SSOAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        provider = sociallogin.provider
        if sociallogin.is_existing:
            user, email, verified = sociallogin.user, sociallogin.user.email, True
        else:
            email, verified = vouched_email(sociallogin)
            user = User.objects.filter(email__iexact=email).first() if email else None
        # Linking an institution's identity from the connections page: only to oneself.
        linking = sociallogin.state.get("process") == AuthProcess.CONNECT
        reason = policy.sso_refusal(
            user,
            email_verified=verified,
            email_domain_allowed=email_domain_allowed(provider, email),
            signed_in_as=request.user if linking else None,
        )
        if reason is not None:
            services.sso_refuse(
                user=user,
                email=email,
                institution=provider.name,
                protocol=provider.id,
                reason=reason,
            )
            raise ImmediateHttpResponse(
                TemplateResponse(
                    request,
                    "accounts/sso_refused.html",
                    {"reason": reason, "email": email, "institution": provider.name},
                    status=403,
                ).render()
            )
        if linking:
            return  # allauth links it and says so on the connections page
        services.sso_sign_in(sociallogin=sociallogin, request=request, acting_user=user)


class SSOMiddleware:
    """Two things allauth's SSO views leave to the site.

    - An identity provider that cannot be reached (its discovery document, its token
      endpoint) raises from deep inside allauth: the person gets the "sign-in failed" page
      with 502, not a server error.
    - The SAML views read the Host header directly; a request without one (HTTP/1.0) gets
      the host Django validated instead of a crash.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_sso_path(request.path) and "HTTP_HOST" not in request.META:
            request.META["HTTP_HOST"] = request.get_host()
        response = self.get_response(request)
        is_page = response.get("Content-Type", "").startswith("text/html")
        # A sign-in button posts to Dyad, which sends the browser on to the identity
        # provider: the Content-Security-Policy's form-action must allow that address.
        if (
            is_page
            and request.path.startswith("/accounts/")
            and (origins := identity_provider_origins())
        ):
            update = getattr(response, "_csp_update", None) or {}
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response

    def process_exception(self, request, exception):
        if _is_sso_path(request.path) and isinstance(exception, RequestException):
            logger.warning("Identity provider unreachable at %s: %s", request.path, exception)
            return TemplateResponse(
                request, "socialaccount/authentication_error.html", status=502
            ).render()
        return None


def identity_provider_origins() -> list[str]:
    """The origins (scheme, host, port) of every configured institution's identity
    provider, from the settings and from the admin's "Social applications"."""
    from allauth.socialaccount.models import SocialApp
    from django.conf import settings

    configured = [
        app.get("settings", {})
        for provider in getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).values()
        for app in provider.get("APPS", [])
    ]
    configured += [app.settings or {} for app in SocialApp.objects.all()]
    addresses = []
    for conf in configured:
        idp = conf.get("idp", {}) if isinstance(conf.get("idp"), dict) else {}
        addresses += [conf.get("server_url"), idp.get("sso_url"), idp.get("metadata_url")]
    origins = []
    for address in addresses:
        parts = urlsplit(address or "")
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins


def _is_sso_path(path: str) -> bool:
    return path.startswith(("/accounts/oidc/", "/accounts/saml/"))
