"""Reading a company and a role out of an interview's title ("Interview with Acme - Backend")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.core.notes import MAX_LINE_CHARS, MAX_NAME_CHARS
from agent.core.text import one_line

_LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "corp", "corporation", "co",
    "plc", "sa", "sas", "sarl", "bv", "nv", "oy", "ab", "kk", "pty", "llp", "lp", "srl", "spa",
})


def sequence_company_key(company: str) -> str:
    """A company's identity for "same company": casefolded, no punctuation or legal suffix."""
    joined = re.sub(r"(?<=\w)\.(?=\w)", "", company.casefold())  # "S.A." -> "SA."
    words = [w.replace("_", "") for w in re.findall(r"\w+", joined)]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return "".join(words)


_TYPE_PHRASES: tuple[tuple[str, ...], ...] = tuple(sorted(
    (tuple(p.split()) for p in (
        "hiring manager", "system design", "case study", "culture fit", "on site", "in person",
        "follow up", "take home", "video call", "phone call", "phone", "video", "onsite",
        "on-site", "in-person", "virtual", "remote", "technical", "tech", "coding", "final",
        "first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th", "initial", "round",
        "screening", "screen", "behavioral", "behavioural", "hr", "panel", "zoom", "teams",
        "job", "follow-up", "informational", "intro", "introductory", "recruiter", "loop",
        "call", "chat", "our", "your", "my", "and", "&", "+",
    )),
    key=len, reverse=True,
))
_ROLE_WORDS = frozenset({
    "engineer", "developer", "programmer", "manager", "designer", "analyst", "scientist",
    "researcher", "lead", "director", "architect", "intern", "internship", "specialist",
    "consultant", "administrator", "officer", "associate", "coordinator", "assistant",
    "representative", "technician", "accountant", "writer", "editor", "recruiter", "head", "vp",
    "sre", "devops", "owner", "marketer", "strategist", "advisor", "adviser", "counsel",
    "attorney", "lawyer", "nurse", "teacher", "tester", "qa", "executive", "supervisor", "swe",
    "sde", "cto", "ceo", "cfo", "coo", "pm", "ux", "fellow", "apprentice", "trainee", "clerk",
    "secretary", "receptionist", "physician", "pharmacist", "therapist", "instructor", "professor",
    "lecturer", "postdoc", "operator", "mechanic", "electrician"
})
_NOT_COMPANIES = frozenset({"zoom", "google meet", "meet", "teams", "microsoft teams", "office",
                            "home", "hq", "tbd", "tba", "onsite", "phone", "video"})
