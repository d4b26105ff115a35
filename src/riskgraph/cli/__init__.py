"""The ``riskgraph`` command line: a thin layer that formats library results.

Exit codes: 0 ok; 1 the data does not conform or a check failed; 2 usage or input error.
Each command lives in its own module in ``riskgraph.cli`` (listed in ``registry``) and imports
the library lazily, so that a command loads only what it needs.
"""

from __future__ import annotations

import sys

import click

from riskgraph import __version__
from riskgraph.errors import RiskgraphError

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE = 0, 1, 2


class RiskgraphGroup(click.Group):
    """Turns riskgraph errors into a message and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RiskgraphError as exc:
            from riskgraph.cli.flags import option_for

            click.echo(f"error: {exc}", err=True)
            option = option_for(exc.argument)
            if option:
                click.echo(f"  option: {option}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group("riskgraph", cls=RiskgraphGroup,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="riskgraph")
def cli() -> None:
    """riskgraph: a knowledge graph of AI risks, mitigations, actors, lifecycle stages
    and evidence.

    \b
    Exit codes: 0 ok, 1 data does not conform or a check failed, 2 usage or input error.
    """


def _register() -> None:
    from riskgraph.cli.registry import COMMANDS, LazyCommands

    cli.commands = LazyCommands(COMMANDS)  # a command's module is imported when it is used


_register()


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="riskgraph")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
