"""The board page's rules: columns, escaping, links, colours (the browser tests are in e2e)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from agent.cli.board import (
    BACKGROUNDS,
    CSS,
    DECORATION,
    THEMES,
    column_of,
    render_board,
    style_sheet,
)
from agent.cli.status import InterviewView, StepView

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=NY)
HOSTILE = '<img src=x onerror=alert(1)>"\'&<style>*{display:none}</style><a href="javascript:x">'
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
    "article", "h1", "h2", "h3", "p", "span", "div", "ul", "ol", "li", "a", "time", "br", "code",
}
LINK_HOSTS = ("https://mail.google.com/", "https://calendar.google.com/")


class Page(HTMLParser):
    """Every tag with its attributes, and the text, as a browser's parser reads them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the tag."""
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        """Keep the text."""
        self.text.append(data)


def step(name: str, state: str, *, reason: str = "", message_id: str | None = None) -> StepView:
    """One step row as status shows it."""
    return StepView(name, "jane@acme.com", NOW, state, "r1" if message_id else None, reason,
                    message_id)


def view(status: str = "active", *steps: StepView, text: str = "Acme") -> InterviewView:
    """One interview as status shows it; `text` goes into every field an outsider writes."""
    return InterviewView(
        id="db0e4dc", key="primary/acme1", title=f"Interview with {text}", company=text,
        role=text, start=NOW - timedelta(days=1), end=NOW - timedelta(hours=23), status=status,
        status_reason=f"reason {text}" if status != "active" else "", status_at=NOW,
        contacts=(f"{text} <jane@acme.com>",), primary="jane@acme.com", steps=steps,
        story=(), ignored_notes=(f"note {text}",), warnings=(f"warning {text}",),
    )


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", list(THEMES))
def test_every_text_colour_reads_at_wcag_aa_on_every_background(theme: str) -> None:
    colours = THEMES[theme]
    texts = [k for k in colours if k not in BACKGROUNDS + DECORATION]
    low = {
        (fg, bg): round(contrast(colours[fg], colours[bg]), 2)
        for fg in texts
        for bg in BACKGROUNDS
        if contrast(colours[fg], colours[bg]) < 4.5
    }
    assert low == {}
    assert len(texts) >= 9


@pytest.mark.parametrize("theme", list(THEMES))
def test_lines_and_dots_stand_out_at_3_to_1(theme: str) -> None:
    colours = THEMES[theme]
    assert all(contrast(colours[d], colours[bg]) >= 3 for d in DECORATION for bg in ("bg", "card"))


def test_the_dark_theme_sets_every_colour_and_the_page_uses_no_other() -> None:
    assert THEMES["dark"].keys() == THEMES["light"].keys()
    used = set(re.findall(r"var\(--([a-z-]+)\)", style_sheet())) - {"c", "dot"}
    assert used <= THEMES["light"].keys()
    assert "@media (prefers-color-scheme:dark)" in style_sheet()
    assert "@media print" in style_sheet()
    assert re.findall(r"#[0-9a-f]{3,6}\b", CSS.split("@media print")[0]) == []


@pytest.mark.parametrize(
    ("status", "states", "column"),
    [
        ("active", ("sent", "drafted", "planned"), "you"),
        ("active", ("sent", "planned"), "them"),
        ("active", ("planned",), "them"),
        ("replied", ("sent", "stopped"), "replied"),
        ("paused", ("drafted",), "paused"),
        ("closed", ("done",), "closed"),
        ("stopped", ("stopped",), "closed"),
        ("cancelled", ("stopped",), "closed"),
        ("superseded", ("stopped",), "closed"),
        ("gone", ("stopped",), "closed"),
    ],
)
def test_each_status_has_its_column(status: str, states: tuple[str, ...], column: str) -> None:
    steps = [step("check_in", s) for s in states]
    assert column_of(view(status, *steps)) == column


@pytest.mark.parametrize("status", ["active", "replied", "paused", "closed"])
def test_outsiders_text_is_shown_as_text_and_never_becomes_markup(status: str) -> None:
    drafted = step("thank_you", "drafted", reason=HOSTILE, message_id='m1" onclick="x')
    page = Page(render_board([view(status, drafted, step("check_in", "planned"), text=HOSTILE)],
                             NY, NOW, problem=HOSTILE))
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    assert [tag for tag, _ in page.tags].count("style") == 1
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") or name in ("style", "src") for name in attrs), tag
        if tag == "a":
            assert (attrs["href"] or "").startswith(LINK_HOSTS)
    text = "".join(page.text)
    assert text.count(HOSTILE) >= 7  # title, company, role, contact, notes, reasons, banner


def test_the_only_links_open_drafts_in_gmail_as_status_prints_them() -> None:
    steps = (step("thank_you", "drafted", message_id="18c0ffee"), step("check_in", "sent",
             message_id="18beef"))
    page = Page(render_board([view("active", *steps)], NY, NOW))
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert hrefs == ["https://mail.google.com/mail/u/0/#drafts?compose=18c0ffee"]


def test_a_page_without_script_or_network_with_landmarks_and_a_language() -> None:
    text = render_board([view()], NY, NOW)
    page = Page(text)
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert ("html", {"lang": "en"}) in page.tags
    assert all(tags.count(t) == 1 for t in ("header", "main", "footer", "h1"))
    assert tags.count("h2") == 5 and tags.count("h3") == 1
    csp = next(a["content"] for t, a in page.tags if t == "meta" and "http-equiv" in a)
    assert "default-src 'none'" in (csp or "")
    assert "http://" not in text and "url(" not in text and "@import" not in text


def test_the_banner_shows_only_when_there_is_a_problem() -> None:
    assert 'role="alert"' not in render_board([view()], NY, NOW)
    line = "followup has not worked since Tue 2026-12-01 09:00: run `followup auth`"
    page = Page(render_board([view()], NY, NOW, problem=line))
    assert [a for t, a in page.tags if a.get("role") == "alert"] == [{"role": "alert"}]
    assert line in "".join(page.text)
