import pytest

from dyad.lib.sso_config import SSOConfigError, oidc_apps, saml_apps

CERT = "-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmg\\nAwIBAgIU==\\n-----END CERTIFICATE-----"


def test_no_institution_means_no_provider():
    assert oidc_apps({}) == [] and saml_apps({}) == []


def test_several_oidc_institutions_each_from_their_own_variables():
    apps = oidc_apps(
        {
            "DYAD_OIDC_INSTITUTIONS": "hospital, Univ-Med",
            "DYAD_OIDC_HOSPITAL_NAME": "Children's Hospital",
            "DYAD_OIDC_HOSPITAL_SERVER_URL": "https://login.hospital.example",
            "DYAD_OIDC_HOSPITAL_CLIENT_ID": "dyad",
            "DYAD_OIDC_HOSPITAL_SECRET": "s1",
            "DYAD_OIDC_UNIV_MED_SERVER_URL": "https://sso.univ.example/realms/med",
            "DYAD_OIDC_UNIV_MED_CLIENT_ID": "dyad-med",
            "DYAD_OIDC_UNIV_MED_SECRET": "s2",
        }
    )
    assert [(a["provider_id"], a["name"], a["client_id"]) for a in apps] == [
        ("hospital", "Children's Hospital", "dyad"),
        ("univ-med", "univ-med", "dyad-med"),
    ]
    assert apps[1]["settings"]["server_url"] == "https://sso.univ.example/realms/med"


def test_a_listed_oidc_institution_without_its_secret_stops_the_start():
    with pytest.raises(SSOConfigError, match="DYAD_OIDC_HOSPITAL_SECRET must be set"):
        oidc_apps(
            {
                "DYAD_OIDC_INSTITUTIONS": "hospital",
                "DYAD_OIDC_HOSPITAL_SERVER_URL": "https://login.hospital.example",
                "DYAD_OIDC_HOSPITAL_CLIENT_ID": "dyad",
            }
        )


@pytest.mark.parametrize("url", ["http://login.hospital.example", "login.hospital.example"])
def test_an_identity_provider_is_reached_over_https_except_on_this_machine(url):
    env = {
        "DYAD_OIDC_INSTITUTIONS": "h",
        "DYAD_OIDC_H_SERVER_URL": url,
        "DYAD_OIDC_H_CLIENT_ID": "c",
        "DYAD_OIDC_H_SECRET": "s",
    }
    with pytest.raises(SSOConfigError, match="https"):
        oidc_apps(env)
    env["DYAD_OIDC_H_SERVER_URL"] = "http://127.0.0.1:8080"
    assert oidc_apps(env)[0]["settings"]["server_url"] == "http://127.0.0.1:8080"


@pytest.mark.parametrize("listed", ["a b", "x" * 41, "-a", "a,a"])
def test_malformed_or_repeated_ids_are_refused(listed):
    with pytest.raises(SSOConfigError):
        oidc_apps({"DYAD_OIDC_INSTITUTIONS": listed})


def test_a_saml_idp_given_by_address_and_certificate():
    (app,) = saml_apps(
        {
            "DYAD_SAML_INSTITUTIONS": "university",
            "DYAD_SAML_UNIVERSITY_NAME": "State University",
            "DYAD_SAML_UNIVERSITY_ENTITY_ID": "https://idp.univ.example/",
            "DYAD_SAML_UNIVERSITY_SSO_URL": "https://idp.univ.example/sso",
            "DYAD_SAML_UNIVERSITY_X509_CERT": CERT,
            "DYAD_SAML_UNIVERSITY_EMAIL_ATTRIBUTE": "urn:oid:1.2.3",
        }
    )
    assert app["client_id"] == "university" and app["provider_id"] == "https://idp.univ.example/"
    assert app["settings"]["idp"]["x509cert"] == "MIIBszCCAVmgAwIBAgIU=="
    assert app["settings"]["attribute_mapping"]["email"] == ["urn:oid:1.2.3"]
    assert app["settings"]["advanced"]["want_assertion_signed"] is True


def test_a_saml_idp_given_by_its_metadata_needs_no_certificate():
    (app,) = saml_apps(
        {
            "DYAD_SAML_INSTITUTIONS": "u",
            "DYAD_SAML_U_ENTITY_ID": "https://idp.univ.example/",
            "DYAD_SAML_U_METADATA_URL": "https://idp.univ.example/metadata",
        }
    )
    assert app["settings"]["idp"] == {
        "entity_id": "https://idp.univ.example/",
        "metadata_url": "https://idp.univ.example/metadata",
    }


def test_a_saml_idp_without_metadata_needs_its_certificate():
    with pytest.raises(SSOConfigError, match="DYAD_SAML_U_X509_CERT must be set"):
        saml_apps(
            {
                "DYAD_SAML_INSTITUTIONS": "u",
                "DYAD_SAML_U_ENTITY_ID": "https://idp.univ.example/",
                "DYAD_SAML_U_SSO_URL": "https://idp.univ.example/sso",
            }
        )


def test_an_institution_may_be_limited_to_the_addresses_of_its_domains():
    base = {
        "DYAD_OIDC_INSTITUTIONS": "h",
        "DYAD_OIDC_H_SERVER_URL": "https://login.h.example",
        "DYAD_OIDC_H_CLIENT_ID": "c",
        "DYAD_OIDC_H_SECRET": "s",
    }
    assert oidc_apps(base)[0]["settings"]["email_domains"] == []
    limited = {**base, "DYAD_OIDC_H_EMAIL_DOMAINS": "Hospital.example, @med.univ.example"}
    assert oidc_apps(limited)[0]["settings"]["email_domains"] == [
        "hospital.example",
        "med.univ.example",
    ]
    with pytest.raises(SSOConfigError, match="not a domain name"):
        oidc_apps({**base, "DYAD_OIDC_H_EMAIL_DOMAINS": "localhost"})
