"""Every riskgraph command, by name: the module and attribute that define it.

``LazyCommands`` imports a command's module only when the command is looked up
(to run it, or when ``--help`` lists them all), so that ``riskgraph query``
does not import the other commands.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

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


class LazyCommands(MutableMapping):
    """A click group's ``commands``: name -> command, each imported on first access."""

    def __init__(self, specs: dict[str, str]) -> None:
        self._specs: dict[str, str | None] = dict(specs)  # None: given as a command
        self._loaded: dict[str, object] = {}

    def __getitem__(self, name: str):
        if name not in self._loaded:
            spec = self._specs[name]  # KeyError for an unknown name, as a dict
            module, attribute = spec.split(":")  # type: ignore[union-attr]
            self._loaded[name] = getattr(importlib.import_module(module), attribute)
        return self._loaded[name]

    def __setitem__(self, name: str, command) -> None:
        self._specs[name] = None
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._specs[name]
        self._loaded.pop(name, None)

    def __contains__(self, name) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._specs))

    def __len__(self) -> int:
        return len(self._specs)
