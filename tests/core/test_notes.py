"""Notes from event descriptions (plain and Google's HTML) and from `followup note` pairs."""

from __future__ import annotations

import pytest

from agent.core.interviews import Contact, Notes
from agent.core.notes import (
    MAX_VALUE_CHARS,
    NOTE_KEYS,
    description_lines,
    merge_notes,
    notes_from_pairs,
    parse_contacts,
    parse_notes,
)
from agent.core.text import is_valid_email, one_line

PLAIN = """Interview with Jane about the platform team.
Follow-up: Thursday at 2pm
Fit: you are moving the monolith to services, which I did at Initech
Fit: small team that owns its on-call
Strengths: Python, Postgres; incident response
Strengths: mentoring
Start: January 2027
Phone: +1 555 0100
Contact: Jane Doe <jane@acme.com>
Company: Acme Robotics
Role: Backend Engineer
Zoom: https://zoom.us/j/123
"""


def test_plain_description_every_key() -> None:
    notes = parse_notes(PLAIN)
    assert notes == Notes(
        follow_up="Thursday at 2pm",
        fit=(
            "you are moving the monolith to services, which I did at Initech",
            "small team that owns its on-call",
        ),
        strengths=("Python", "Postgres", "incident response", "mentoring"),
        start="January 2027",
        phone="+1 555 0100",
        contacts=(Contact("jane@acme.com", "Jane Doe"),),
        company="Acme Robotics",
        role="Backend Engineer",
    )


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("Follow-up: Friday", "follow_up", "Friday"),
        ("Followup: Friday", "follow_up", "Friday"),
        ("Follow up: Friday", "follow_up", "Friday"),
        ("FOLLOW-UP : Friday", "follow_up", "Friday"),
        ("follow_up: Friday", "follow_up", "Friday"),
        ("  - Follow-up: Friday", "follow_up", "Friday"),
        ("* company: Globex", "company", "Globex"),
        ("Position: Staff Engineer", "role", "Staff Engineer"),
        ("ROLE: Staff Engineer", "role", "Staff Engineer"),
        ("Start date: March 1", "start", "March 1"),
        ("phone:   +49 30 1234  ", "phone", "+49 30 1234"),
    ],
)
def test_key_spellings(line: str, field: str, value: str) -> None:
    assert getattr(parse_notes(line), field) == value


@pytest.mark.parametrize(
    "text",
    ["Follow-up:", "Follow-up:    ", "Notes: call Jane", "Followup Thursday", "http://x.com/a:b"],
)
def test_lines_that_are_not_notes(text: str) -> None:
    assert parse_notes(text) == Notes()


def test_scalar_keys_keep_the_last_value_list_keys_accumulate() -> None:
    notes = parse_notes("Follow-up: Monday\nFit: a\nFollow-up: Tuesday\nFit: b")
    assert notes.follow_up == "Tuesday"
    assert notes.fit == ("a", "b")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jane Doe <jane@acme.com>", (Contact("jane@acme.com", "Jane Doe"),)),
        ("Jane Doe, jane@acme.com", (Contact("jane@acme.com", "Jane Doe"),)),
        ("jane@acme.com", (Contact("jane@acme.com", ""),)),
        ('"Doe, Jane" <Jane.Doe@Acme.com>', (Contact("jane.doe@acme.com", "Doe, Jane"),)),
        ("jane@acme.com (Jane Doe)", (Contact("jane@acme.com", "Jane Doe"),)),
        ("mailto:jane@acme.com", (Contact("jane@acme.com", ""),)),
        (
            "Jane Doe <jane@acme.com>, Bob Roe <bob@acme.com>",
            (Contact("jane@acme.com", "Jane Doe"), Contact("bob@acme.com", "Bob Roe")),
        ),
        ("Jane <jane@acme.com>; jane@acme.com", (Contact("jane@acme.com", "Jane"),)),
        ("山田 太郎 <taro@acme.co.jp>", (Contact("taro@acme.co.jp", "山田 太郎"),)),
        ("Jane Doe <jane@acme>", ()),
        ("Jane Doe <jane@@acme.com>", ()),
        ("Jane <.jane@acme.com>", ()),
        ("Jane <ja..ne@acme.com>", ()),
        ("not an address", ()),
        ("", ()),
    ],
)
def test_parse_contacts(value: str, expected: tuple[Contact, ...]) -> None:
    assert parse_contacts(value) == expected


def test_several_contact_lines_and_invalid_ones_ignored() -> None:
    notes = parse_notes(
        "Contact: Jane Doe <jane@acme.com>\nContact: nobody <nope>\nContact: bob@acme.com"
    )
    assert notes.contacts == (Contact("jane@acme.com", "Jane Doe"), Contact("bob@acme.com"))


GOOGLE_HTML = (
    "Looking forward to it!<br><br>Follow-up: Thursday at 2pm<br>"
    "Fit: your team&#39;s focus on reliability &amp; cost<br>"
    "<p>Strengths: Python,&nbsp;SRE</p>"
    "<p>Contact: Jane Doe &lt;<a href=\"mailto:jane@acme.com\" target=\"_blank\">"
    "jane@acme.com</a>&gt;</p>"
    "<div>Contact: <a href=\"mailto:bob@acme.com?subject=hi\">Bob Roe</a></div>"
    "<ul><li>Company: <b>Acme</b> Robotics</li><li>Position: SRE</li></ul>"
)


