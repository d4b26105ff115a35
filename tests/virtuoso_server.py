"""Start a throw-away Virtuoso Open Source 7 server on loopback for the tests.

The server gets its own database directory, free loopback ports for SQL and
HTTP, and a fresh random password for the ``dba`` account (set through
``isql-vt`` on stdin, so it never shows on a command line). Its HTTP server
answers SPARQL queries at ``/sparql`` and Graph Store Protocol uploads at
``/sparql-graph-crud-auth`` (digest authentication).
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"  # only ever loopback
START_TIMEOUT = 180.0  # a bound on waiting, not a performance check

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {d}
CheckpointInterval = 0
ThreadsPerQuery = 2
MaxClientConnections = 8

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {d}/www
ServerThreads = 8
MaxClientConnections = 8
EnabledDavVSP = 0

[Replication]
ServerEnable = 0

[SPARQL]
; The packaged default caps results at 10000 rows, silently: lift the cap.
ResultSetMaxRows = 1000000
"""


def binary() -> str | None:
    return shutil.which("virtuoso-t")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class VirtuosoServer:
    directory: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen
    user: str = "dba"
    password: str = "dba"

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    @property
    def graph_store_url(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    def log_tail(self, lines: int = 30) -> str:
        log = self.directory / "virtuoso.log"
        if not log.exists():
            log = self.directory / "stdout.log"
        text = log.read_text(errors="replace") if log.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _set_password(server: VirtuosoServer, password: str) -> None:
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if isql is None:  # keep the default dba password
        return
    sql = f"user_set_password('dba', '{password}');\nEXIT;\n"
    done = subprocess.run([isql, f"{HOST}:{server.sql_port}", "dba", "dba"], input=sql,
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or "Error" in done.stdout + done.stderr:
        raise RuntimeError(f"could not set the dba password: {done.stdout}{done.stderr}")
    server.password = password


def start(directory: Path) -> VirtuosoServer:
    """Create a database in ``directory`` and run Virtuoso on it until ``stop()``."""
    exe = binary()
    if exe is None:
        raise FileNotFoundError("virtuoso-t is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "www").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(d=directory, host=HOST, http_port=http_port, sql_port=sql_port))
    with open(directory / "stdout.log", "wb") as out:
        process = subprocess.Popen([exe, "+foreground", "+configfile", str(ini)],
                                   cwd=directory, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    server = VirtuosoServer(directory, http_port, sql_port, process)
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(server.query_url):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"Virtuoso did not start (exit code {process.poll()}):\n"
                               + server.log_tail())
        time.sleep(0.5)
    try:
        _set_password(server, "rg-" + secrets.token_urlsafe(12))
    except Exception:
        server.stop()
        raise
    return server


def start_or_skip(directory: Path) -> VirtuosoServer:
    """``start(directory)``; without ``virtuoso-t`` the calling test skips, or fails
    when RISKGRAPH_REQUIRE_VIRTUOSO=1 (set by .ci/run)."""
    import os

    import pytest

    if binary() is None:
        message = "virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin)"
        if os.environ.get("RISKGRAPH_REQUIRE_VIRTUOSO") == "1":
            pytest.fail(message + " and RISKGRAPH_REQUIRE_VIRTUOSO=1")
        pytest.skip(message)
    return start(directory)


def push_built_graph(server: VirtuosoServer) -> str:
    """Load the built graph with ``riskgraph push`` (the project graph); its output."""
    from click.testing import CliRunner

    from riskgraph.cli import cli

    result = CliRunner().invoke(
        cli, ["push", "--endpoint", server.graph_store_url, "--user", server.user],
        env={"RISKGRAPH_PASSWORD": server.password}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output
