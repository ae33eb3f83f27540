"""Hostile input: every parser in core reads outsiders' text within its caps, in bounded time.

The caps are checked exactly. The time is bounded far above the linear cost: each parser
gets every input of hostile.py (runs of each character class and token its patterns use),
larger than any cap, and must finish each within LIMIT seconds, where the slowest takes
about a tenth of a second on a loaded 2-core machine (`bench/parsers.py` prints the
figures). A slow machine cannot make this fail; a pattern gone quadratic (minutes to hours
on such input) stops at the limit instead of hanging the suite.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from agent.core.delivery import (
    MAX_CONTAINERS,
    MAX_PARTS,
    MAX_REPORT_BYTES,
    cut_returned_copy,
    read_report,
    readable,
)
from agent.core.detect import detect
from agent.core.interviews import Attendee, Interview
from agent.core.notes import MAX_DESCRIPTION_CHARS, MAX_LINE_CHARS, description_lines
from agent.core.replies import parse_address, return_date
from agent.core.robot_mail import (
    MAX_HEADER_CHARS,
    MAX_HEADERS,
    MAX_NAME_HEADER_CHARS,
    MAX_SNIPPET_CHARS,
    bounded,
)
from agent.core.settings import CalendarSettings
from agent.core.text import addresses_in
from agent.core.titles import title_hints
from tests.core.hostile import NY, PARSERS, TooSlow, event, message, report, texts, within

LIMIT = 10.0  # seconds for one parser on one input
SIZE = 96 * 1024  # characters per input: beyond every cap (MAX_REPORT_BYTES is the largest)
INPUTS = list(texts(SIZE))


@pytest.mark.parametrize("name", PARSERS)
def test_every_parser_finishes_on_every_hostile_input(name: str) -> None:
    for label, text in INPUTS:
        try:
            with within(LIMIT):
                PARSERS[name](text)
        except TooSlow:
            pytest.fail(f"{name} still running after {LIMIT} s on {len(text):,} of {label!r}")


@pytest.mark.parametrize("unit", ["a", "-", ".", "a.", "a@", "'", " "])
def test_the_address_finder_is_linear_on_a_mebibyte(unit: str) -> None:
    text = unit * (1 << 20)  # the old pattern took over a minute on letters
    with within(LIMIT):
        found = addresses_in(text + "@acme.com <jane@acme.com>")
    assert found[-1] == "jane@acme.com"


@pytest.mark.parametrize("unit", ["-", "=", " ", "> ", "-\n", "\n"])
def test_the_copy_marker_is_linear_on_a_report(unit: str) -> None:
    text = unit * MAX_REPORT_BYTES  # the old pattern took 53 s on 60,000 dashes
    with within(LIMIT):
        notice, copy = cut_returned_copy(f"{text}\n----- Original message -----\nFrom: x")
    assert (notice, copy) == (f"{text}\n"[:MAX_REPORT_BYTES], "")


def test_a_message_is_read_within_its_caps() -> None:
    huge = message("x" * (MAX_HEADER_CHARS * 3))
    crowded = replace(huge, headers=huge.headers * (MAX_HEADERS // 4))
    for meta in (huge, crowded):
        read = bounded(meta)
        assert len(read.headers) <= MAX_HEADERS
        assert all(len(value) == MAX_HEADER_CHARS for _, value in read.headers)
        assert len(read.snippet) == MAX_SNIPPET_CHARS
    small = message("jane@acme.com")
    assert bounded(small) is small


def test_a_from_header_is_parsed_within_its_cap() -> None:
    assert parse_address("Jane Doe <jane@acme.com>") == ("Jane Doe", "jane@acme.com")
    assert parse_address(f"{'x' * MAX_NAME_HEADER_CHARS} <jane@acme.com>") == ("", "")


def test_a_report_is_read_within_its_caps() -> None:
    notice = "Delivery to jane@acme.com failed permanently.\n"
    padded = report(notice + "x" * MAX_REPORT_BYTES + "\nbob@acme.com: user unknown")
    assert len(readable(padded)) == MAX_REPORT_BYTES
    assert read_report(padded).failed == ("jane@acme.com",)
    opening = 'Content-Type: multipart/mixed; boundary="B"\n\n--B\n'
    deep = (opening * (MAX_CONTAINERS * 4)).encode()
    assert readable(deep).count(b"Content-Type") == MAX_CONTAINERS
    parts = report("--B\n\nx\n" * (MAX_PARTS * 4), 'multipart/mixed; boundary="B"')
    assert readable(parts).count(b"\n--B") == MAX_PARTS


def test_an_event_is_read_within_its_caps() -> None:
    lines = "Company: Initech\n" + "x" * MAX_DESCRIPTION_CHARS + "\nRole: Spy"
    assert description_lines(lines)[0] == "Company: Initech"
    assert not any("Spy" in line for line in description_lines(lines))
    hints = title_hints("x" * MAX_LINE_CHARS + " at Globex", ())
    assert hints.company == ""
    long_address = Attendee("j" * 250 + "@acme.com", "J", "accepted")
    ev = replace(event("Acme"), attendees=(*event("Acme").attendees, long_address))
    found = detect(ev, user_email="me@example.org", settings=CalendarSettings(), zone=NY)
    assert isinstance(found, Interview)
    assert long_address.email not in {c.email for c in found.contacts}


def test_a_return_date_is_read_within_its_cap() -> None:
    assert return_date("back on December 7", date(2026, 12, 1)) == date(2026, 12, 7)
    assert return_date("x" * 10_000 + " back on December 7", date(2026, 12, 1)) is None
