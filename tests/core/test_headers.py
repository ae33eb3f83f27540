"""Header safety: encoding, addresses, keys, folding, and the read-back check."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

import pytest

from agent.core.headers import (
    KEY_HEADER,
    DraftHeaders,
    PreparedHeader,
    UnsafeHeader,
    check_addr_spec,
    display_name,
    draft_key_value,
    draft_message,
    encode_words,
    fold_line,
    intended_names,
    references_value,
    verify_message,
)
from agent.core.text import as_written


def parse(raw: bytes) -> EmailMessage:
    """The message as a mail reader sees it."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def built(*, key: str = "k", subject: str = "Hi", to_name: str = "Jane") -> bytes:
    """A message from draft_message, serialized and verified."""
    headers = DraftHeaders("Alex", "alex@gmail.com", to_name, "jane@acme.com", subject, key)
    raw = draft_message(headers, "Hello\n")
    verify_message(raw, headers)
    return raw


def test_unsafe_header_is_a_value_error() -> None:
    assert issubclass(UnsafeHeader, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a  b"),
        ("\x00a\x1fb\x7fc\x85d\u2028e\u2029f", "a b c d e f"),
        ("  padded\t", "padded"),
        ("x" * 50, "x" * 7 + "..."),
        ("bad \ud800 surrogate", "bad  surrogate"),
        ("rtl\u202eoverride", "rtl override"),
    ],
)
def test_as_written(text: str, expected: str) -> None:
    assert as_written(text, 10 if len(text) == 50 else 100) == expected


SECRET = bytes(range(32))


@pytest.mark.parametrize(
    "key",
    [
        "team@group.calendar.google.com/abc_20261201T150000Z",
        "primary/evt 1",
        "primary/evt\r\nBcc: x@y.com",
        "primary/=?UTF-8?Q?=0A?=",
        "primary/日本",
        "primary/" + "e" * 2000,
    ],
)
def test_draft_key_is_opaque_and_recomputable(key: str) -> None:
    value = draft_key_value(SECRET, key, "check_in", "Bob@Initrode.example")
    raw = built(key=value)
    msg = parse(raw)
    assert [k.lower() for k in msg] == [n.lower() for n in intended_names(False)]
    assert str(msg[KEY_HEADER]) == value
    assert re.fullmatch(r"k1[a-z2-7]{32}", value)
    for revealing in ("primary", "check_in", "bob", "initrode", "#", "@", "/", "evt"):
        assert revealing not in value
    assert value == draft_key_value(SECRET, key, "check_in", "bob@initrode.example")
    assert value != draft_key_value(bytes(32), key, "check_in", "bob@initrode.example")
    assert value != draft_key_value(SECRET, key, "reminder", "bob@initrode.example")
    assert value != draft_key_value(SECRET, key, "check_in", "jane@initrode.example")


def test_draft_key_needs_a_secret() -> None:
    with pytest.raises(ValueError):
        draft_key_value(b"", "primary/e", "thank_you", "a@b.com")


@pytest.mark.parametrize("value", ["primary/e#thank_you#a@b.com", "k1 x", "K1ABC", "k1\r\nBcc: x"])
def test_a_readable_or_unsafe_key_value_is_refused(value: str) -> None:
    with pytest.raises(UnsafeHeader):
        built(key=value)


def test_encode_words_split_long_text_on_character_boundaries() -> None:
    text = "日本語" * 40 + "=?"
    encoded = encode_words(text)
    assert all(len(word) <= 75 for word in encoded.split(" "))
    raw = f"Subject: {encoded}\r\n\r\n".encode("ascii")
    assert str(parse(raw)["Subject"]) == text


@pytest.mark.parametrize(
    "subject",
    ["a  b   c " * 30, "x" * 300, "日本語 Ελληνικά العربية " * 5, "=?UTF-8?Q?=0A?=Bcc: x@y"],
)
def test_subjects_fold_and_read_back_exactly(subject: str) -> None:
    subject = as_written(subject, 1000)
    msg = parse(built(subject=subject))
    assert str(msg["Subject"]) == subject


