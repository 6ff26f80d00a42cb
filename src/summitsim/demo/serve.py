"""Start the classroom page: ``solara run summitsim.demo.app`` on 127.0.0.1, offline.

The page renders with no internet: the pinned solara 1.58.2 front end ships in
``solara-assets`` and is served by solara's own asset proxy from the local copy. Every
call home is switched off: the usage telemetry (``SOLARA_TELEMETRY_MIXPANEL_ENABLE``),
the "new version available" look-up on PyPI (``--no-check-version``) and the browser's
install check (skipped in ``--production`` mode).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The environment variable that tells the page which scenario file to open first.
SCENARIO_VARIABLE = "SUMMITSIM_SCENARIO"

#: Solara settings for a quiet, offline classroom server.
OFFLINE_SETTINGS = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": "summitsim",
}


def server_command(port: int) -> list[str]:
    """The command line that serves the page on ``127.0.0.1:port``."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "summitsim.demo.app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]


def server_environment(scenario_path: str | os.PathLike) -> dict[str, str]:
    """This process's environment plus the scenario (as an absolute path) and
    :data:`OFFLINE_SETTINGS`."""
    return {
        **os.environ,
        **OFFLINE_SETTINGS,
        SCENARIO_VARIABLE: str(Path(scenario_path).resolve()),
    }


def serve(scenario_path: str, port: int) -> int:
    """Print the page's address and replace this process by the solara server.

    Returns only if the server could not be started (status 1); the server runs until
    interrupted (Ctrl-C).
    """
    print(
        f"summitsim demo: serving {scenario_path} on http://127.0.0.1:{port}/ (Ctrl-C to stop)",
        flush=True,
    )
    command = server_command(port)
    try:
        os.execve(command[0], command, server_environment(scenario_path))
    except OSError as error:
        print(f"summitsim demo: error: cannot start the server: {error}", file=sys.stderr)
    return 1
