"""`followup agenda`: the candidate's to-do list for today and tomorrow."""

from __future__ import annotations

import click

from agent.cli.common import Obj, fail_cleanly


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
@fail_cleanly
def agenda(obj: Obj, as_json: bool) -> None:
    """What to do today and tomorrow: questions to ask, drafts waiting in Gmail, calls to make."""
    import json

    from agent.cli.agenda import agenda_json, render_agenda
    from agent.cli.offline import offline_context
    from agent.cli.runtime import current_time, opened_store
    from agent.files.templates import load_templates

    settings = obj.settings()
    with opened_store(settings) as store:
        ctx = offline_context(settings, store, load_templates(settings.paths.templates_dir))
        if as_json:
            text = json.dumps(agenda_json(ctx, current_time()), indent=2, ensure_ascii=False)
            click.echo(text)
            return
        click.echo(render_agenda(ctx, current_time()), nl=False)