def test_fold_line_breaks_before_spaces_only() -> None:
    folded = fold_line("Subject", "word " * 40, "\r\n")
    lines = folded.split("\r\n")
    assert lines[-1] == ""
    assert all(len(line) <= 78 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:-1])
    assert "".join(lines) == "Subject: " + "word " * 40


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Doe", "Jane Doe"),
        ("José García", "José García"),
        ("日本語" * 10, "日本語" * 4 + "日本..."),
        ("x" * 150, "x" * 97 + "..."),
        ("=?" * 30, "=?" * 21 + "..."),
    ],
)
def test_display_name_fits_one_encoded_word(name: str, expected: str) -> None:
    assert display_name(name) == expected
    msg = parse(built(to_name=expected))
    assert msg["To"].addresses[0].display_name == expected


@pytest.mark.parametrize(
    "addr", ["jane@acme.com", "first.last+tag@mail.example.co.uk", "o'brien@acme.io"]
)
def test_good_addresses_pass(addr: str) -> None:
    assert check_addr_spec(addr) == addr


@pytest.mark.parametrize(
    "addr",
    ["", "jane", "jane@acme", "a b@acme.com", ".jane@acme.com", "jane.@acme.com",
     "ja..ne@acme.com", "jane@-acme.com", "jane@acme.com>", "<jane@acme.com>", "jané@acme.com"],
)
def test_bad_addresses_fail(addr: str) -> None:
    with pytest.raises(UnsafeHeader):
        check_addr_spec(addr)


def test_references_keep_the_last_twenty() -> None:
    previous = " ".join(f"<m{i}@x.com>" for i in range(30))
    value = references_value(previous, "<last@x.com>")
    ids = value.split(" ")
    assert len(ids) == 20
    assert ids[0] == "<m11@x.com>" and ids[-1] == "<last@x.com>"


GOOD_HEAD = (
    "From: Alex <alex@gmail.com>\r\nTo: Jane <jane@acme.com>\r\nSubject: Hi\r\n"
    "X-Followup-Key: k\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
)


def verify(head: str) -> None:
    """verify_message on a hand-made message with the test's intended values."""
    intended = DraftHeaders("Alex", "alex@gmail.com", "Jane", "jane@acme.com", "Hi", "k")
    verify_message(f"{head}\r\nbody\r\n".encode(), intended)


def test_verifier_accepts_the_intended_message() -> None:
    verify(GOOD_HEAD)


@pytest.mark.parametrize(
    ("head", "complaint"),
    [
        (GOOD_HEAD + "Bcc: evil@x.com\r\n", "extra ['bcc']"),
        (GOOD_HEAD.replace("Subject: Hi\r\n", "Subject: \r\nBcc: e@x.com\r\n"), "header set"),
        (GOOD_HEAD.replace("Jane <jane@acme.com>", "jane@acme.com, evil@x.com"), "To reads back"),
        (GOOD_HEAD.replace("Jane <jane@acme.com>", "Jane <evil@x.com>"), "To reads back"),
        (GOOD_HEAD.replace("Jane <jane", "Boss <jane"), "display name"),
        (GOOD_HEAD.replace("Subject: Hi", "Subject: =?UTF-8?Q?H=0Ai?="), "Subject does not"),
        (GOOD_HEAD.replace("X-Followup-Key: k", "X-Followup-Key: other"), "X-Followup-Key"),
        (GOOD_HEAD + "To: second@x.com\r\n", "extra ['to']"),
    ],
)
def test_verifier_refuses_anything_else(head: str, complaint: str) -> None:
    with pytest.raises(UnsafeHeader, match=re.escape(complaint)):
        verify(head)


def test_verifier_turns_parser_crashes_into_unsafe_header() -> None:
    head = GOOD_HEAD.replace("Jane <jane@acme.com>", '"=?UTF-8?Q?=0A?=Bcc: x@y" <j@acme.com>')
    with pytest.raises(UnsafeHeader):
        verify(head)


@pytest.mark.parametrize("value", ["a\r\nBcc: x@y", "日本", "a\x00b"])
def test_prepared_header_refuses_unencoded_values(value: str) -> None:
    with pytest.raises(UnsafeHeader):
        PreparedHeader("Subject", value)
