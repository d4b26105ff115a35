"""Write a set of generated files as one folder, all or nothing."""

from __future__ import annotations

from pathlib import Path

from riskgraph.io.atomic import new_folder, write_text_atomic


def replace_folder(target: Path, files: dict[str, str], marker: str) -> list[Path]:
    """Write ``files`` (name -> text) as the folder ``target`` (``io.atomic.new_folder``):
    a folder there is replaced only if it is empty or holds ``marker`` (one of
    ``files``, so an earlier import is recognised); anything else is refused."""
    target = Path(target)
    with new_folder(target, marker, mode=0o755, what="import") as fresh:
        for name, text in sorted(files.items()):
            write_text_atomic(fresh / name, text)
    return [target / name for name in sorted(files)]