_AT = re.compile(r"^(?P<before>.*?)(?:\bat\b|@)\s+(?P<after>.+)$", re.IGNORECASE)
_WITH = re.compile(r"^(?P<before>.*?)\bwith\s+(?P<after>.+)$", re.IGNORECASE)
_FOR = re.compile(r"^(?P<before>.*?)\binterview\s+for\s+(?P<after>.+)$", re.IGNORECASE)
_INTERVIEW_WORD = re.compile(r"^\W*interview(?:s|ing)?\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class TitleHints:
    """What a title says: "at/with X" company, "X at"/"for X" role, and other leftover names."""

    company: str = ""
    role: str = ""
    leftovers: tuple[str, ...] = ()


def _tidy(text: str) -> str:
    """Trim punctuation, articles and a trailing "role"/"position" from a title fragment."""
    t = one_line(text, 200).strip(" \t-–—|:;,.!?'\"`*_~#")
    t = re.sub(r"^(?:the|a|an)\s+", "", t, flags=re.IGNORECASE)
    t = re.sub(r"(?<!\s)\s+(?:role|position|opening|vacancy)$", "", t, flags=re.IGNORECASE)
    return t[:MAX_NAME_CHARS].strip()


def _strip_types(words: list[str]) -> list[str]:
    """`words` without interview-type words ("phone", "final round", "#2") at either end."""
    for leading in (True, False):
        while words and (size := _type_words(words, leading)):
            words = words[size:] if leading else words[:-size]
    return words


def _type_words(words: list[str], leading: bool) -> int:
    """How many words at that end of `words` say the interview's type ("final round": 2)."""
    if re.fullmatch(r"#?\d+(?:/\d+)?", words[0] if leading else words[-1]):
        return 1
    folded = [w.casefold().strip(",.:;") for w in words]
    for phrase in _TYPE_PHRASES:
        if tuple(folded[: len(phrase)] if leading else folded[-len(phrase) :]) == phrase:
            return len(phrase)
    return 0


def _strip_interview(segment: str) -> str:
    """A title segment without the word "interview" and the type words around it."""
    words = segment.split()
    index = next((i for i, w in enumerate(words) if _INTERVIEW_WORD.match(w)), None)
    if index is None:
        return " ".join(_strip_types(words))
    return " ".join(_strip_types(words[:index]) + _strip_types(words[index + 1 :]))


def role_like(text: str) -> bool:
    """True when the text names a job ("Backend Engineer") rather than an employer."""
    return any(w.rstrip("s") in _ROLE_WORDS or w in _ROLE_WORDS
               for w in re.findall(r"\w+", text.casefold()))


def _company_text(text: str, contact_names: tuple[str, ...]) -> str:
    """`text` tidied as a company name; '' for times, meeting tools and interviewers' names."""
    t = _tidy(text)
    if not t or re.match(r"\d", t) or t.casefold() in _NOT_COMPANIES:
        return ""
    key = sequence_company_key(t)
    people = {sequence_company_key(n) for n in contact_names}
    people |= {sequence_company_key(n.split()[0]) for n in contact_names if n.split()}
    return "" if key in people or not key else t


def _split_on(text: str, word: str) -> tuple[str, str]:
    """`text` split at the first standalone `word` (any case): (before, after); after may be ''."""
    parts = re.split(rf"(?<!\s)\s+{word}\s+", text, maxsplit=1, flags=re.IGNORECASE)
    return (parts[0], parts[1]) if len(parts) == 2 else (text, "")


def title_hints(title: str, contact_names: tuple[str, ...]) -> TitleHints:
    """Read company and role hints from an event title (its first MAX_LINE_CHARS)."""
    text = re.sub(r"#(?=\w)", "", title[:MAX_LINE_CHARS])
    segments = re.split(r"(?<!\s)\s+[-–—|/~•·]\s+|(?<!\d):(?!\d)|[()\[\]{}]", text)
    company = role = ""
    leftovers: list[str] = []
    for raw in segments:
        segment = " ".join(raw.split())
        at = _AT.match(segment)
        if at and not re.match(r"\d|noon\b", at.group("after"), re.IGNORECASE):
            employer, role_after = _split_on(at.group("after"), "for")
            company = company or _company_text(employer, contact_names)
            role = role or _tidy(_strip_interview(at.group("before"))) or _tidy(role_after)
            continue
        with_ = _WITH.match(segment)
        if with_:
            who, role_after = _split_on(with_.group("after"), "for")
            person, employer = _split_on(who, "from")
            company = company or _company_text(employer or person, contact_names)
            role = role or _tidy(role_after)
            segment = with_.group("before")
        for_ = _FOR.match(segment)
        if for_:
            role = role or _tidy(for_.group("after"))
            segment = for_.group("before")
        leftover = _tidy(_strip_interview(segment))
        if leftover:
            leftovers.append(leftover)
    return TitleHints(company, role, tuple(leftovers))


def title_companies(hints: TitleHints, contact_names: tuple[str, ...]) -> list[str]:
    """Company names the title offers, best first."""
    found = [hints.company] if hints.company else []
    for leftover in hints.leftovers:
        if not role_like(leftover) and (name := _company_text(leftover, contact_names)):
            found.append(name)
    return found
