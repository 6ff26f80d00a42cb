"""Start the classroom page: Solara's web app for :mod:`summitsim.demo.app` behind
:class:`summitsim.demo.guard.ClassroomGuard`, served by uvicorn on 127.0.0.1, offline.

The page renders with no internet: the pinned solara 1.58.2 front end ships in
``solara-assets`` and the guard serves it read-only. Every call home is switched off: the
usage telemetry (``SOLARA_TELEMETRY_MIXPANEL_ENABLE``), the "new version available"
look-up on PyPI (never made: the server is started here, not by ``solara run``) and the
browser's install check (skipped in production mode).

Two environment variables tune the server (for a large class, or a test):
``SUMMITSIM_DEMO_CULL_SECONDS`` (default 120), how long a page whose tab has gone keeps
its model before it is freed, and ``SUMMITSIM_DEMO_MAX_PAGES`` (default 60), how many
pages may be open at once. Whenever pages are freed, their memory is handed back to the
system (:mod:`summitsim.demo.memory`).
"""

from __future__ import annotations

import errno
import os
import socket
import warnings
from pathlib import Path

#: The environment variable that tells the page which scenario file to open first.
SCENARIO_VARIABLE = "SUMMITSIM_SCENARIO"
CULL_VARIABLE = "SUMMITSIM_DEMO_CULL_SECONDS"
PAGES_VARIABLE = "SUMMITSIM_DEMO_MAX_PAGES"
#: A closed tab's model is freed two minutes after its page disconnects (Solara keeps it
#: 24 h by default, so a day of lessons grows the server by every tab ever opened).
DEFAULT_CULL_SECONDS = 120
#: Enough for a class, each student with a tab or two; far below what fills the memory.
DEFAULT_MAX_PAGES = 60
#: The longest cull a teacher may ask for (one day, Solara's own default).
MAX_CULL_SECONDS = 86_400

#: Solara settings for a quiet, offline classroom server.
OFFLINE_SETTINGS = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": "summitsim",
    "SOLARA_MODE": "production",
    "SOLARA_APP": "summitsim.demo.app",
    # the front end comes from the local copy (the guard serves it); Solara's proxy stays
    # switched on only so that the page asks for it under /_solara/cdn/
    "SOLARA_ASSETS_PROXY": "True",
}


class DemoSettingError(ValueError):
    """A setting of the demo server (its port, an environment variable) that cannot work;
    the message says which and what is allowed."""


def _whole_number(variable: str, default: int, low: int, high: int) -> int:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise DemoSettingError(
            f"environment variable {variable}={text!r}: expected a whole number "
            f"from {low} to {high}"
        )
    return int(text)


def cull_seconds() -> int:
    """:data:`CULL_VARIABLE`, else :data:`DEFAULT_CULL_SECONDS`."""
    return _whole_number(CULL_VARIABLE, DEFAULT_CULL_SECONDS, 1, MAX_CULL_SECONDS)


def max_pages() -> int:
    """:data:`PAGES_VARIABLE`, else :data:`DEFAULT_MAX_PAGES`."""
    return _whole_number(PAGES_VARIABLE, DEFAULT_MAX_PAGES, 1, 10_000)


def server_environment(scenario_path: str | os.PathLike, cull: int) -> dict[str, str]:
    """The variables Solara reads when it is imported: :data:`OFFLINE_SETTINGS`, the cull
    timeout and the scenario (as an absolute path)."""
    return {
        **OFFLINE_SETTINGS,
        "SOLARA_KERNEL_CULL_TIMEOUT": f"{cull}s",
        SCENARIO_VARIABLE: str(Path(scenario_path).resolve()),
    }


def listening_socket(port: int) -> socket.socket:
    """A socket listening on ``127.0.0.1:port``, made before anything is printed, so a
    port in use is said once and plainly."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise DemoSettingError(
                f"port {port} on 127.0.0.1 is in use (another summitsim demo?); "
                "choose another with --port"
            ) from None
        raise DemoSettingError(
            f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}"
        ) from None
    listener.set_inheritable(True)
    return listener


def serve(scenario_path: str | os.PathLike, port: int) -> int:
    """Serve the page on ``127.0.0.1:port`` until interrupted (Ctrl-C); returns 0.

    Raises :class:`DemoSettingError` (nothing started, nothing printed) for a port in use
    or a bad setting."""
    cull, pages = cull_seconds(), max_pages()
    listener = listening_socket(port)
    os.environ.update(server_environment(scenario_path, cull))
    # Solara warns, 12 lines long, that its session cookie falls back to SameSite=Lax on
    # plain http. That fallback is what a page on 127.0.0.1 wants (it is never embedded
    # in another site's frame), and no setting turns the warning off.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    import uvicorn
    from solara.server import kernel_context
    from solara.server import settings as solara_settings
    from solara.server.starlette import app as solara_app

    from summitsim.demo.guard import ClassroomGuard
    from summitsim.demo.memory import MemoryReturn

    guarded = ClassroomGuard(
        solara_app,
        port=port,
        cdn_folder=solara_settings.assets.proxy_cache_dir,
        max_pages=pages,
        live_pages=lambda: set(kernel_context.contexts),
        cull_seconds=cull,
    )
    config = uvicorn.Config(
        guarded,
        log_level="warning",
        access_log=False,
        proxy_headers=False,  # nothing stands in front: no X-Forwarded-* is believed
        loop="asyncio",
        timeout_graceful_shutdown=3,
    )
    print(
        f"summitsim demo: serving {scenario_path} on http://127.0.0.1:{port}/ (Ctrl-C to stop)",
        flush=True,
    )
    memory = MemoryReturn(lambda: len(kernel_context.contexts))
    memory.start()
    try:
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        memory.stop()
    return 0
