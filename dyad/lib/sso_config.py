"""Institutional single sign-on read from the environment: one entry per identity provider.

Each institution has a short id (letters, digits, "-" or "_"), listed in
``DYAD_OIDC_INSTITUTIONS`` or ``DYAD_SAML_INSTITUTIONS`` (comma separated), and its values
in variables named after it: ``DYAD_OIDC_HOSPITAL_CLIENT_ID`` for the id ``hospital``.
The result is the ``APPS`` list of django-allauth's ``openid_connect`` and ``saml``
providers; the id becomes the provider id (OIDC) or the organization slug (SAML) of the
sign-in and callback addresses, so it must not change once the IdP knows them.

No Django here: settings.py turns a `SSOConfigError` into ImproperlyConfigured, so that a
half-configured provider stops the site at start rather than at someone's first sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

# Where SAML IdPs usually put the e-mail address: the LDAP `mail` attribute by its OID and
# by its name, and the Microsoft claim. An institution may name another one.
SAML_EMAIL_ATTRIBUTES = [
    "urn:oid:0.9.2342.19200300.100.1.3",
    "mail",
    "email",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
]
SAML_ATTRIBUTE_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "eduPersonPrincipalName"],
    "email": SAML_EMAIL_ATTRIBUTES,
    "first_name": ["urn:oid:2.5.4.42", "givenName"],
    "last_name": ["urn:oid:2.5.4.4", "sn"],
}


class SSOConfigError(ValueError):
    pass


def institution_ids(environ: Mapping[str, str], name: str) -> list[str]:
    """The ids listed in `name`, lower-cased, each once; a malformed one is refused."""
    ids: list[str] = []
    for raw in environ.get(name, "").split(","):
        item = raw.strip().lower()
        if not item:
            continue
        if not _ID.match(item):
            raise SSOConfigError(
                f"{name}: {raw.strip()!r} is not a usable id (letters, digits, - or _, "
                "at most 40, starting with a letter or digit)"
            )
        if item in ids:
            raise SSOConfigError(f"{name}: {item!r} is listed twice")
        ids.append(item)
    return ids


def _var(kind: str, ident: str, key: str) -> str:
    return f"DYAD_{kind}_{ident.upper().replace('-', '_')}_{key}"


def _get(environ: Mapping[str, str], kind: str, ident: str, key: str, *, required: bool) -> str:
    name = _var(kind, ident, key)
    value = environ.get(name, "").strip()
    if required and not value:
        raise SSOConfigError(f"{name} must be set: {ident!r} is listed in DYAD_{kind}_INSTITUTIONS")
    return value


def _https_or_local(name: str, value: str) -> str:
    if not re.match(r"^https://[^/\s]+", value) and not re.match(
        r"^http://(127\.0\.0\.1|localhost)(:\d+)?(/|$)", value
    ):
        raise SSOConfigError(f"{name} must be an https:// address, not {value!r}")
    return value


def _email_domains(environ: Mapping[str, str], kind: str, ident: str) -> list[str]:
    """`EMAIL_DOMAINS`: the domains whose addresses this IdP may vouch for (comma separated;
    subdomains included); none listed means any."""
    name = _var(kind, ident, "EMAIL_DOMAINS")
    domains = [d.strip().lower().lstrip("@") for d in environ.get(name, "").split(",")]
    domains = [d for d in domains if d]
    for domain in domains:
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
            raise SSOConfigError(f"{name}: {domain!r} is not a domain name")
    return domains


def oidc_apps(environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """The `openid_connect` APPS: for each institution its issuer (`SERVER_URL`, whose
    /.well-known/openid-configuration is read), `CLIENT_ID` and `SECRET`; `NAME` is what
    the button says ("Sign in with NAME"), the id itself when not set."""
    apps = []
    for ident in institution_ids(environ, "DYAD_OIDC_INSTITUTIONS"):
        server_url = _get(environ, "OIDC", ident, "SERVER_URL", required=True)
        apps.append(
            {
                "provider_id": ident,
                "name": _get(environ, "OIDC", ident, "NAME", required=False) or ident,
                "client_id": _get(environ, "OIDC", ident, "CLIENT_ID", required=True),
                "secret": _get(environ, "OIDC", ident, "SECRET", required=True),
                "settings": {
                    "server_url": _https_or_local(_var("OIDC", ident, "SERVER_URL"), server_url),
                    # Only what matching an account needs.
                    "scope": ["openid", "email", "profile"],
                    "email_domains": _email_domains(environ, "OIDC", ident),
                },
            }
        )
    return apps


def _pem_body(value: str) -> str:
    """A certificate as python3-saml wants it: the base64 body, with or without the PEM
    armour and line breaks; `\\n` written literally in an env file counts as a break."""
    body = value.replace("\\n", "\n")
    body = re.sub(r"-----(BEGIN|END) CERTIFICATE-----", "", body)
    return "".join(body.split())


def saml_apps(environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """The `saml` APPS. An IdP is given either by its `METADATA_URL` (with its `ENTITY_ID`),
    or by `ENTITY_ID`, `SSO_URL` and `X509_CERT` (PEM), optionally `SLO_URL`.
    `EMAIL_ATTRIBUTE` names the attribute that holds the e-mail address when the IdP uses
    none of the usual ones; `SP_ENTITY_ID` overrides Dyad's own entity id (by default the
    address of its metadata page)."""
    apps = []
    for ident in institution_ids(environ, "DYAD_SAML_INSTITUTIONS"):
        entity_id = _get(environ, "SAML", ident, "ENTITY_ID", required=True)
        metadata_url = _get(environ, "SAML", ident, "METADATA_URL", required=False)
        idp: dict[str, str] = {"entity_id": entity_id}
        if metadata_url:
            idp["metadata_url"] = _https_or_local(_var("SAML", ident, "METADATA_URL"), metadata_url)
        else:
            sso_url = _get(environ, "SAML", ident, "SSO_URL", required=True)
            idp["sso_url"] = _https_or_local(_var("SAML", ident, "SSO_URL"), sso_url)
            cert = _pem_body(_get(environ, "SAML", ident, "X509_CERT", required=True))
            if not re.fullmatch(r"[A-Za-z0-9+/=]+", cert):
                raise SSOConfigError(f"{_var('SAML', ident, 'X509_CERT')} is not a certificate")
            idp["x509cert"] = cert
            slo_url = _get(environ, "SAML", ident, "SLO_URL", required=False)
            if slo_url:
                idp["slo_url"] = _https_or_local(_var("SAML", ident, "SLO_URL"), slo_url)
        mapping = {key: list(names) for key, names in SAML_ATTRIBUTE_MAPPING.items()}
        email_attribute = _get(environ, "SAML", ident, "EMAIL_ATTRIBUTE", required=False)
        if email_attribute:
            mapping["email"] = [email_attribute]
        app_settings: dict[str, Any] = {
            "idp": idp,
            "attribute_mapping": mapping,
            "email_domains": _email_domains(environ, "SAML", ident),
            # The IdP signs what it says about the person; anything unsigned is refused.
            "advanced": {"want_assertion_signed": True, "want_message_signed": False},
        }
        sp_entity_id = _get(environ, "SAML", ident, "SP_ENTITY_ID", required=False)
        if sp_entity_id:
            app_settings["sp"] = {"entity_id": sp_entity_id}
        apps.append(
            {
                "provider_id": entity_id,
                "client_id": ident,
                "name": _get(environ, "SAML", ident, "NAME", required=False) or ident,
                "settings": app_settings,
            }
        )
    return apps
