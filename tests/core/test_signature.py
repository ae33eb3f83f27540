"""Gmail signatures as plain text, and settings overriding the account's name and signature."""

from __future__ import annotations

import pytest

from agent.core.settings import UserSettings
from agent.core.signature import sender_identity, signature_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("Casey", "Casey"),
        ("Casey<br>+1 555 0100", "Casey\n+1 555 0100"),
        (
            '<div dir="ltr"><b>Casey</b>&nbsp;C.<div>R&amp;D &lt;lead&gt;</div></div>',
            "Casey C.\nR&D <lead>",
        ),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>a</div><script>alert(1)</script><style>p{}</style>b", "a\nb"),
        ('<a href="mailto:c@x.com">c@x.com</a>\n  spread\n over', "c@x.com spread over"),
        ("line\u202eevil<br>\x00x", "line evil\nx"),
    ],
)
def test_signature_text(html: str, text: str) -> None:
    assert signature_text(html) == text


def test_settings_override_gmail_each_on_its_own() -> None:
    both = sender_identity(UserSettings(name="Me", signature="Me\n555"), "Gm", "Gs")
    assert (both.name, both.signature, both.name_from, both.signature_from) == (
        "Me", "Me\n555", "settings", "settings"
    )
    mixed = sender_identity(UserSettings(name="Me"), "Gm", "Gs")
    assert (mixed.name, mixed.signature, mixed.signature_from) == ("Me", "Gs", "gmail")
    none = sender_identity(UserSettings(), "", "")
    assert (none.name, none.signature, none.name_from) == ("", "", "")
