"""Loader cases of issue 22, in-process (one parse each, no process per case): lone
surrogate escapes and ill-typed literals are input errors with file and line; a
JSON-LD named graph is read; ``load(extra="one.ttl")`` takes one file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from riskgraph.errors import InputError
from riskgraph.io.rdf import load_files, read_rdf_file

HOSTILE = Path(__file__).parents[1] / "hostile"
REFUSED = {  # file -> (line, words of the message)
    "surrogate-escape.ttl": (7, "lone surrogate"),
    "surrogate-escape.nt": (1, "lone surrogate"),
    "surrogate-escape.jsonld": (4, "lone surrogate"),
    "ill-typed-integer.ttl": (8, "is not a valid <http://www.w3.org/2001/XMLSchema#integer>"),
    "ill-typed-int-range.ttl": (7, "is not a valid <http://www.w3.org/2001/XMLSchema#int>"),
    "ill-typed-datetime.ttl": (7, "is not a valid <http://www.w3.org/2001/XMLSchema#dateTime>"),
    "ill-typed-xmlliteral.ttl": (7, "is not a valid <http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                                    "XMLLiteral>"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_nothing_could_write_is_refused_with_its_line(name):
    line, words = REFUSED[name]
    path = HOSTILE / name
    for read in (read_rdf_file, lambda p: load_files([p])):
        with pytest.raises(InputError) as caught:
            read(path)
        assert caught.value.file == path and caught.value.line == line, str(caught.value)
        assert words in caught.value.message
        assert "percent-encode" not in str(caught.value)


@pytest.mark.parametrize("name", ["surrogate-escape.ttl", "ill-typed-int-range.ttl"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_reports_them_in_every_format(run_cli, name, fmt):
    result = run_cli("validate", "--format", fmt, str(HOSTILE / name))
    assert result.exit_code == 2
    assert "unexpected" not in result.output and "Traceback" not in result.output
    assert f"{name}:{REFUSED[name][0]}" in result.output or \
        json.dumps(REFUSED[name][0]) in result.output


def test_a_jsonld_named_graph_is_read():
    loaded = read_rdf_file(HOSTILE / "jsonld-named-graph.jsonld")
    assert [str(o) for o in loaded.graph.objects()] == ["in a named graph"]


def test_load_takes_one_file_as_one_file(tmp_path):
    import riskgraph

    bad = tmp_path / "one.ttl"
    shutil.copy(HOSTILE / "surrogate-escape.ttl", bad)
    with pytest.raises(InputError) as caught:  # was a bare UnicodeEncodeError
        riskgraph.load(extra=str(bad))
    assert caught.value.file == bad and caught.value.line == 7
    with pytest.raises(InputError) as caught:
        riskgraph.load(extra=str(tmp_path / "missing.ttl"))
    assert "missing.ttl" in str(caught.value)  # not a file named "/"
