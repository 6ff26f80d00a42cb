"""The classroom server as a hostile web page (or a careless class) would meet it, without a
browser: plain HTTP requests and websocket handshakes to 127.0.0.1 only.

One ``summitsim demo`` (no file named, started from an unrelated folder) serves the module,
with a 3-second cull and room for 3 pages, and with its HTTP(S) proxy pointed at a
listener of this test: any attempt of the server to reach the internet arrives there.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import pytest
import websockets.sync.client
from processes import free_port, stop
from websockets.exceptions import InvalidStatus

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = str(Path(sys.executable).parent / "summitsim")
CDN = Path(sys.prefix) / "share" / "solara" / "cdn"
CULL_SECONDS = 3
MAX_PAGES = 3
SERVER_START_S = 90


class Trap:
    """A listener that counts the connections made to it (the server's would-be proxy)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path
    trap: Trap
    cookies: list[str] = field(default_factory=list)

    def request(
        self, path: str, host: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, http.client.HTTPResponse]:
        """GET ``path`` with the ``Host`` header ``host`` (default 127.0.0.1:PORT)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest("GET", path, skip_host=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace"), response
        finally:
            connection.close()

    def kernels(self) -> int:
        """The number of live kernels (pages), from Solara's /resourcez."""
        return json.loads(self.request("/resourcez")[1])["kernels"]["total"]

    def open_kernel(self, origin: str | None = None) -> websockets.sync.client.ClientConnection:
        """A page's kernel connection, as the browser opens it (``origin`` defaults to the
        page's own)."""
        url = f"ws://127.0.0.1:{self.port}/jupyter/api/kernels/{uuid4()}/channels"
        return websockets.sync.client.connect(
            f"{url}?session_id={uuid4()}",
            origin=origin or f"http://127.0.0.1:{self.port}",
            proxy=None,
            open_timeout=10,
        )

    def wait_for_kernels(self, count: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.kernels() != count:
            if time.monotonic() > deadline:
                pytest.fail(f"{self.kernels()} kernels, expected {count}\n{self.log.read_text()}")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("elsewhere")  # no scenarios/ here
    trap = Trap()
    port = free_port()
    log = folder / "server.log"
    proxy = f"http://127.0.0.1:{trap.port}"
    environment = {
        **os.environ,
        "HTTP_PROXY": proxy,
        "HTTPS_PROXY": proxy,
        "http_proxy": proxy,
        "https_proxy": proxy,
        "NO_PROXY": "",
        "no_proxy": "",
        "SUMMITSIM_DEMO_CULL_SECONDS": str(CULL_SECONDS),
        "SUMMITSIM_DEMO_MAX_PAGES": str(MAX_PAGES),
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [SCRIPT, "demo", "--port", str(port)],
            cwd=folder,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    served = Server(port, process, log, trap)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()}")
            try:
                if served.request("/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer within {SERVER_START_S} s:\n{log.read_text()}")
            time.sleep(0.3)
        yield served
    finally:
        stop(process)
        trap.socket.close()


def test_it_serves_the_shipped_scenario_from_any_folder(server: Server) -> None:
    first = server.log.read_text().splitlines()[0]
    assert first.startswith("summitsim demo: serving ")
    assert str(ROOT / "scenarios" / "v1" / "budapest_2025.yaml") in first


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_hosts_with_the_port_are_answered(server: Server, host: str) -> None:
    assert server.request("/", host=f"{host}:{server.port}")[0] == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1:1", "127.0.0.1", "user@localhost:{port}"],
)
def test_other_hosts_get_400(server: Server, host: str) -> None:
    status, body, _ = server.request("/", host=host.format(port=server.port))
    assert status == 400
    assert "answers only to http://127.0.0.1:" in body


def test_a_request_from_another_origin_gets_403(server: Server) -> None:
    status, _, _ = server.request("/", headers={"Origin": "http://evil.example"})
    assert status == 403


def cdn_tree() -> dict[str, int]:
    return {str(p.relative_to(CDN)): p.stat().st_size for p in CDN.rglob("*") if p.is_file()}


def test_a_get_of_a_cdn_folder_deletes_nothing(server: Server) -> None:
    before = cdn_tree()
    folders = [*sorted({p.split("/")[0] for p in before}), "@widgetti/solara-vuetify-app@10.1.1"]
    for folder in folders:
        for path in (f"/_solara/cdn/{folder}", f"/_solara/cdn/{folder}/"):
            assert server.request(path)[0] == 404, path
    assert cdn_tree() == before
    bundle = next(p for p in before if p.startswith("requirejs@") and p.endswith("require.js"))
    status, body, _ = server.request(f"/_solara/cdn/{bundle}")
    assert status == 200 and "requirejs" in body.lower()


def test_an_uncached_cdn_file_is_404_at_once_and_nothing_goes_out(server: Server) -> None:
    began = time.monotonic()
    for path in ("left-pad@1.3.0/index.js", "requirejs@9.9.9/require.js", "leftpad@1.0.0"):
        assert server.request(f"/_solara/cdn/{path}")[0] == 404, path
    assert time.monotonic() - began < 2.0
    assert server.request("/_solara/cdn/../../../../etc/passwd")[0] == 404
    assert server.trap.connections == 0


def test_a_websocket_from_another_origin_gets_no_kernel(server: Server) -> None:
    server.wait_for_kernels(0, CULL_SECONDS + 10)
    with pytest.raises(InvalidStatus) as refused:
        server.open_kernel(origin="http://evil.example")
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        server.open_kernel(origin="null")
    assert server.kernels() == 0
    with server.open_kernel():  # the page's own origin: a kernel
        server.wait_for_kernels(1, 10)


def test_closed_pages_are_freed_and_live_ones_bounded(server: Server) -> None:
    server.wait_for_kernels(0, CULL_SECONDS + 10)
    with ExitStack() as pages:
        for _ in range(MAX_PAGES):
            pages.enter_context(server.open_kernel())
        server.wait_for_kernels(MAX_PAGES, 10)
        status, body, _ = server.request("/")
        assert status == 503
        assert f"The classroom page is full: {MAX_PAGES} pages are open" in body
        with pytest.raises(InvalidStatus):
            server.open_kernel()
    began = time.monotonic()
    server.wait_for_kernels(0, CULL_SECONDS + 10)
    assert time.monotonic() - began >= CULL_SECONDS - 1  # culled, not dropped at once
    assert server.request("/")[0] == 200


def summitsim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([SCRIPT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("port", ["70000", "0", "-1", "http"])
def test_a_port_out_of_range_is_refused(port: str, tmp_path: Path) -> None:
    done = summitsim("demo", f"--port={port}", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--port" in done.stderr


def test_a_port_in_use_is_one_message(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = summitsim("demo", "--port", str(port), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""  # no "serving" line first
    assert done.stderr == (
        f"summitsim demo: error: port {port} on 127.0.0.1 is in use (another summitsim "
        "demo?); choose another with --port\n"
    )


def test_a_bad_server_setting_is_one_message(tmp_path: Path) -> None:
    done = subprocess.run(
        [SCRIPT, "demo", "--port", str(free_port())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SUMMITSIM_DEMO_CULL_SECONDS": "2m"},
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "summitsim demo: error: environment variable SUMMITSIM_DEMO_CULL_SECONDS='2m': "
        "expected a whole number from 1 to 86400\n"
    )
