"""Small ones of issue 22: each failed before its fix."""

from __future__ import annotations

import json


def test_query_list_as_json_is_json(run_cli):
    result = run_cli("query", "--list", "--format", "json")
    assert result.exit_code == 0
    listed = json.loads(result.output)
    effective = next(q for q in listed if q["name"] == "effective_mitigations")
    assert effective["summary"] and isinstance(effective["params"], list)


def test_serve_graph_on_a_device_says_what_it_is(run_cli):
    result = run_cli("serve", "--graph", "/dev/zero", "--port", "0")
    assert result.exit_code == 2
    assert "is a device" in result.output and "no such file" not in result.output
