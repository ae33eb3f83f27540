"""The step table (agent.core.model.STEPS) is complete and everything else derives from it."""

from __future__ import annotations

import importlib.resources
import re

import pytest

from agent.core.compose import EMAIL_TEMPLATES, TEMPLATE_NAMES
from agent.core.model import EMAIL_STEPS, REMINDED_STEPS, STEP_ORDER, STEPS, StepName
from agent.files.templates import PACKAGE

PACKAGED = importlib.resources.files(PACKAGE)  # where load_templates finds the default templates


def test_every_step_has_one_entry_in_order() -> None:
    assert set(STEPS) == set(StepName)
    assert all(info.name == name for name, info in STEPS.items())
    assert tuple(StepName) == STEP_ORDER


@pytest.mark.parametrize("name", [t for info in STEPS.values() for t in info.templates])
def test_every_template_the_table_names_is_packaged(name: str) -> None:
    assert (PACKAGED / name).is_file(), f"{name} is not in the default templates folder"


def test_templating_uses_exactly_the_tables_templates() -> None:
    named = {t for info in STEPS.values() for t in info.templates}
    assert set(TEMPLATE_NAMES) == named
    assert len(TEMPLATE_NAMES) == len(named)
    packaged = {p.name for p in PACKAGED.iterdir() if p.name.endswith(".j2")}
    assert packaged == named, "a packaged template no step uses, or a step without its file"
    assert tuple(STEPS[s].email_template for s in EMAIL_STEPS) == EMAIL_TEMPLATES


@pytest.mark.parametrize("step", list(StepName))
def test_labels_are_words_not_identifiers(step: StepName) -> None:
    label = STEPS[step].label
    assert re.fullmatch(r"[a-z]+(?:[- ][a-z]+)*", label), label
    assert "_" not in label


def test_email_steps_have_an_email_and_a_voicemail() -> None:
    assert EMAIL_STEPS == (StepName.THANK_YOU, StepName.CHECK_IN, StepName.REMINDER)
    for step in EMAIL_STEPS:
        info = STEPS[step]
        assert info.email_template and info.voicemail_template and info.cue_template is None
    for step in set(StepName) - set(EMAIL_STEPS):
        assert STEPS[step].email_template is None


def test_reminder_titles_name_who_and_company() -> None:
    assert StepName.CLOSED not in REMINDED_STEPS
    for step in REMINDED_STEPS:
        title = STEPS[step].reminder_title or ""
        assert "{who}" in title and "{company}" in title
        assert title.format(who="Jane", company="Acme")
