"""The ``riskgraph`` command line: a thin layer that formats library results.

Exit codes: 0 ok; 1 the data does not conform or a check failed; 2 usage or input error.
An unexpected exception (a bug) prints one line asking for a report, exit code 2;
a signal ends the command with 128 + its number, through normal unwinding.
Each command lives in its own module in ``riskgraph.cli`` (listed in ``registry``) and imports
the library lazily, so that a command loads only what it needs.
"""

from __future__ import annotations

import errno
import signal
import sys

import click

from riskgraph import __version__
from riskgraph.cli.registry import COMMANDS, LazyGroup
from riskgraph.errors import RiskgraphError
from riskgraph.text import visible

REPORT_URL = "https://github.com/riskgraph/riskgraph/issues"


class RiskgraphGroup(LazyGroup):
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
        except RecursionError:
            click.echo("error: the input is nested too deeply to process", err=True)
            ctx.exit(2)
        except MemoryError:
            click.echo("error: out of memory", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader went away (`| head`): click's to handle
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {visible(where)}{visible(exc.strerror or exc)}", err=True)
            ctx.exit(2)
        except Exception as exc:  # a bug: one line, not a traceback
            name = type(exc).__name__
            click.echo(f"error: unexpected {name}: {visible(exc)} (this is a bug in riskgraph; "
                       f"please report it with the command you ran: {REPORT_URL})", err=True)
            ctx.exit(2)


@click.group("riskgraph", cls=RiskgraphGroup, lazy_subcommands=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="riskgraph")
def cli() -> None:
    """riskgraph: a knowledge graph of AI risks, mitigations, actors, lifecycle stages
    and evidence.

    \b
    Exit codes: 0 ok, 1 data does not conform or a check failed, 2 usage or input error.
    """


class Terminated(SystemExit):
    """Raised in the main thread by SIGTERM or SIGHUP: unwinds like any exit, so that
    ``finally`` blocks and ``atexit`` remove temporary files and stop children."""


def _terminate(signum: int, frame) -> None:  # noqa: ARG001
    # Further SIGTERM/SIGHUP during the clean-up are ignored: it must run to its end.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise Terminated(128 + signum)


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP end the command as SIGINT does: by unwinding, not by dying."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, _terminate)


def main(argv: list[str] | None = None) -> None:
    install_signal_handlers()
    cli.main(args=argv, prog_name="riskgraph")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
