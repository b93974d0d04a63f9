"""A SAML 2.0 identity provider for the single sign-on tests, built on pysaml2's IdP
(`saml2.server.Server`, which signs with the xmlsec1 binary): it reads Dyad's service
provider metadata, takes the AuthnRequest by HTTP-Redirect, asks who is signing in, and
posts a signed assertion back. A real implementation of the protocol, not a mock.
"""

from __future__ import annotations

import datetime
import html
import shutil
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import AUTHN_PASSWORD, NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from tests.idp.oidc import IdPUnavailable, free_port


def _key_and_certificate(directory: Path, common_name: str) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class SamlIdP:
    """Start with `start()`, stop with `stop()`. `people` maps the login name typed at the
    IdP to the attributes it releases (LDAP names: mail, givenName, sn)."""

    def __init__(self, *, directory: Path, people: dict[str, dict[str, str]]):
        xmlsec = shutil.which("xmlsec1")
        if not xmlsec:
            raise IdPUnavailable("pysaml2 signs with xmlsec1: `apt-get install -y xmlsec1`")
        self.people = people
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.entity_id = f"{self.base}/metadata"
        self.sso_url = f"{self.base}/sso/redirect"
        self.key_file, self.cert_file = _key_and_certificate(directory, "idp.test")
        self.xmlsec = xmlsec
        self.sp_metadata_url = ""
        self._server: Server | None = None
        self._httpd = make_server("127.0.0.1", self.port, self.app, handler_class=_Quiet)

    @property
    def certificate(self) -> str:
        return self.cert_file.read_text()

    def start(self) -> None:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def server(self) -> Server:
        """pysaml2's IdP, made at the first request: it needs Dyad's SP metadata, which
        Dyad serves once the institution is configured."""
        if self._server is None:
            with urllib.request.urlopen(self.sp_metadata_url, timeout=10) as response:
                sp_metadata = response.read().decode()
            config = IdPConfig()
            config.load(
                {
                    "entityid": self.entity_id,
                    "service": {
                        "idp": {
                            "endpoints": {
                                "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]
                            },
                            "policy": {
                                "default": {
                                    "lifetime": {"minutes": 15},
                                    "attribute_restrictions": None,
                                    "name_form": NAME_FORMAT_URI,
                                }
                            },
                            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        }
                    },
                    "key_file": str(self.key_file),
                    "cert_file": str(self.cert_file),
                    "xmlsec_binary": self.xmlsec,
                    "metadata": {"inline": [sp_metadata]},
                }
            )
            self._server = Server(config=config)
        return self._server

    # --- WSGI ------------------------------------------------------------------------------

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/sso/redirect" and environ["REQUEST_METHOD"] == "GET":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            return self._login_form(start_response, query)
        if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            return self._answer(start_response, form)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def _login_form(self, start_response, query):
        self.server().parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
            for name in ("SAMLRequest", "RelayState")
        )
        page = (
            "<!doctype html><html lang='en'><head><title>University sign-in</title></head>"
            "<body><main><h1>University sign-in</h1>"
            f"<form method='post' action='/sso/login'>{hidden}"
            "<label for='username'>Username</label> <input id='username' name='username'> "
            "<button type='submit'>Sign in</button></form></main></body></html>"
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]

    def _answer(self, start_response, form):
        server = self.server()
        request = server.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        login = form.get("username", "")
        person = self.people.get(login)
        if person is None:
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"unknown user"]
        args = server.response_args(request.message)
        response = server.create_authn_response(
            identity={name: [value] for name, value in person.items()},
            userid=login,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=login),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": self.entity_id},
            sign_assertion=True,
            sign_response=False,
            # Dyad refuses SHA-1 signatures (python3-saml's rejectDeprecatedAlgorithm).
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **args,
        )
        http_args = server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            args["destination"],
            form.get("RelayState", ""),
            response=True,
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [
            http_args["data"].encode() if isinstance(http_args["data"], str) else http_args["data"]
        ]
