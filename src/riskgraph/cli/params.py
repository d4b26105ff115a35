"""`--param NAME=VALUE` pairs, shared by `riskgraph query` and `riskgraph graph`."""

from __future__ import annotations


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    from riskgraph.errors import InputError

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
