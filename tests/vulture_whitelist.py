"""Names in src/riskgraph that vulture (tests/project/test_layout.py, confidence 60) takes for
unused, and are used where it cannot see: each group says by whom.
A name that is really unused is removed from src/, not listed here."""

# ruff: noqa: B018, F821
# (a vulture whitelist is a list of bare names and attributes, never run)

# click: the commands are registered by decorator and found by name (cli/registry.py);
# a ParamType's convert and a Group's commands are click's to call.
build_command
reason_command
demo_command
diff_command
sssom_command
graph_command
nexus_command
mit_repository_command
aiid_command
push_command
query_command
serve_command
site_command
validate_command
_.convert
_.commands

# Python and its libraries call these: a module's __getattr__ (namespaces.RG's closed
# namespace), Jupyter's _repr_html_, urllib's handler methods, rdflib's context fetcher
# replaced by io/rdf.py (its signature names the argument it ignores).
__getattr__
_._repr_html_
_.http_open
_.https_open
_._fetch_context
referenced_contexts

# Public API, documented in docs/api.md and docs/validation.md.
_.to_pandas
_.to_turtle

# Facts kept beside the code that uses their siblings: the id pattern (docs/CONVENTIONS.md;
# tests check the data and the shapes against it) and the compiled engine's data graph name.
ID_PATTERN
DATA_GRAPH

# Read by the templates (serve/templates/entity.html.j2 draws an edge from them).
x1
y1
x2
y2

# A tuple unpacked for its second part (store/timelimit.py: getrlimit's soft, hard).
soft

# Read by tests/project/test_patches.py (each patch pinned to the versions it was written against).
WRITTEN_AGAINST

# httpx calls an Auth subclass's auth_flow (store/remote.py).
_.auth_flow