def test_google_html_description() -> None:
    notes = parse_notes(GOOGLE_HTML)
    assert notes.follow_up == "Thursday at 2pm"
    assert notes.fit == ("your team's focus on reliability & cost",)
    assert notes.strengths == ("Python", "SRE")
    assert notes.contacts == (
        Contact("jane@acme.com", "Jane Doe"),
        Contact("bob@acme.com", "Bob Roe"),
    )
    assert notes.company == "Acme Robotics"
    assert notes.role == "SRE"


def test_html_lines_and_entities() -> None:
    lines = description_lines("<p>One &amp; two</p><p>Three<br/>Four</p><script>Fit: x</script>")
    assert lines == ("One & two", "Three", "Four")


def test_raw_bracketed_address_survives_html() -> None:
    notes = parse_notes("<br>Contact: Jane Doe <jane@acme.com><br>Role: SRE")
    assert notes.contacts == (Contact("jane@acme.com", "Jane Doe"),)
    assert notes.role == "SRE"


def test_markup_the_html_parser_refuses_still_gives_its_lines() -> None:
    notes = parse_notes("<![foo[ x ]]><p>Company: Acme</p><p>Contact: Jane <jane@acme.com></p>")
    assert (notes.company, notes.contacts) == ("Acme", (Contact("jane@acme.com", "Jane"),))


def test_plain_text_with_brackets_is_not_treated_as_html() -> None:
    assert description_lines("Contact: Jane <jane@acme.com>\r\nRole: a < b") == (
        "Contact: Jane <jane@acme.com>",
        "Role: a < b",
    )


def test_control_and_bidi_characters_removed_and_length_capped() -> None:
    notes = parse_notes("Company: Ac\x00me\u202e Inc\x1b[31m\nFit: " + "x" * 1000)
    assert notes.company == "Ac me Inc [31m"
    assert notes.fit == ("x" * MAX_VALUE_CHARS,)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  a \t b  ", "a b"),
        ("line\nbreak", "line break"),
        ("zero\u2028sep", "zero sep"),
        ("Ярослава\u00a0Ковальчук", "Ярослава Ковальчук"),
        ("\ufeffbom", "bom"),
        ("bad\ud800surrogate", "badsurrogate"),
    ],
)
def test_one_line(raw: str, expected: str) -> None:
    assert one_line(raw, MAX_VALUE_CHARS) == expected


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("jane@acme.com", True),
        ("jane.doe+jobs@mail.acme.co.uk", True),
        (" jane@acme.com ", True),
        ("Jane <jane@acme.com>", False),
        ("jane@acme", False),
        ("jane@", False),
        ("@acme.com", False),
        ("jane@acme.com\nBcc: x@y.com", False),
    ],
)
def test_is_valid_email(address: str, ok: bool) -> None:
    assert is_valid_email(address) is ok


def test_merge_notes_override_wins_where_not_empty() -> None:
    base = Notes(follow_up="Monday", fit=("a",), company="Acme", phone="1")
    override = Notes(follow_up="Friday", fit=(), company="", role="SRE")
    assert merge_notes(base, override) == Notes(
        follow_up="Friday", fit=("a",), company="Acme", phone="1", role="SRE"
    )
    assert merge_notes(base, Notes()) == base


def test_notes_from_pairs_every_key() -> None:
    pairs = [
        ("follow-up", "2026-12-03 14:00"),
        ("fit", "a"),
        ("fit", "b"),
        ("strengths", "x, y"),
        ("start", "March"),
        ("phone", "+1 555"),
        ("contact", "Jane <jane@acme.com>"),
        ("company", "Acme"),
        ("role", "SRE"),
    ]
    assert {key for key, _ in pairs} == set(NOTE_KEYS)
    assert notes_from_pairs(pairs) == Notes(
        follow_up="2026-12-03 14:00",
        fit=("a", "b"),
        strengths=("x", "y"),
        start="March",
        phone="+1 555",
        contacts=(Contact("jane@acme.com", "Jane"),),
        company="Acme",
        role="SRE",
    )


def test_notes_from_pairs_aliases() -> None:
    assert notes_from_pairs([("Followup", "Fri"), ("position", "SRE")]) == Notes(
        follow_up="Fri", role="SRE"
    )


def test_notes_from_pairs_unknown_key() -> None:
    with pytest.raises(ValueError, match=r"unknown note key 'salary'; use one of: follow-up, fit"):
        notes_from_pairs([("salary", "lots")])


def test_notes_from_pairs_bad_contact() -> None:
    with pytest.raises(ValueError, match="no valid mail address"):
        notes_from_pairs([("contact", "Jane Doe")])


@pytest.mark.parametrize(
    "line",
    [
        "Contact: Jane=0ABcc: mallory@evil.example <jane@acme.com>",
        "Contact: Jane%0D%0ABcc: <jane@acme.com>",
        "Contact: =?utf-8?q?Jane=0A?= <jane@acme.com>",
        "Contact: Jane\\nBcc <jane@acme.com>",
        "Contacts: Jane Doe <jane@acme.com>, Bob Roe <bob@acme.com>",
        "Contact: nobody <nope>",
    ],
)
def test_a_contact_line_names_one_person_with_one_address(line: str) -> None:
    notes = parse_notes(f"{line}\nContact: Kim Lee <kim@acme.com>")
    assert notes.contacts == (Contact("kim@acme.com", "Kim Lee"),)
    [ignored] = notes.ignored
    assert ignored.startswith("Contact line ") and " ignored: " in ignored


def test_a_contact_note_with_two_addresses_is_refused() -> None:
    with pytest.raises(ValueError, match="names 2 addresses"):
        notes_from_pairs([("contact", "Jane <jane@acme.com> bob@acme.com")])
