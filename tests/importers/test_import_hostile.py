"""A malformed ai-atlas-nexus wheel (issue 22): every upstream file problem names the
file and line, reading is bounded in time and memory, ragged rows are reported and
never misread. In-process and small: no real wheel is needed."""

from __future__ import annotations

import io
import zipfile

import pytest

from riskgraph.errors import InputError
from riskgraph.importers import upstream
from riskgraph.importers.nexus_sources import KG, MAPPINGS
from riskgraph.importers.sssom import parse_sssom_tsv

BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"]
                 + [f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
                    for p, c in zip("abcdefgh", "bcdefghi", strict=True)])
YAML_CASES = {  # text -> (line, words)
    "syntax": (b"entries:\n  - id: a\n   name: [unclosed\n", 3, "YAML"),
    "non-utf8": (b"entries:\n  - id: caf\xe9\n", 2, "not valid UTF-8"),
    "python-tag": (b"entries: !!python/object/apply:os.system ['true']\n", 1, "YAML"),
    "impossible-date": (b"mapping_date: 2025-02-30\n", 1, "impossible date"),
    "alias-bomb": (BOMB.encode(), 2, "aliases"),
    "a-list": (b"- one\n- two\n", 1, "expected a mapping"),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_a_malformed_yaml_file_names_its_file_and_line(case):
    data, line, words = YAML_CASES[case]
    with pytest.raises(InputError) as caught:
        upstream.load_mapping(data, "wheel.whl!data.yaml")
    assert caught.value.file == "wheel.whl!data.yaml" and caught.value.line == line
    assert words in caught.value.message, caught.value.message


HEADER = "# curie_map:\n#   a: http://a/\n# mapping_date: '2025-01-27'\n"
COLUMNS = ("subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\t"
           "mapping_justification\tauthor_id\tconfidence\tcomment\n")


def test_a_row_missing_a_middle_cell_is_reported_not_misread():
    # ibm2owasp.tsv data row 55 of ai-atlas-nexus 1.2.5: no object_id / object_label
    text = (HEADER + COLUMNS
            + "a:x\tx\tskos:exactMatch\ta:y\ty\tsemapv:ManualMappingCuration\tme@x\t0.9\tok\n"
            # missing only the trailing comment: its cells fit their columns
            + "a:x\tx\tskos:exactMatch\ta:y\ty\tsemapv:ManualMappingCuration\tme@x\t0.9\n"
            + "a:z\tz\tnoMatch\tsemapv:ManualMappingCuration\tcgi@x\t0.95\tnot addressed\n")
    ms = parse_sssom_tsv(text, "ibm2owasp.tsv")
    assert [r["author_id"] for r in ms.rows] == ["me@x", "me@x"]
    assert ms.numbers == [1, 2]
    assert [(r.line, r.cells, r.columns) for r in ms.ragged] == [(7, 7, 9)]


def test_a_curie_map_that_is_a_list_is_an_input_error():
    with pytest.raises(InputError) as caught:
        parse_sssom_tsv("# curie_map:\n#   - a\n" + COLUMNS, "m.tsv")
    assert caught.value.line == 1 and "not a mapping" in caught.value.message


def _wheel(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_stops_at_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(upstream, "MAX_MEMBER_BYTES", 1 << 20)
    wheel = tmp_path / "bomb.whl"
    wheel.write_bytes(_wheel({KG + "risk_atlas_data.yaml": b"a" * (8 << 20)}))
    assert wheel.stat().st_size < 100_000
    with pytest.raises(InputError, match="inflates to more than"):
        upstream.read_members(wheel, (".yaml",))
    # a directory that lies about the size is caught while inflating
    raw = bytearray(wheel.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as z:
        info = z.infolist()[0]
    for at in (raw.find(b"PK\x03\x04") + 22, raw.find(b"PK\x01\x02") + 24):
        raw[at:at + 4] = (100).to_bytes(4, "little")  # uncompressed size: 100 bytes
    wheel.write_bytes(bytes(raw))
    assert info.file_size == 8 << 20
    with pytest.raises(InputError, match="inflates to more than|not a readable wheel"):
        upstream.read_members(wheel, (".yaml",))


def test_a_folder_link_out_of_the_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    root = tmp_path / "unpacked"
    (root / KG).mkdir(parents=True)
    (root / KG / "risk_atlas_data.yaml").symlink_to(secret)
    with pytest.raises(InputError, match="link out of the folder"):
        upstream.read_members(root, (".yaml",))


def test_data_of_the_wrong_shape_is_an_input_error(tmp_path, run_cli):
    wheel = tmp_path / "ai_atlas_nexus-9-py3-none-any.whl"
    wheel.write_bytes(_wheel({KG + "risk_atlas_data.yaml": b"# data\nentries: 7\n"}))
    result = run_cli("import", "nexus", "--from", str(wheel), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "unexpected" not in result.output, result.output
    assert "risk_atlas_data.yaml:2: YAML: 'entries' must be a list" in result.output
    wheel.write_bytes(_wheel({KG + "risk_atlas_data.yaml": b"entries:\n  - id: [1]\n"}))
    result = run_cli("import", "nexus", "--from", str(wheel), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "unexpected" not in result.output, result.output


def test_the_command_names_the_member_and_line(tmp_path, run_cli):
    wheel = tmp_path / "ai_atlas_nexus-9-py3-none-any.whl"
    wheel.write_bytes(_wheel({KG + "risk_atlas_data.yaml": b"entries: !!python/name:os.system\n",
                              MAPPINGS + "m.tsv": b"x"}))
    result = run_cli("import", "nexus", "--from", str(wheel), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert f"{wheel}!{KG}risk_atlas_data.yaml:1:" in result.output
    assert "unexpected" not in result.output and not (tmp_path / "out").exists()
