"""The command-line option behind a library error's ``argument``.

Library messages name arguments ("parameter 'area'"); on the command line the
same error also names the option to change.
"""

from __future__ import annotations

OPTIONS = {
    "param": "--param NAME=VALUE",
    "timeout": "--timeout SECONDS",
    "store+endpoint": "--store DIR or --endpoint URL, not both",
    "focus": "--focus IRI|PREFIXED|CODE",
    "depth": "--depth N",
}


def option_for(argument: str | None) -> str | None:
    """The option text for ``argument`` (``param:area`` -> ``--param area=VALUE``)."""
    if not argument:
        return None
    kind, _, name = argument.partition(":")
    if kind == "param" and name:
        return f"--param {name}=VALUE"
    return OPTIONS.get(argument)
