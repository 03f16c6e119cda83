"""Auth and bad input: a wrong token writes nothing; bad requests get a SCIM 400, never 500."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ldapconnector.errors import ConfigurationError
from ldapconnector.scim import EndpointSettings, load_token
from ldapconnector.testing import OpenLDAPServer
from tests.scim.conftest import ECMA, TOKEN, Caller, ldapsearch
from tests.scim.test_entra_replay import PATCH, walkthrough_user

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def people(server: OpenLDAPServer) -> int:
    """How many users the directory holds."""
    return len(ldapsearch(server, server.people_dn, "(objectClass=inetOrgPerson)", "1.1"))


@pytest.mark.parametrize("token", [None, "wrong-token-123456", TOKEN[:-1], TOKEN + "x"])
def test_a_wrong_or_missing_token_gets_401_and_writes_nothing(
    call: Caller, server: OpenLDAPServer, token: str | None
) -> None:
    """401 with ``WWW-Authenticate: Bearer`` for a POST and a list; the directory is unchanged."""
    before = people(server)
    created = call("POST", "/Users", walkthrough_user(server, "intruder"), token=token)
    assert created.status == 401
    assert created.headers["WWW-Authenticate"].startswith("Bearer")
    assert call("GET", "/Users", token=token).status == 401
    assert people(server) == before


def test_the_scheme_must_be_bearer(call: Caller) -> None:
    """The right token under another scheme is refused; under Bearer (any case) accepted."""
    assert call("GET", "/Users", scheme="Basic").status == 401
    assert call("GET", "/Users", scheme="bearer").status == 200


def test_a_short_token_is_refused_at_start(tmp_path: Path) -> None:
    """A token under 12 characters stops the start; the message does not show it."""
    endpoint = EndpointSettings(name="LDAP", config=tmp_path / "c.toml", token_env="T")
    with pytest.raises(ConfigurationError) as raised:
        load_token(endpoint, {"T": "short-11chr"})
    assert "12 characters" in str(raised.value)
    assert "short-11chr" not in str(raised.value)
    with pytest.raises(ConfigurationError, match="T is not set"):
        load_token(endpoint, {})


@pytest.mark.parametrize(
    ("method", "path", "body", "named"),
    [
        ("GET", "/Users?filter=userName eq", None, "filter"),
        ("GET", '/Users?filter=userName xx "a"', None, "filter"),
        ("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                            ECMA: {"uidNumber": "not a number"}}, "uidNumber"),
        ("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                            "nickName": "x"}, "nickName"),
        ("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                            ECMA: {"-dn-": "not a dn", "objectClass": ["inetOrgPerson"],
                                   "cn": "x", "sn": "y", "uid": "x", "uidNumber": 1,
                                   "gidNumber": 1, "homeDirectory": "/x"}}, "not a dn"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_scim_400_naming_what_is_wrong(
    call: Caller, server: OpenLDAPServer, method: str, path: str, body: object, named: str
) -> None:
    """Bad filters and values: 400 with a SCIM Error naming the attribute; nothing written."""
    before = people(server)
    response = call(method, path, body)
    assert response.status == 400, response.body
    assert response.body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert named in json.dumps(response.body)
    assert people(server) == before
    assert call("GET", "/Users?count=1").status == 200  # and the bridge keeps serving


def test_a_bad_patch_path_gets_400_and_changes_nothing(
    call: Caller, server: OpenLDAPServer
) -> None:
    """A PATCH naming no attribute of the schema is refused whole: no half-applied change."""
    created = call("POST", "/Users", walkthrough_user(server, "pathcheck"))
    assert created.status == 201
    user_id = created.body["id"]
    operations = [
        {"op": "replace", "path": f"{ECMA}:sn", "value": "Changed"},
        {"op": "replace", "path": f"{ECMA}:noSuchAttribute", "value": "x"},
    ]
    response = call("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": operations})
    assert response.status == 400
    assert "noSuchAttribute" in json.dumps(response.body)
    found = ldapsearch(server, server.people_dn, "(uid=pathcheck)", "sn")
    assert found[0]["sn"] == ["Simon"]


def test_unknown_tenants_get_a_scim_404_and_v2_is_optional(call: Caller) -> None:
    """Another path than /ecma2host_<name>/scim is a SCIM 404; ``/v2`` may follow the tenant."""
    other = Caller(call.app, prefix="/ecma2host_Other/scim")
    response = other("GET", "/Users")
    assert response.status == 404
    assert "/ecma2host_LDAP/scim" in response.body["detail"]
    assert call("GET", "/v2/Users?count=1").status == 200
