"""Each file of tests/hostile-queries/ is refused (exit 2) and reaches no server."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "hostile-queries"


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def _answer(self):
        type(self).hits.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.rq")))
def test_hostile_query_file_is_refused(run_cli, tmp_path, port, name):
    text = (CORPUS / name).read_bytes().replace(b"__PORT__", str(port).encode())
    path = tmp_path / name
    path.write_bytes(text)
    result = run_cli("query", "--file", str(path), "--timeout", "5")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _Counter.hits == []
