"""`followup board` as a person sees it: the page in headless Chromium, from real state.db.

Set FOLLOWUP_BOARD_SHOTS=docs to write the demo's screenshots to docs/board-*.png.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.cli.board import render_board
from tests.e2e.browser import Page, browser
from tests.e2e.helpers import DEADLINE, at, passes, stop, wait_for
from tests.e2e.world import NY, World

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_TITLE = "Interview <img src=x onerror=alert(1)>"
HOSTILE_COMPANY = "<script>alert(1)</script>"
HOSTILE_ROLE = '"><a href="javascript:alert(1)">click</a>'
HOSTILE_NAME = "<b>Eve</b> & co"
DESKTOP, PHONE = (1280, 900), (390, 844)
# Each column's heading and card headings, read from the rendered page.
COLUMNS_JS = """[...document.querySelectorAll('main > section')].map(s => [
  s.querySelector('h2').firstChild.textContent,
  [...s.querySelectorAll('article h3')].map(h => h.textContent)])"""
BOXES_JS = """[...document.querySelectorAll('main > section')].map(s => {
  const r = s.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top)]; })"""
WIDTHS_JS = "[document.documentElement.scrollWidth, window.innerWidth]"
# Every element with text of its own: its colour and the background it is read on.
COLOURS_JS = """[...document.querySelectorAll('body *')]
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => { let b = e, bg = 'rgba(0, 0, 0, 0)';
    while (b && bg === 'rgba(0, 0, 0, 0)') { bg = getComputedStyle(b).backgroundColor;
      b = b.parentElement; }
    return [e.tagName, getComputedStyle(e).color, bg]; })"""


def send_to(world: World, address: str) -> bytes:
    """The candidate sends the draft addressed to `address`; the sent message's raw bytes."""
    [draft] = [d for d in world.drafts() if f"<{address}>".encode() in d["raw"]]
    sent = world.sandbox.user_send_draft(draft["id"])
    return world.sandbox.get_message(sent["id"])["raw"]


@pytest.fixture
def five_states(world: World) -> World:
    """One interview in each column, and one whose event text is hostile, on Monday 21:00."""
    for company, hour, person in (
        ("Acme", 10, ("Jane Doe", "jane@acme.com")),
        ("Globex", 11, ("Raj Patel", "raj@globex.com")),
        ("Initech", 12, ("Bill Lumbergh", "bill@initech.com")),
        ("Umbrella", 13, ("Alice Abernathy", "alice@umbrella.com")),
        ("Hooli", 15, ("Gavin Belson", "gavin@hooli.com")),
    ):
        world.add_interview(summary=f"Interview with {company}", start=at(30, hour),
                            interviewers=(person,))
    world.add_interview(
        summary=HOSTILE_TITLE,
        start=at(1, 11, month=12),
        interviewers=((HOSTILE_NAME, "eve@evil.example"),),
    )
    world.tick(at(30, 9))
    hostile = world.interview("Interview <img")["id"]
    world.cli("note", hostile, "company", HOSTILE_COMPANY)
    world.cli("note", hostile, "role", HOSTILE_ROLE)
    world.tick(at(30, 19))  # five thank-you drafts
    world.at(at(30, 20))
    send_to(world, "raj@globex.com")
    send_to(world, "bill@initech.com")
    sent = email.message_from_bytes(send_to(world, "alice@umbrella.com"),
                                    policy=email.policy.default)
    world.tick(at(30, 20, 15))
    world.reply(sender="Bill Lumbergh <bill@initech.com>", subject="Re: Thank you",
                body="Yeah, we would like you to come in again on Saturday.", when=at(30, 20, 30))
    world.reply(
        sender="Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        subject="Delivery Status Notification (Failure)",
        body="Your message wasn't delivered to alice@umbrella.com: the address couldn't be found.",
        headers={"X-Failed-Recipients": "alice@umbrella.com", "Auto-Submitted": "auto-replied"},
        in_reply_to=str(sent["Message-ID"]),
        when=at(30, 20, 30),
    )
    world.tick(at(30, 21))
    world.cli("stop", world.interview("Hooli")["id"])
    return world


