"""Read another project's published files safely: bounded in size, time and memory,
and every problem an ``InputError`` naming the file (and the line where there is one).

- A wheel is read as a zip, member by member, counting the bytes actually inflated
  (a zip bomb stops at the cap, whatever its directory claims).
- An unpacked folder is walked without following links; a link that leaves the
  folder, a FIFO or a device is refused.
- YAML is read with the safe loader, without aliases (nine nested alias lines can
  expand to gigabytes), without tags beyond YAML's own (``!!python/...`` is refused),
  with impossible dates refused at their line.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import yaml

from riskgraph.errors import InputError
from riskgraph.io.files import read_bytes

MAX_MEMBER_BYTES = 32 * 1024 * 1024  # the largest data file of ai-atlas-nexus 1.2.5: 0.4 MB
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_WHEEL_BYTES = 256 * 1024 * 1024


def read_members(path: Path, wanted: tuple[str, ...]) -> tuple[dict[str, bytes], str | None]:
    """The files under ``path`` (a wheel, or an unpacked folder) whose names end with
    one of ``wanted`` (never ``.py``), and the wheel's sha256 (None for a folder)."""
    path = Path(path)
    if path.is_dir():
        return _folder_members(path, wanted), None
    data = read_bytes(path, MAX_WHEEL_BYTES, "wheel")
    files: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as wheel:
            for info in wheel.infolist():
                if info.is_dir() or not info.filename.endswith(wanted) \
                        or info.filename.endswith(".py"):
                    continue
                body = _inflate(wheel, info, path, MAX_TOTAL_BYTES - total)
                total += len(body)
                files[info.filename] = body
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError, ValueError) as exc:
        raise InputError(f"not a readable wheel (zip): {exc}", file=path,
                         hint="pass the .whl file that `pip download` wrote") from None
    return files, hashlib.sha256(data).hexdigest()


def _inflate(wheel: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, left: int) -> bytes:
    cap = min(MAX_MEMBER_BYTES, left)
    where = f"{path}!{info.filename}"
    if info.file_size > cap:
        raise _too_big(where, cap)
    chunks, size = [], 0
    with wheel.open(info) as member:
        while chunk := member.read(1 << 16):
            size += len(chunk)
            if size > cap:  # the directory lied about the size
                raise _too_big(where, cap)
            chunks.append(chunk)
    return b"".join(chunks)


def _too_big(where: str, cap: int) -> InputError:
    return InputError(f"inflates to more than {cap:,} bytes; riskgraph stopped reading",
                      file=where, hint="this is not an ai-atlas-nexus data file")


def _folder_members(root: Path, wanted: tuple[str, ...]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    top = os.path.realpath(root)
    total = 0
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for entry in [*dirs, *names]:
            full = Path(folder) / entry
            if full.is_symlink():
                target = os.path.realpath(full)
                if os.path.commonpath([top, target]) != top:
                    raise InputError(f"is a link out of the folder (to {target}); riskgraph "
                                     "reads only the folder's own files", file=full)
        for name in sorted(names):
            full = Path(folder) / name
            rel = full.relative_to(root).as_posix()
            if not rel.endswith(wanted) or rel.endswith(".py"):
                continue
            body = read_bytes(full, min(MAX_MEMBER_BYTES, MAX_TOTAL_BYTES - total))
            total += len(body)
            files[rel] = body
    return dict(sorted(files.items()))


def decode(data: bytes, where: str) -> str:
    """``data`` as UTF-8, or an ``InputError`` with the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})", file=where,
                         line=line) from None


class _Loader(yaml.SafeLoader):
    """The safe loader without aliases, and with impossible dates refused at their line."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not accepted in imported data",
                event.start_mark)
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"impossible date {node.value!r} ({exc})", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load_yaml(data: bytes | str, where: str) -> object:
    """One YAML document (``_Loader``); every problem an ``InputError`` with its line."""
    text = data if isinstance(data, str) else decode(data, where)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        raise InputError(f"YAML: {problem}", file=where,
                         line=mark.line + 1 if mark is not None else None) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML: {' '.join(str(exc).split())[:200]}", file=where) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", file=where) from None


def load_mapping(data: bytes | str, where: str, lists: tuple[str, ...] = ()) -> dict:
    """A YAML document that must be a mapping (or empty), whose keys named in ``lists``
    (where present) hold lists of mappings."""
    text = data if isinstance(data, str) else decode(data, where)
    loaded = load_yaml(text, where)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InputError(f"YAML: expected a mapping at the top, found a "
                         f"{type(loaded).__name__}", file=where, line=1)
    for key in lists:
        value = loaded.get(key)
        if value is None:
            continue
        bad = value if not isinstance(value, list) else next(
            (item for item in value if not isinstance(item, dict)), None)
        if bad is not None or not isinstance(value, list):
            found = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
            raise InputError(f"YAML: '{key}' must be a list of mappings; it holds a "
                             f"{type(bad).__name__}", file=where,
                             line=text.count("\n", 0, found.start()) + 1 if found else None)
    return loaded
