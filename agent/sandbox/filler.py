"""A big mailbox fast: unrelated mail and drafts, each message's parse known as it is written."""

from __future__ import annotations

import random
from dataclasses import dataclass
from email.utils import format_datetime

from agent.sandbox.mailbox import Mailbox, StoredMessage
from agent.sandbox.mime import assemble, remember
from agent.sandbox.wire import from_ms

FIRST = ("Alex", "Maria", "Sam", "Priya", "Tom", "Lena", "Omar", "Grace", "Ivan", "Yuki")
LAST = ("Kim", "Garcia", "Novak", "Shah", "Berg", "Okafor", "Rossi", "Chen", "Dubois", "Lund")
TOPICS = ("Dinner on Friday", "Photos from the trip", "Invoice", "Book club", "Your order",
          "Weekend plans", "Rent", "Lunch?", "Notes from the call", "Flight details")
MIME = (("MIME-Version", "1.0"), ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "7bit"))
REPLY_SHARE = 0.3  # messages and drafts that answer a recent thread
SENT_SHARE = 0.2  # messages the user sent
LIST_SHARE = 0.15  # newsletters (List-Id, List-Unsubscribe)


@dataclass
class _Thread:
    """A conversation with one person that later mail may answer."""

    id: str
    subject: str
    last_ref: str
    person: str


def _people(rng: random.Random) -> list[str]:
    """400 people at 100 made-up organisations (`.example` names: nobody's real address)."""
    return [
        f"{first} {last} <{first.lower()}.{last.lower()}@org{rng.randrange(100)}.example>"
        for first in FIRST for last in LAST for _ in range(4)
    ]


class Filler:
    """Writes generated messages and drafts straight into a mailbox."""

    def __init__(self, box: Mailbox, seed: int) -> None:
        self.box = box
        self.rng = random.Random(seed)
        self.people = _people(self.rng)
        self.threads: list[_Thread] = []
        self.serial = 0

    def _message(
        self, headers: list[tuple[str, str]], labels: list[str], at_ms: int, thread: str | None
    ) -> tuple[StoredMessage, str]:
        """Store one message (its parse recorded, not computed); returns it and its Message-ID."""
        self.serial += 1
        ref = f"<filler-{self.box.counter + 1}.{at_ms}@mail.example>"  # unique across seeds
        body = f"Message {self.serial} of the filler mail.\nNothing here concerns an interview.\n"
        every = (*headers, ("Message-ID", ref), *MIME)
        raw = ("".join(f"{k}: {v}\n" for k, v in every) + "\n" + body).encode()
        parsed = remember(raw, assemble(tuple(every), body, False))
        for name, value in headers[:2]:  # From and To, always written `Name <address>` or bare
            display, _, addr = value.rpartition(" <")
            parsed.know_addresses(name.lower(), [(display, addr.rstrip(">"))] if display else
                                  [("", value)])
        return self.box.add(raw, labels, at_ms, thread, arrived_ms=at_ms), ref

    def _conversation(self, labels: list[str], at_ms: int) -> StoredMessage:
        """Mail between the user and one person: a new thread, or an answer in a recent one."""
        answer = self.threads and self.rng.random() < REPLY_SHARE
        old = self.rng.choice(self.threads[-50:]) if answer else None
        person = old.person if old else self.rng.choice(self.people)
        mine = "INBOX" not in labels
        user = self.box.user
        headers = [("From", user if mine else person), ("To", person if mine else user),
                   ("Date", format_datetime(from_ms(at_ms)))]
        subject = f"Re: {old.subject}" if old else f"{self.rng.choice(TOPICS)} ({self.serial + 1})"
        headers.append(("Subject", subject))
        if old:
            headers += [("In-Reply-To", old.last_ref), ("References", old.last_ref)]
        msg, ref = self._message(headers, labels, at_ms, old.id if old else None)
        if "DRAFT" in labels:  # a draft is never what later mail answers
            return msg
        if old:
            old.last_ref = ref
        else:
            self.threads.append(_Thread(msg.thread_id, subject, ref, person))
        return msg

    def message(self, at_ms: int) -> None:
        """One received or sent message (a newsletter now and then)."""
        roll = self.rng.random()
        if roll >= LIST_SHARE:
            sent = roll < LIST_SHARE + SENT_SHARE
            unread = ["UNREAD"] if self.rng.random() < 0.3 else []
            self._conversation(["SENT"] if sent else ["INBOX", *unread], at_ms)
            return
        org = self.rng.randrange(20)
        headers = [("From", f"News {org} <news@list{org}.example>"), ("To", self.box.user),
                   ("Date", format_datetime(from_ms(at_ms))),
                   ("Subject", f"This week at List {org} ({self.serial + 1})"),
                   ("List-Id", f"<weekly.list{org}.example>"),
                   ("List-Unsubscribe", f"<https://list{org}.example/unsubscribe>")]
        self._message(headers, ["INBOX", "CATEGORY_PROMOTIONS"], at_ms, None)

    def draft(self, at_ms: int) -> None:
        """One of the user's own drafts to someone, some of them answers in a recent thread."""
        msg = self._conversation(["DRAFT"], at_ms)
        self.box.drafts[self.box.new_draft_id()] = msg.id


def fill(box: Mailbox, messages: int, drafts: int, start_ms: int, end_ms: int, seed: int) -> None:
    """`messages` then `drafts`, their dates spread evenly from start_ms to end_ms."""
    if messages < 0 or drafts < 0 or end_ms < start_ms:
        raise ValueError("messages and drafts must be 0 or more, and the span not negative")
    filler = Filler(box, seed)
    for i in range(messages):
        filler.message(start_ms + (end_ms - start_ms) * i // max(messages, 1))
    for i in range(drafts):
        filler.draft(start_ms + (end_ms - start_ms) * i // max(drafts, 1))
