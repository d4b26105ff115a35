"""Write a set of generated files as one folder, all or nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from riskgraph.errors import InputError
from riskgraph.io.atomic import write_text_atomic


def replace_folder(target: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (name -> text) into a fresh folder beside ``target`` and swap it in.

    A failure leaves ``target`` as it was and no temporary folder behind. A
    symlink at ``target`` is refused rather than replaced or followed.
    """
    target = Path(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError("the output path exists and is not a plain folder", file=target,
                         hint="choose another -o folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    old = None
    try:
        for name, text in sorted(files.items()):
            write_text_atomic(fresh / name, text)
        os.chmod(fresh, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.rmdir(old)
            os.replace(target, old)
        try:
            os.replace(fresh, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)
                old = None
            raise
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return [target / name for name in sorted(files)]
