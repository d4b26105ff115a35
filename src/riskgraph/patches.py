"""Every place riskgraph reaches into a library's private parts, in one module.

Each patch names the library versions it was written against (``WRITTEN_AGAINST``);
tests/project/test_patches.py pins each to that range and to the private part it uses, and
fails naming the patch when a new release moves it. No patch changes a library for
code outside riskgraph: each holds only around riskgraph's own calls.

A low layer (see [tool.importlinter] in pyproject.toml): it imports no riskgraph
module, and its libraries only when a patch is used, so that ``import riskgraph``
stays light.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

# patch -> (distribution, lowest version checked, first version not checked)
WRITTEN_AGAINST = {
    "refuse_jsonld_fetching": ("rdflib", "7.0", "8"),  # written against rdflib 7.6.0
    "java_options": ("owlready2", "0.46", "1"),  # written against owlready2 0.51
    "sparql_message": ("pyshacl", "0.26", "1"),  # written against pyshacl 0.40.1
    "datatype_check": ("pyshacl", "0.26", "1"),  # written against pyshacl 0.40.1
}


# --- rdflib: JSON-LD contexts are never fetched --------------------------------------

class FetchRefused(Exception):
    """Raised instead of fetching a JSON-LD context inside ``refuse_jsonld_fetching``."""


_REFUSING: contextvars.ContextVar[bool] = contextvars.ContextVar("riskgraph_refusing",
                                                                 default=False)
_fetch_lock = threading.Lock()
_fetch_users = 0
_rdflib_fetch: Any = None  # rdflib's own method, as found when riskgraph's went in


def _refuse_fetch(self, source, base, referenced_contexts):
    if _REFUSING.get():
        raise FetchRefused(str(source))
    return _rdflib_fetch(self, source, base, referenced_contexts)


@contextlib.contextmanager
def refuse_jsonld_fetching() -> Iterator[None]:
    """Within the block, rdflib's JSON-LD processor fetches no context (a URL or an
    ``@import``, at any depth): it raises ``FetchRefused``.

    rdflib has no document-loader option; its processor fetches through the private
    ``Context._fetch_context``. While a riskgraph parse runs, that method is one that
    refuses in riskgraph's own thread (a context variable says so) and calls rdflib's
    anywhere else, so a user's parse in another thread is untouched; when the last
    riskgraph parse ends, rdflib's own method is put back.
    """
    global _fetch_users, _rdflib_fetch
    from rdflib.plugins.shared.jsonld.context import Context

    with _fetch_lock:
        if _fetch_users == 0:
            _rdflib_fetch = Context._fetch_context
            Context._fetch_context = _refuse_fetch  # type: ignore[method-assign]
        _fetch_users += 1
    token = _REFUSING.set(True)
    try:
        yield
    finally:
        _REFUSING.reset(token)
        with _fetch_lock:
            _fetch_users -= 1
            if _fetch_users == 0:  # (kept in _rdflib_fetch for calls still running)
                Context._fetch_context = _rdflib_fetch  # type: ignore[method-assign]


# --- owlready2: flags for HermiT's JVM ---------------------------------------------

@contextlib.contextmanager
def java_options(options: str) -> Iterator[None]:
    """Within the block, the java commands owlready2 starts get ``options`` through the
    launcher's JDK_JAVA_OPTIONS. owlready2 has no option for JVM flags; the keyword
    arguments it gives every subprocess (the private ``reasoning._subprocess_kargs``)
    are the one way in. Nothing changes if they already set an environment."""
    from owlready2 import reasoning

    kargs = getattr(reasoning, "_subprocess_kargs", None)
    if not isinstance(kargs, dict) or "env" in kargs:
        yield
        return
    env = dict(os.environ)
    env["JDK_JAVA_OPTIONS"] = f"{env.get('JDK_JAVA_OPTIONS', '')} {options}".strip()
    kargs["env"] = env
    try:
        yield
    finally:
        kargs.pop("env", None)


# --- pyshacl: its own wording and datatype rules, reused -----------------------------

def sparql_message() -> Callable[..., str]:
    """pyshacl's filling of ``{?var}``/``{$var}`` in a SPARQL constraint's message, as
    ``fill(None, message, variables)``: the private method of ``ConstraintComponent``,
    unbound (it does not use ``self``), so that messages read exactly as pyshacl's."""
    from pyshacl.constraints.constraint_component import ConstraintComponent

    return ConstraintComponent._format_sparql_based_result_message


def datatype_check() -> Callable[..., bool]:
    """pyshacl's test of a literal's value against ``sh:datatype``, as
    ``check(None, literal, datatype)``: the private method of
    ``DatatypeConstraintComponent``, unbound (it does not use ``self``)."""
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

    return DatatypeConstraintComponent._assert_actual_datatype
