"""`followupw`: followup without a console window, what the Windows task runs; output to a log."""

from __future__ import annotations

import sys

from agent.cli.main import main
from agent.cli.service_files import private_log, windowless_log


def run() -> None:
    """The command line with stdout and stderr appended to followup.log beside state.db."""
    with private_log(windowless_log()) as out:
        sys.stdout = sys.stderr = out
        main()
