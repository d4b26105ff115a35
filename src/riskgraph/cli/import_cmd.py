"""``riskgraph import nexus``: convert an AI Atlas Nexus wheel's data files to Turtle."""

from __future__ import annotations

import os
from pathlib import Path

import click

from riskgraph import resources
from riskgraph.errors import InputError

WHEEL_ENV = "RISKGRAPH_NEXUS_WHEEL"
REPORT = "IMPORT-REPORT.md"  # every import writes it: a folder holding it is an earlier import


def default_wheel() -> Path:
    given = os.environ.get(WHEEL_ENV)
    if given:
        return Path(given)
    raise InputError(
        "no ai-atlas-nexus wheel given",
        hint="download it with `pip download --no-deps ai-atlas-nexus==1.2.5 -d DIR`, then pass "
             f"--from DIR/ai_atlas_nexus-1.2.5-py3-none-any.whl or set {WHEEL_ENV} to that file")


@click.group("import")
def import_command() -> None:
    """Import other projects' published data into riskgraph's data folder.

    \b
    Example:
      riskgraph import nexus --from ai_atlas_nexus-1.2.5-py3-none-any.whl
    """


@import_command.command("nexus")
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path),
              help=f"An ai_atlas_nexus-*.whl file or an unpacked wheel folder "
                   f"(default: ${WHEEL_ENV}).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (replaced as a whole). Default: the bundled "
                   "data/external/nexus/.")
def nexus_command(source: Path | None, out_dir: Path | None) -> None:
    """Read the YAML and SSSOM files of an ai-atlas-nexus wheel (never its Python code)
    and write one Turtle file per source taxonomy or dataset, the mapping sets and
    IMPORT-REPORT.md.

    \b
    Example:
      pip download --no-deps ai-atlas-nexus==1.2.5 -d /tmp/nexus
      riskgraph import nexus --from /tmp/nexus/ai_atlas_nexus-1.2.5-py3-none-any.whl
    """
    import zipfile

    from riskgraph.importers.folder import replace_folder
    from riskgraph.importers.nexus import import_nexus
    from riskgraph.io.atomic import check_folder, refuse_overwriting_inputs

    path = source or default_wheel()
    target = out_dir or resources.nexus_dir()
    refuse_overwriting_inputs([path], folders=[target])
    check_folder(target, REPORT, "import")  # refused before the wheel is read
    try:
        result = import_nexus(path)
    except (zipfile.BadZipFile, KeyError, FileNotFoundError, IsADirectoryError) as exc:
        raise InputError(f"not a readable ai-atlas-nexus wheel or folder ({exc})", file=path,
                         hint="pass the .whl file that `pip download` wrote") from exc
    except (TypeError, AttributeError, ValueError, IndexError) as exc:
        # a value of another type than the package's schema gives it (a number where a
        # list belongs...): the reader does not track lines past the YAML parse
        raise InputError("the package's data does not have the shape riskgraph reads "
                         f"(that of ai-atlas-nexus 1.2.5): {type(exc).__name__}: {exc}",
                         file=path, hint="is this an ai-atlas-nexus wheel?") from None
    written = replace_folder(target, result.files, REPORT)
    click.echo(result.summary())
    click.echo(f"wrote {len(written)} files to {target}")


@import_command.command("mit-repository")
@click.option("--from", "source", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The AI Risk Repository spreadsheet (The AI Risk Repository "
                   "V3_26_03_2025.xlsx).")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (replaced as a whole). Default: the bundled "
                   "data/external/mit-ai-risk-repository/.")
def mit_repository_command(source: Path, out_dir: Path | None) -> None:
    """Read the MIT AI Risk Repository spreadsheet and write its documents, risks (with
    their MIT codes linked to riskgraph's taxonomies), additional-evidence rows, the
    dataset and IMPORT-REPORT.md. Nothing is fetched.

    \b
    Example:
      cd ../shared/sources/external/mit-ai-risk-repository-v3
      riskgraph import mit-repository --from "The AI Risk Repository V3_26_03_2025.xlsx"
    """
    import zipfile

    from riskgraph.importers.mit_repository import import_mit_repository

    _run_import(source, out_dir or resources.data_dir() / "external" / "mit-ai-risk-repository",
                import_mit_repository,
                (zipfile.BadZipFile, KeyError, ValueError, StopIteration, OSError),
                "AI Risk Repository spreadsheet",
                "pass the .xlsx file of the repository's version 3")


@import_command.command("aiid")
@click.option("--from", "source", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder with the snapshot's incidents.csv, classifications_MIT.csv and "
                   "license.txt.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (replaced as a whole). Default: the bundled "
                   "data/external/aiid/.")
def aiid_command(source: Path, out_dir: Path | None) -> None:
    """Read an AI Incident Database snapshot and write its incidents, the parties they
    name, the MIT classifications (linked to riskgraph's taxonomies), riskgraph's links to
    AI Atlas Nexus incidents, the datasets and IMPORT-REPORT.md. Nothing is fetched.

    \b
    Example:
      riskgraph import aiid --from ../shared/sources/external/aiid-snapshot-2025-03
    """
    import csv

    from riskgraph.importers.aiid import import_aiid

    _run_import(source, out_dir or resources.data_dir() / "external" / "aiid", import_aiid,
                (UnicodeDecodeError, OSError, KeyError, ValueError, csv.Error),
                "AI Incident Database snapshot",
                "the folder needs incidents.csv, classifications_MIT.csv and license.txt")


def _run_import(source: Path, target: Path, read, errors: tuple, what: str,
                hint: str) -> None:
    """What the imports of one file or folder share: a folder riskgraph did not make, or
    one holding the input, is refused before anything is read; the folder is written whole."""
    from riskgraph.importers.folder import replace_folder
    from riskgraph.io.atomic import check_folder, refuse_overwriting_inputs

    refuse_overwriting_inputs([source], folders=[target])
    check_folder(target, REPORT, "import")
    try:
        result = read(source)
    except errors as exc:
        raise InputError(f"not a readable {what} ({exc})", file=source, hint=hint) from exc
    written = replace_folder(target, result.files, REPORT)
    click.echo(result.summary())
    click.echo(f"wrote {len(written)} files to {target}")
