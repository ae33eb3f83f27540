"""What a step's draft and voicemail script are made from, for one contact, as of a day.

The draft, `followup preview`, the agenda's call scripts and the calendar reminders all take
their words from here, so each says the same: same sender, branch, named date and history.
"""

from __future__ import annotations

from datetime import date

from agent.core.compose import StepText, render_cue, render_voicemail
from agent.core.formats import day_name
from agent.core.headers import draft_key_value
from agent.core.interviews import Contact, Interview, PlannedStep
from agent.core.messages import ThreadRef
from agent.core.model import StepName, StepState
from agent.engine.work import Pass, Sequence

WENT_OUT = (StepState.SENT, StepState.SENT_BY_USER)


def draft_key(p: Pass, key: str, step: StepName, recipient: str) -> str:
    """The opaque X-Followup-Key value of the draft for one (interview, step, recipient)."""
    return draft_key_value(p.session.key_secret, key, step.value, recipient)


def sent_times(seq: Sequence, recipient: str) -> dict[StepName, object]:
    """The email steps this contact actually got, with the moment each was sent."""
    when = {s.message_id: s.sent_at for s in seq.sent}
    return {
        r.step: when.get(r.sent_message_id or "", r.updated_at)
        for r in seq.rows(recipient=recipient, states=WENT_OUT)
    }


def step_text(seq: Sequence, planned: PlannedStep, to: Contact, today: date) -> StepText:
    """Everything one step's words for one contact are made from."""
    named = planned.name == StepName.CHECK_IN and planned.branch == "named"
    zone = seq.p.zone
    return StepText(
        step=planned.name,
        interview=seq.interview,
        to=to,
        sender=seq.p.sender(),
        content=seq.p.settings.content,
        today=today,
        branch=planned.branch if planned.name == StepName.CHECK_IN else "",
        follow_up_date=day_name(planned.due.astimezone(zone).date()) if named else None,
        sent=tuple(
            (name, at.astimezone(zone).date()) for name, at in sent_times(seq, to.email).items()
        ),
    )


def thread_for(seq: Sequence, contact: str, step: StepName) -> ThreadRef | None:
    """The thread a check-in or reminder answers: the last message the candidate sent them."""
    if step == StepName.THANK_YOU:
        return None
    sent = [s for s in seq.sent if s.contact == contact]
    if not sent or not sent[-1].rfc_message_id:
        return None
    last = sent[-1]
    return ThreadRef(last.thread_id, last.rfc_message_id, last.references, last.subject)


def voicemail(seq: Sequence, planned: PlannedStep, to: Contact, day: date) -> str:
    """The voicemail script of an email step for one contact, as its draft would say it."""
    return render_voicemail(step_text(seq, planned, to, day), seq.p.session.templates)


def cue(p: Pass, interview: Interview) -> str:
    """The question to ask before the interview ends."""
    text = StepText(
        step=StepName.ASK, interview=interview, to=interview.primary, sender=p.sender(),
        content=p.settings.content, today=interview.start.astimezone(p.zone).date(),
    )
    return render_cue(text, p.session.templates)