@pytest.fixture
def page() -> Iterator[Page]:
    """A fresh headless Chromium tab (skips where Chromium is absent)."""
    with browser() as tab:
        yield tab


def png_size(path: Path) -> tuple[int, int]:
    """A PNG file's width and height, from its header."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def rgb(css: str) -> tuple[float, float, float]:
    """'rgb(1, 2, 3)' -> (1, 2, 3)."""
    r, g, b = (float(x) for x in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


def contrast(fg: tuple[float, float, float], bg: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (0-255 channels)."""

    def luminance(c: tuple[float, float, float]) -> float:
        lin = [x / 255 / 12.92 if x / 255 <= 0.04045 else ((x / 255 + 0.055) / 1.055) ** 2.4
               for x in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_each_interview_is_a_card_in_its_column_and_hostile_text_stays_text(
    five_states: World, page: Page, tmp_path: Path
) -> None:
    out = five_states.cli("board").output.strip()
    board = five_states.home / "board.html"
    assert out == str(board)
    assert board.stat().st_mode & 0o777 == 0o600, "the board names people: private like state.db"
    page.load(board.as_uri(), *DESKTOP)
    assert page.run(COLUMNS_JS) == [
        ["Waiting on you", ["Acme"]],
        ["Waiting on them", ["Globex", HOSTILE_COMPANY]],
        ["Replied", ["Initech"]],
        ["Paused", ["Umbrella"]],
        ["Closed", ["Hooli"]],
    ]
    text = page.run("document.body.innerText")
    for hostile in (HOSTILE_TITLE, HOSTILE_COMPANY, HOSTILE_ROLE, HOSTILE_NAME):
        assert hostile in text
    assert page.run("document.querySelectorAll('img,script,b,iframe,object,embed').length") == 0
    assert page.run("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                    ".some(a => a.name.startsWith('on') || a.name === 'style')).length") == 0
    assert "alice@umbrella.com bounced" in text and "Bill Lumbergh" in text
    assert "Stopped" in text and "Next: check-in" in text
    acme = five_states.interview("Acme")["id"]
    detail = five_states.cli("status", acme).output
    status_links = re.findall(r"https://mail\.google\.com/\S+", detail)
    hrefs = page.run("[...document.querySelectorAll('a')].map(a => a.href)")
    assert len(status_links) == 1 and hrefs == status_links, "the draft opens as `status ID` says"
    assert page.problems() == []
    boxes = page.run(BOXES_JS)
    assert len({top for _, top in boxes}) == 1 and len({left for left, _ in boxes}) == 5
    assert png_size(page.screenshot(tmp_path / "desktop.png"))[0] == DESKTOP[0]
    page.load(board.as_uri(), *PHONE)
    widths = page.run(WIDTHS_JS)
    assert widths[0] <= widths[1], "nothing wider than a phone's screen"
    assert len({left for left, _ in page.run(BOXES_JS)}) == 1, "columns stack on a phone"
    assert png_size(page.screenshot(tmp_path / "phone.png"))[0] == PHONE[0]
    assert page.problems() == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_text_reads_at_wcag_aa_contrast(five_states: World, page: Page, dark: bool) -> None:
    five_states.cli("board")
    page.load((five_states.home / "board.html").as_uri(), *DESKTOP, dark=dark)
    seen = page.run(COLOURS_JS)
    assert len(seen) > 50
    background = rgb(page.run("getComputedStyle(document.body).backgroundColor"))
    assert (sum(background) < 100) == dark, "the dark theme follows prefers-color-scheme"
    low = [(tag, fg, bg) for tag, fg, bg in seen if contrast(rgb(fg), rgb(bg)) < 4.5]
    assert low == []


def test_on_paper_it_is_black_on_white_one_column(five_states: World, page: Page) -> None:
    five_states.cli("board")
    page.load((five_states.home / "board.html").as_uri(), *DESKTOP, dark=True)
    page.send("Emulation.setEmulatedMedia", media="print")
    body = page.run("[getComputedStyle(document.body).color, "
                    "getComputedStyle(document.body).backgroundColor]")
    assert body == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert page.run("getComputedStyle(document.querySelector('main')).display") == "block"


def test_the_problem_banner_comes_first_and_is_announced(tmp_path: Path, page: Page) -> None:
    problem = "followup has not worked since Mon 2026-11-30 09:00: Google refuses <token>"
    board = tmp_path / "board.html"
    board.write_text(render_board([], NY, at(30, 10), problem), encoding="utf-8")
    page.load(board.as_uri(), *PHONE)
    alerts = page.run("[...document.querySelectorAll('[role=alert]')].map(e => "
                      "[e.textContent, e.closest('header') !== null, "
                      "e.getBoundingClientRect().top < innerHeight])")
    assert alerts == [[problem, True, True]]
    landmarks = "['header','main','footer','h1'].map(s => document.querySelectorAll(s).length)"
    assert page.run(landmarks) == [1, 1, 1, 1]
    assert page.run("document.documentElement.lang") == "en"
    assert page.problems() == []


def test_the_demo_ends_by_writing_its_board(tmp_path: Path, page: Page) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli.main", "demo", "--fast", "--start", "2026-11-30"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("The board, every interview at a glance: ")
    board = Path(last.rsplit(": ", 1)[1])
    assert board.parent == tmp_path and board.is_file()
    shots = Path(os.environ.get("FOLLOWUP_BOARD_SHOTS", "") or tmp_path)
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.load(board.as_uri(), *size)
        assert page.run(COLUMNS_JS) == [
            ["Waiting on you", []],
            ["Waiting on them", []],
            ["Replied", ["Acme"]],
            ["Paused", []],
            ["Closed", ["Globex"]],
        ]
        assert png_size(page.screenshot(shots / f"board-{name}.png"))[0] == size[0]
    assert page.problems() == []


def test_the_daemon_rewrites_the_board_after_a_pass_that_changed_something(
    world: World,
) -> None:
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.at(at(30, 19, 5))  # the thank-you is due
    board = world.home / "board.html"
    proc = world.popen("run", "--interval", "0.01")
    try:
        wait_for("the board", lambda: board.exists(), proc)
        assert "open the draft in Gmail" in board.read_text(encoding="utf-8")
        board.unlink()
        seen = passes(world)
        wait_for("two more passes", lambda: passes(world) >= seen + 2, proc)
    finally:
        assert stop(proc)[0] == 0
    assert not board.exists(), "a pass that changed nothing leaves the board alone"


def test_the_setting_turns_the_daemons_board_off(tmp_path: Path, world: World) -> None:
    with (world.home / "config.toml").open("a") as config:
        config.write("\n[daemon]\nwrite_board = false\n")
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.at(at(30, 19, 5))
    proc = world.popen("run", "--interval", "0.01")
    try:
        wait_for("the thank-you draft", lambda: bool(world.drafts()), proc)
    finally:
        assert stop(proc)[0] == 0
    assert not (world.home / "board.html").exists()


def test_a_board_that_cannot_be_written_is_said_and_never_stops_the_daemon(world: World) -> None:
    board = world.home / "board.html"
    board.mkdir()
    failed = world.cli("board", expect=7)
    assert f"{board} is a folder" in failed.output and "move the folder aside" in failed.output
    world.add_interview(summary="Interview with Acme", start=at(30, 14))
    world.at(at(30, 19, 5))
    proc = world.popen("run", "--interval", "0.01")
    try:
        wait_for("the thank-you draft", lambda: bool(world.drafts()), proc)
        seen = passes(world)
        wait_for("another pass", lambda: passes(world) > seen, proc)
    finally:
        code, err = stop(proc)
    assert code == 0, err
    assert f"the board was not rewritten: [Errno 21] Is a directory: '{board}'" in err
    assert [p.name for p in world.home.iterdir() if p.name.startswith(".board")] == []


def test_open_hands_the_board_to_the_web_browser(tmp_path: Path, world: World) -> None:
    opened = tmp_path / "opened"
    fake = tmp_path / "browser"
    fake.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n')
    fake.chmod(0o755)
    proc = world.popen("board", "--open", extra_env={"BROWSER": str(fake)})
    out, err = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 0, err
    assert opened.read_text() == (world.home / "board.html").as_uri() == Path(out.strip()).as_uri()
