"""Templates: the packaged ones, the user's over them, one-line errors naming file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.core.compose import (
    EMAIL_TEMPLATES,
    TEMPLATE_NAMES,
    TemplateSet,
    TemplateSource,
    sample_context,
    sentence,
)
from agent.core.errors import TemplateError
from agent.core.interviews import Contact
from agent.files.templates import load_templates

PACKAGED = Path(__file__).resolve().parents[2] / "templates"


def write(folder: Path, name: str, text: str) -> Path:
    """Write one user template and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_packaged_template_exists_and_renders_full_and_sparse() -> None:
    templates = load_templates(None)
    for name in TEMPLATE_NAMES:
        assert (PACKAGED / name).is_file(), name
    assert templates.check_all() == []


def test_sample_context_offers_exactly_the_documented_variables() -> None:
    assert set(sample_context()) == set(sample_context(full=False))
    readme = (PACKAGED / "README.md").read_text(encoding="utf-8")
    for variable in sample_context():
        assert f"`{variable}`" in readme, variable
    documented = set(re.findall(r"^\| `([a-z_]+)`", readme, re.MULTILINE))
    assert documented == set(sample_context())


@pytest.mark.parametrize("name", EMAIL_TEMPLATES)
@pytest.mark.parametrize("full", [True, False])
def test_email_templates_have_subject_and_body_ending_with_signature(name: str, full: bool) -> None:
    ctx = sample_context(full=full)
    text = load_templates(None).render_email(name, ctx)
    assert text.subject
    assert "\n" not in text.subject
    assert not text.body.startswith("\n")
    assert text.body.endswith("\n")
    assert "{{" not in text.body and "{%" not in text.body
    if full:
        assert text.body.rstrip().endswith("Alex Morgan\n+1 555 0199")
        assert "Dear Jane," in text.body
        assert "Example Corp" in text.body
    else:
        assert text.body.startswith("Hello,\n")
        assert "\n- " not in text.body  # no empty bullet list
        assert "None" not in text.body


def test_thank_you_lists_fit_points() -> None:
    text = load_templates(None).render_email("thank_you.email.j2", sample_context())
    assert text.subject == "Thank you for the Senior Engineer interview at Example Corp"
    assert "- the team ships small, reviewed changes every day\n" in text.body
    assert "- on-call is shared fairly\n" in text.body


def test_check_in_branches_differ() -> None:
    templates = load_templates(None)
    named = templates.render_email("check_in.email.j2", {**sample_context(), "branch": "named"})
    later = templates.render_email("check_in.email.j2", {**sample_context(), "branch": "next_day"})
    assert "- Postgres performance tuning" in named.body
    assert "anything else you need" in named.body
    assert "available to start on January 5" in named.body
    assert "- the team ships small, reviewed changes every day" in later.body
    assert "January 5" not in later.body


@pytest.mark.parametrize("step", ["thank_you", "check_in", "reminder"])
def test_voicemail_says_the_candidates_number_twice(step: str) -> None:
    text = load_templates(None).render(f"{step}.voicemail.j2", sample_context())
    assert text.count("+1 555 0199") == 2
    assert "+1 555 0100" in text  # the number to call
    sparse = load_templates(None).render(f"{step}.voicemail.j2", sample_context(full=False))
    assert "None" not in sparse
    assert "Call" not in sparse


def test_cue_asks_when_to_follow_up() -> None:
    text = load_templates(None).render("ask.cue.j2", sample_context())
    assert "follow up" in text
    assert "Example Corp" in text
    assert text.strip().endswith("?")


def test_user_override_wins_and_others_stay_default(tmp_path: Path) -> None:
    text = "Subject: Hi {{ company }}\n\nThanks, {{ contact.first_name }}!\n"
    write(tmp_path, "thank_you.email.j2", text)
    templates = load_templates(tmp_path)
    text = templates.render_email("thank_you.email.j2", sample_context())
    assert text.subject == "Hi Example Corp"
    assert text.body == "Thanks, Jane!\n"
    assert templates.source_path("thank_you.email.j2") == str(tmp_path / "thank_you.email.j2")
    assert templates.source_path("reminder.email.j2") == str(PACKAGED / "reminder.email.j2")
    reminder = templates.render_email("reminder.email.j2", sample_context())
    assert reminder.subject.startswith("Checking in")


def test_missing_user_folder_uses_defaults(tmp_path: Path) -> None:
    templates = load_templates(tmp_path / "does-not-exist")
    assert templates.check_all() == []


def test_undefined_variable_names_user_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "thank_you.email.j2",
        "Subject: Thanks\n\nDear {{ contact.first_name }},\n{{ strenghts }}\n",
    )
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render("thank_you.email.j2", sample_context())
    assert str(info.value) == (
        f"{path}, line 4: 'strenghts' is undefined "
        "(check the variable names in templates/README.md)"
    )
    assert info.value.exit_code == 6


def test_undefined_attribute_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "reminder.email.j2", "Subject: x\n\nline\n\n{{ contact.nickname }}\n")
    with pytest.raises(TemplateError, match=r"reminder\.email\.j2, line 5: .*nickname") as info:
        load_templates(tmp_path).render("reminder.email.j2", sample_context())
    assert str(info.value).startswith(f"{path}, line 5: ")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "check_in.email.j2", "Subject: x\n\n{% if fit %}\nno end\n")
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render("check_in.email.j2", sample_context())
    message = str(info.value)
    assert message.startswith(f"{path}, line ")
    assert "fix the Jinja syntax" in message
    assert "\n" not in message


