"""What stands in front of Solara's web app on the classroom server (an ASGI middleware).

The page is served on 127.0.0.1 to the browsers of one machine, but any web page a
teacher opens can make that browser send requests to it. So:

* only loopback ``Host`` headers with the serving port are answered (400 otherwise): a
  foreign site that rebinds its own name to 127.0.0.1 (DNS rebinding) gets nothing;
* a websocket (a page's kernel) is opened only from the page's own origin, and any
  request that names another origin is refused (403);
* the front end's files under ``/_solara/cdn/`` are served read-only from the local copy
  that ``solara-assets`` installs. Solara's own route there is a caching proxy: a GET of a
  directory deletes that directory from the copy, and a file it lacks is fetched from the
  internet. Here a directory or a missing file is a plain 404;
* at most ``max_pages`` pages live at once; a page opened beyond that gets a short page
  saying so (503) instead of a kernel, until closed tabs are culled.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

#: The host names of this machine's loopback interface, as a browser writes them.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CDN_PREFIX = "/_solara/cdn"
#: A page's kernel connection: ``/jupyter/api/kernels/<kernel id>/channels``.
_KERNEL_SOCKET = re.compile(r"^/jupyter/api/kernels/(?P<kernel>[^/]+)/")
#: Paths that are not a page (assets, the kernel API, health checks).
_NOT_A_PAGE = ("/_solara/", "/static/", "/jupyter/", "/readyz", "/resourcez", "/favicon")


def is_loopback_host(host: str | None, port: int) -> bool:
    """True for ``127.0.0.1:PORT``, ``localhost:PORT`` and ``[::1]:PORT`` (the port may be
    left out only when the server listens on 80, as a browser then leaves it out)."""
    if not host:
        return False
    try:
        parts = urlsplit(f"//{host}")
        given = parts.port
    except ValueError:
        return False
    if parts.hostname not in LOOPBACK_HOSTS or parts.username or parts.password:
        return False
    return given == port or (given is None and port == 80)


class ClassroomGuard:
    """The ASGI app in front of Solara's (``app``); see the module's description.

    ``live_pages`` returns the ids of the kernels alive now (Solara's contexts).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        port: int,
        cdn_folder: Path,
        max_pages: int,
        live_pages: Callable[[], Collection[str]],
        cull_seconds: float,
    ) -> None:
        self.app = app
        self.port = port
        self.max_pages = max_pages
        self.live_pages = live_pages
        self.cull_seconds = cull_seconds
        # check_dir=False: a missing copy answers 404 (and the page shows why) instead of
        # stopping the server
        self.cdn = StaticFiles(directory=cdn_folder, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan
            return
        headers = Headers(scope=scope)
        host = headers.get("host")
        if not is_loopback_host(host, self.port):
            await self._refuse(scope, receive, send, 400, self._host_message())
            return
        origin = headers.get("origin")
        own_origin = f"http://{host}"
        websocket = scope["type"] == "websocket"
        # browsers always send Origin with a websocket; with other requests only when
        # it matters (cross-site posts and fetches), and then it must be this page's
        if (websocket and origin != own_origin) or (origin is not None and origin != own_origin):
            await self._refuse(scope, receive, send, 403, "summitsim demo: foreign origin")
            return
        path = scope["path"]
        if path == CDN_PREFIX or path.startswith(CDN_PREFIX + "/"):
            await self._cdn_file(scope, receive, send)
            return
        if self._would_exceed(scope):
            await self._refuse(scope, receive, send, 503, self._full_message(), page=True)
            return
        await self.app(scope, receive, send)

    def _would_exceed(self, scope: Scope) -> bool:
        """True if this request would open a page beyond :attr:`max_pages`: a GET of a
        page, or a websocket for a kernel that does not exist yet."""
        live = self.live_pages()
        if len(live) < self.max_pages:
            return False
        path = scope["path"]
        if scope["type"] == "websocket":
            match = _KERNEL_SOCKET.match(path)
            return match is not None and match["kernel"] not in live
        return scope["method"] == "GET" and not path.startswith(_NOT_A_PAGE)

    async def _cdn_file(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._refuse(scope, receive, send, 404, "not found")
            return
        rest = scope["path"][len(CDN_PREFIX) :]
        if rest.count("/") == 1 and rest != "/":
            # Solara's front end asks for a package by name alone ("/requirejs@2.3.6"),
            # which its proxy keeps as <name>/__main.js
            rest += "/__main.js"
        child = {**scope, "path": rest, "raw_path": rest.encode(), "root_path": ""}
        try:
            response = await self.cdn.get_response(self.cdn.get_path(child), child)
        except HTTPException as error:  # a directory, a missing file, a path outside
            response = PlainTextResponse(f"{error.detail}\n", status_code=error.status_code)
        await response(child, receive, send)

    async def _refuse(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        message: str,
        page: bool = False,
    ) -> None:
        if scope["type"] == "websocket":
            # closing before the handshake is accepted answers the upgrade with 403
            await WebSocketClose(code=1008, reason=message[:120])(scope, receive, send)
            return
        response: Response
        if page:
            body = (
                "<!doctype html><title>summitsim</title>"
                f"<p style='font: 1.4em sans-serif; margin: 2em'>{html.escape(message)}</p>"
            )
            response = HTMLResponse(body, status_code=status)
        else:
            response = PlainTextResponse(message + "\n", status_code=status)
        await response(scope, receive, send)

    def _host_message(self) -> str:
        port = self.port
        return (
            f"summitsim demo answers only to http://127.0.0.1:{port}/, "
            f"http://localhost:{port}/ and http://[::1]:{port}/"
        )

    def _full_message(self) -> str:
        minutes = max(1, round(self.cull_seconds / 60))
        return (
            f"The classroom page is full: {self.max_pages} pages are open on this server. "
            f"Close a tab you no longer need, or try again in {minutes} minute(s), when "
            "closed tabs have been freed."
        )
