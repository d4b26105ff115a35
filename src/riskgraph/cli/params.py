"""Option values shared by commands: ``--param NAME=VALUE`` pairs (``riskgraph query``,
``riskgraph graph``) and ``--timeout SECONDS``."""

from __future__ import annotations

import click

from riskgraph.errors import InputError


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--param {pair!r} must look like NAME=VALUE",
                             hint="for example --param area=CBRN")
        if name.strip() in params:
            raise InputError(f"--param {name.strip()} is given twice")
        params[name.strip()] = value
    return params


class Seconds(click.ParamType):
    """A finite number of seconds within the range the time limit allows (no nan, inf
    or 1e300, which click's FloatRange lets through); a usage error (exit 2) otherwise."""

    name = "seconds"

    def convert(self, value, param, ctx):
        from riskgraph.store.timelimit import check_timeout

        try:
            return check_timeout(value)
        except InputError as exc:
            self.fail(exc.message.replace("timeout must be", "must be"), param, ctx)


SECONDS = Seconds()
