"""users.settings.sendAs.list: the user's display name and HTML signature."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from agent.sandbox import Sandbox, SandboxClient
from tests.sandbox.helpers import GMAIL, USER, reason


def _send_as(gmail) -> list[dict]:
    return gmail.users().settings().sendAs().list(userId="me").execute()["sendAs"]


def test_default_is_empty_name_and_signature(gmail) -> None:
    assert _send_as(gmail) == [
        {
            "sendAsEmail": USER,
            "displayName": "",
            "replyToAddress": "",
            "signature": "",
            "isPrimary": True,
            "isDefault": True,
            "treatAsAlias": False,
            "verificationStatus": "accepted",
        }
    ]


def test_control_sets_name_and_signature(gmail, client: SandboxClient) -> None:
    signature = '<div dir="ltr">Sam Lee<br><a href="https://sam.example">sam.example</a></div>'
    client.set_send_as(display_name="Sam Lee", signature=signature)
    got = _send_as(gmail)[0]
    assert (got["displayName"], got["signature"]) == ("Sam Lee", signature)
    client.set_send_as(display_name="Samantha Lee")  # the signature stays
    assert _send_as(gmail)[0]["signature"] == signature


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        ([GMAIL + "readonly"], True),
        ([GMAIL + "settings.basic"], True),
        ([GMAIL + "compose"], False),
        ([GMAIL + "metadata"], False),
    ],
)
def test_scopes(gmail, sandbox: Sandbox, scopes: list[str], allowed: bool) -> None:
    sandbox.set_scopes(scopes)
    if allowed:
        assert _send_as(gmail)
        return
    with pytest.raises(HttpError) as err:
        _send_as(gmail)
    assert err.value.resp.status == 403 and reason(err.value) == "insufficientPermissions"


def test_persisted(tmp_path, sandbox: Sandbox) -> None:
    sandbox.set_send_as("Sam Lee", "<b>Sam</b>")
    sandbox.save(tmp_path / "s.json")
    assert Sandbox.load(tmp_path / "s.json").send_as == {
        "display_name": "Sam Lee",
        "signature": "<b>Sam</b>",
    }
