"""SHACL validation of contributions and whole graphs, and its reports.

``validate(paths=None, whole=False)`` (in ``api.py``) is the entry point; it is
imported on first use, so importing a sub-module stays cheap.
"""


def __getattr__(name: str):
    if name in ("validate", "ValidationReport"):
        from riskgraph.validation import api

        return getattr(api, name)
    raise AttributeError(name)