def test_syntax_error_line_number_is_exact(tmp_path: Path) -> None:
    path = write(tmp_path, "ask.cue.j2", "one\ntwo\n{{ company }\n")
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render("ask.cue.j2", sample_context())
    assert str(info.value).startswith(f"{path}, line 3: ")


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    path = write(
        tmp_path, "ask.cue.j2", "ok\n{{ contact.__class__.__mro__[1].__subclasses__() }}\n"
    )
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render("ask.cue.j2", sample_context())
    message = str(info.value)
    assert message.startswith(f"{path}, line 2: ")
    assert "unsafe" in message


def test_error_inside_include_names_the_included_file(tmp_path: Path) -> None:
    write(tmp_path, "ask.cue.j2", "Question:\n{% include 'part.j2' %}\n")
    part = write(tmp_path, "part.j2", "a\nb\n{{ nope }}\n")
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render("ask.cue.j2", sample_context())
    assert str(info.value).startswith(f"{part}, line 3: 'nope' is undefined")


def test_runtime_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "ask.cue.j2", "x\ny\n{{ 1 // 0 }}\n")
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render("ask.cue.j2", sample_context())
    assert str(info.value).startswith(f"{path}, line 3: ZeroDivisionError")


def test_missing_subject_line_is_reported_on_line_one(tmp_path: Path) -> None:
    path = write(tmp_path, "reminder.email.j2", "Hello {{ contact.first_name }}\n")
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render_email("reminder.email.j2", sample_context())
    assert str(info.value).startswith(f"{path}, line 1: the first line must be 'Subject: ...'")


def test_unknown_template_name_is_an_error() -> None:
    with pytest.raises(TemplateError, match=r"template 'nope\.email\.j2' not found"):
        load_templates(None).render("nope.email.j2", sample_context())


def test_not_utf8_user_file(tmp_path: Path) -> None:
    path = tmp_path / "ask.cue.j2"
    path.write_bytes(b"Caf\xe9 {{ company }}\n")
    with pytest.raises(TemplateError) as info:
        load_templates(tmp_path).render("ask.cue.j2", sample_context())
    assert str(info.value) == f"{path}: not UTF-8 text (save the file as UTF-8)"


def test_check_all_reports_each_broken_template_once_and_unused_files(tmp_path: Path) -> None:
    broken = write(tmp_path, "thank_you.voicemail.j2", "Hi {{ strenghts }}\n")
    stray = write(tmp_path, "thankyou.email.j2", "Subject: x\n\ny\n")
    write(tmp_path, "notes.txt", "not a template")
    errors = load_templates(tmp_path).check_all()
    messages = [str(e) for e in errors]
    assert len(messages) == 2
    assert messages[0].startswith(f"{broken}, line 1: 'strenghts' is undefined")
    assert messages[1].startswith(f"{stray}: not a template followup uses")


def test_check_all_catches_errors_only_in_the_sparse_branch(tmp_path: Path) -> None:
    write(
        tmp_path,
        "reminder.email.j2",
        "Subject: x\n\n{% if fit %}ok{% else %}{{ fitt }}{% endif %}\n",
    )
    errors = load_templates(tmp_path).check_all()
    assert len(errors) == 1
    assert "'fitt' is undefined" in str(errors[0])


def test_variables_are_never_compiled() -> None:
    ctx = {
        **sample_context(),
        "company": "{{ 7*7 }}",
        "contact": Contact(email="a@b.com", name="{% for x in range(3) %}x{% endfor %}"),
    }
    text = load_templates(None).render_email("thank_you.email.j2", ctx)
    assert "{{ 7*7 }}" in text.body
    assert "49" not in text.body
    assert "Dear {%" in text.body


@pytest.mark.parametrize(
    ("given", "expected"),
    [("you ship daily", "You ship daily."), ("Done!", "Done!"), ("", ""), ("  a  ", "A.")],
)
def test_sentence_filter(given: str, expected: str) -> None:
    assert sentence(given) == expected


def test_a_template_set_is_built_from_sources_alone() -> None:
    sources = {"ask.cue.j2": TemplateSource(b"Ask {{ contact.name }}?\n", "mine/ask.cue.j2")}
    templates = TemplateSet(sources)
    assert templates.render("ask.cue.j2", sample_context()) == "Ask Jane Doe?\n"
    assert templates.source_path("ask.cue.j2") == "mine/ask.cue.j2"
    same = TemplateSet(dict(sources))
    assert same.fingerprint() == templates.fingerprint()
    edited = {"ask.cue.j2": TemplateSource(b"Ask {{ contact.name }}!\n", "mine/ask.cue.j2")}
    assert TemplateSet(edited).fingerprint() != templates.fingerprint()


def test_files_in_subfolders_can_be_included(tmp_path: Path) -> None:
    write(tmp_path, "ask.cue.j2", "{% include 'parts/q.j2' %}")
    write(tmp_path / "parts", "q.j2", "When, {{ contact.name }}?\n")
    assert load_templates(tmp_path).render("ask.cue.j2", sample_context()) == "When, Jane Doe?\n"
