"""SHACL validation of contributions and whole graphs, and its reports.

``riskgraph.validation.api.validate`` (``riskgraph.validate`` in the public API) is the
entry point; ``results.py`` holds the report every engine returns.
"""
