"""What the demo prints for each thing a tick did: sentences, not action labels."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from agent.core.model import STEPS, StepName
from agent.store import sequences
from agent.store.db import Store

ZONE = ZoneInfo("America/New_York")


def say(store: Store, kind: str, key: str, detail: str) -> str:
    """One thing the tick did, in words."""
    iv = sequences.get_interview(store.conn, key)
    step_name, _, who = detail.partition(" for ")
    if kind in ("drafted", "sent") and iv is not None:
        if kind == "sent":
            step_name, _, who = detail.partition(" to ")
        name = next(
            (c.name for c in (*iv.interview.contacts, iv.interview.primary) if c.email == who), ""
        ) or who
        label = STEPS[StepName(step_name)].label
        if kind == "drafted":
            return f"the {label} to {name} is ready in your Gmail drafts"
        return f"followup sees you sent the {label} to {name}"
    if kind == "auto_reply" and iv is not None:
        return _away(store, iv, detail)
    if kind == "found":
        return f"found the interview {detail.partition(': ')[2]!r}"
    if kind == "ask":
        return "before it ends, ask when to follow up, and with whom"
    if kind == "replied":
        return f"{detail.split(' <')[0].split(' replied')[0]} replied: the sequence stops here"
    if kind == "removed":
        return f"unsent draft removed: {detail.partition(' (')[0].replace('_', '-')}"
    if kind == "closed":
        return f"the sequence ends: {detail}"
    return f"{kind.replace('_', ' ')}: {detail}"

def _away(store: Store, iv: sequences.InterviewRow, detail: str) -> str:
    """An out-of-office reply in words: who is away until when, and which step moves."""
    who = detail.split(" <")[0]
    if not iv.delay_until:
        return f"{who} is away (automatic reply); nothing moves"
    back = date.fromisoformat(iv.delay_until)
    rows = sequences.get_steps(store.conn, iv.interview.key)
    waiting = sorted(
        (r for r in rows if r.state == sequences.StepState.PLANNED and r.step != StepName.ASK),
        key=lambda r: r.due,
    )
    moved = ""
    if waiting:
        nxt = waiting[0]
        moved = f": the {STEPS[nxt.step].label} moves to {nxt.due.astimezone(ZONE):%a %b %-d}"
    return f"{who} is away until {back:%a %b %-d}{moved}"
