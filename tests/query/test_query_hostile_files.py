"""Each file of tests/hostile-queries/ is refused (exit 2) and reaches no server."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[1] / "hostile-queries"


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.rq")))
def test_hostile_query_file_is_refused(run_cli, tmp_path, refusing_server, name):
    port = str(refusing_server.server_port).encode()
    text = (CORPUS / name).read_bytes().replace(b"__PORT__", port)
    path = tmp_path / name
    path.write_bytes(text)
    result = run_cli("query", "--file", str(path), "--timeout", "5")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert refusing_server.seen == []
