"""The classifier on a corpus of real third-party messages (see SOURCES.md and manifest.tsv).

The .eml files are not committed. They are looked for in $FOLLOWUP_MAIL_CORPUS, then
../shared/mail-corpus (beside the repository), then tests/corpus/; without them the test
is skipped and says where to put them. Each message goes the production path: Gmail's
metadata view (METADATA_HEADERS + snippet, as the sandbox serves it) through the adapter's
converter, one full read (the raw bytes) when it looks like a delivery report, then
`classify` for an interview whose contact is the expected address (bounces) or the sender.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.core.delivery import read_report
from agent.core.interviews import Contact, Interview
from agent.core.messages import Classification, MessageKind, MessageMeta
from agent.core.replies import classify, parse_address
from agent.core.robot_mail import looks_like_report
from agent.google.gmail import METADATA_HEADERS, to_message_meta
from agent.sandbox import mime

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CLASSES = ("bounce", "delay", "auto_reply", "list", "human")
BLIND = "bounce, address named without knowing the contact"
USER = "candidate@example.org"
THREAD = "thread-of-the-follow-up"
START = datetime(1990, 1, 1, tzinfo=UTC)  # every corpus message arrived after it


def corpus_root() -> Path | None:
    """The first folder that holds the corpus messages, or None."""
    candidates = [
        os.environ.get("FOLLOWUP_MAIL_CORPUS", ""),
        str(REPO.parent / "shared" / "mail-corpus"),
        str(HERE),
    ]
    for candidate in candidates:
        if candidate and any(any(Path(candidate, c).glob("*.eml")) for c in CLASSES):
            return Path(candidate)
    return None


@dataclass(frozen=True)
class Entry:
    """One manifest row."""

    path: str
    kind: str
    failed: tuple[str, ...]


def manifest() -> list[Entry]:
    """The rows of manifest.tsv."""
    with (HERE / "manifest.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Entry(r["path"], r["class"], tuple(a for a in r["failed_recipients"].split(",") if a))
        for r in rows
    ]


def as_gmail_meta(raw: bytes, message_id: str) -> MessageMeta:
    """The message as the Gmail adapter would see it in the metadata format."""
    parsed = mime.parse(raw)
    resource = {
        "id": message_id,
        "threadId": THREAD,
        "labelIds": ["INBOX", "UNREAD"],
        "snippet": parsed.snippet,
        "internalDate": str(int((START + timedelta(days=365 * 40)).timestamp() * 1000)),
        "payload": mime.payload(raw, with_body=False, header_filter=list(METADATA_HEADERS)),
    }
    return to_message_meta(resource)


def verdict(entry: Entry, raw: bytes, *, blind: bool = False) -> Classification:
    """Classify one corpus message for an interview it concerns (in the follow-up's thread).

    The interview's contact is the expected failed address (bounces) or the sender; `blind`
    uses an unrelated contact, so a bounce must name the right address by itself.
    """
    meta = as_gmail_meta(raw, entry.path)
    sender = parse_address(meta.header("From"))[1]
    address = entry.failed[0] if entry.failed else sender or "jane@acme.example"
    contact = Contact(email="someone@unrelated.example" if blind else address)
    interview = Interview(
        key="primary/corpus",
        calendar_id="primary",
        event_id="corpus",
        title="Interview",
        start=START,
        end=START + timedelta(hours=1),
        contacts=(contact,),
        primary=contact,
        company="Acme",
        role="Engineer",
    )
    report = read_report(raw) if looks_like_report(meta, sender) else None
    return classify(
        meta,
        interview,
        user_email=USER,
        sequence_thread_ids=frozenset({THREAD}),
        report=report,
    )


def ok(entry: Entry, result: Classification) -> bool:
    """Whether the verdict is right for the message's class."""
    if entry.kind == "human":
        return result.kind == MessageKind.EMPLOYER_REPLY
    if entry.kind == "bounce":
        if not entry.failed:  # undeterminable address: pausing is all that can be asked
            return result.kind == MessageKind.BOUNCE
        return result.kind == MessageKind.BOUNCE and result.bounced_address in entry.failed
    return result.kind not in (MessageKind.EMPLOYER_REPLY, MessageKind.BOUNCE)


def run() -> tuple[dict[str, Counter[str]], list[str]]:
    """Per class: right/total counts; and the wrong ones, described."""
    root = corpus_root()
    assert root is not None
    counts: dict[str, Counter[str]] = {c: Counter() for c in (*CLASSES, BLIND)}
    wrong: list[str] = []
    for entry in manifest():
        path = root / entry.path
        if not path.is_file():  # a partial copy of the corpus: judge what is there
            counts[entry.kind]["missing"] += 1
            continue
        raw = path.read_bytes()
        result = verdict(entry, raw)
        good = ok(entry, result)
        counts[entry.kind]["total"] += 1
        counts[entry.kind]["right"] += good
        if not good:
            wrong.append(f"{entry.path}: {result.kind} {result.bounced_address} ({result.reason})")
        if entry.kind == "bounce":
            counts[BLIND]["total"] += 1
            counts[BLIND]["right"] += ok(entry, verdict(entry, raw, blind=True))
    return counts, wrong


def figures(counts: dict[str, Counter[str]]) -> str:
    """Accuracy per class, one line each."""
    return "\n".join(
        f"{c:10} {n['right']:4}/{n['total']:<4} {100 * n['right'] / max(n['total'], 1):6.1f}%"
        + (f"  ({n['missing']} files absent)" if n["missing"] else "")
        for c, n in counts.items()
    )


@pytest.mark.skipif(
    corpus_root() is None,
    reason="corpus messages absent: put the <class>/*.eml folders of tests/corpus/SOURCES.md in "
    "$FOLLOWUP_MAIL_CORPUS, ../shared/mail-corpus or tests/corpus/",
)
def test_corpus_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    counts, wrong = run()
    with capsys.disabled():
        print("\ncorpus accuracy per class:\n" + figures(counts))
    for kind in ("human", "auto_reply", "list", "delay"):
        assert counts[kind]["right"] == counts[kind]["total"], [w for w in wrong if kind in w]
    bounces = counts["bounce"]
    assert bounces["right"] >= 0.95 * bounces["total"], [w for w in wrong if "bounce/" in w]


if __name__ == "__main__":
    result_counts, wrong_ones = run()
    print("\n".join(wrong_ones))
    print(figures(result_counts))
