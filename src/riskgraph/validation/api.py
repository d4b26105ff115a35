"""``validate()``: the one library entry point for every kind of validation.

- no paths: the bundled data/, as one dataset (compiled engine);
- paths, ``whole=True``: a complete dataset of the user's, checked on its own
  against riskgraph's shapes and ontology (compiled engine);
- paths, ``whole=True``, ``shapes=FILE``: any data against any shapes, as plain SHACL
  (compiled engine);
- paths: contributions, checked in the context of the bundled graph (pyshacl on
  contribution-sized graphs, plus the rules of ``additions.py``).

Each returns a ``ValidationReport`` (``conforms``, ``problems``, ``exit_code()``,
``to_text()``, ``to_json()``, ``to_turtle()``), the same whichever engine produced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from riskgraph.errors import InputError
from riskgraph.validation.results import ValidationReport
from riskgraph.validation.scoped import validate_bundled, validate_files
from riskgraph.validation.whole import validate_bundled_fast, validate_whole


def validate(paths: Iterable[Path | str] | None = None, *, whole: bool = False,
             engine: str = "auto", shapes: Path | str | None = None) -> ValidationReport:
    """Validate files (or the bundled data) against ontology/shapes.ttl.

    ``engine`` is "auto" (the fast compiled engine for whole datasets, pyshacl for
    contributions) or "pyshacl" (the reference, for every mode; slow on large graphs).
    ``shapes``: a SHACL shapes file of your own instead of riskgraph's (with
    ``whole=True``): the files are checked against it alone, as plain SHACL, by the
    compiled engine (pyshacl for any shape it cannot express). The shapes file is read
    like any input (nothing fetched; an error names its file and line) and its SPARQL
    is checked as a user's query is.
    """
    if isinstance(paths, (str, Path)):
        raise InputError("paths must be a list of files, not one path", argument="paths")
    paths = None if paths is None else [Path(p) for p in paths]
    if engine not in ("auto", "pyshacl"):
        raise InputError(f"unknown engine {engine!r}: use 'auto' or 'pyshacl'",
                         argument="engine")
    if shapes is not None:
        if not whole or not paths:
            raise InputError("shapes= needs whole=True and the files of the dataset",
                             argument="shapes")
        if engine != "auto":
            raise InputError("shapes= runs on the compiled engine (engine='auto')",
                             argument="engine")
        return validate_whole(paths, shapes_file=shapes)
    if not paths:
        if whole:
            raise InputError("whole=True needs the files of the dataset", argument="whole")
        if engine == "pyshacl":
            return validate_bundled()
        return validate_bundled_fast()
    if whole:
        if engine == "pyshacl":
            return validate_files(paths, bundled_context=False)
        return validate_whole(paths)
    return validate_files(paths)
