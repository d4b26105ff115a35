"""Every riskgraph command, by name: the module and attribute that define it.

``LazyGroup`` is click's documented pattern ("Lazily Loading Subcommands"): a
command's module is imported only when the command is looked up (to run it, or when
``--help`` lists them all), so that ``riskgraph query`` does not import the others.
"""

from __future__ import annotations

import importlib

import click

COMMANDS = {
    "demo": "riskgraph.cli.demo:demo_command",
    "build": "riskgraph.cli.build:build_command",
    "reason": "riskgraph.cli.build:reason_command",
    "validate": "riskgraph.cli.validate:validate_command",
    "diff": "riskgraph.cli.diff:diff_command",
    "query": "riskgraph.cli.query:query_command",
    "push": "riskgraph.cli.push:push_command",
    "graph": "riskgraph.cli.graph:graph_command",
    "serve": "riskgraph.cli.serve:serve_command",
    "site": "riskgraph.cli.site:site_command",
    "import": "riskgraph.cli.import_cmd:import_command",
    "export": "riskgraph.cli.export_cmd:export_command",
}


class LazyGroup(click.Group):
    """A click group whose ``lazy_subcommands`` (name -> "module:attribute") are
    imported on first use."""

    def __init__(self, *args, lazy_subcommands: dict[str, str] | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_subcommands:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy_subcommands[cmd_name].split(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_subcommands[cmd_name]} is not a click command")
        return command
