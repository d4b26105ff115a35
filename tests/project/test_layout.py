"""The package's shape: no import cycles between riskgraph's modules (imports inside
functions count too), the store does not reach into the canned queries, and every
rg: term used in code and queries is declared in the ontology."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
RG = "https://w3id.org/riskgraph/ns#"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(block.test)
                       for n in ast.walk(block)}  # imports for type hints only
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                # the longest riskgraph module the import names (a module or a name in one)
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "riskgraph":
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_import_graph_is_read():
    graph = import_graph()
    assert "riskgraph.store.timelimit" in graph["riskgraph.store.local"]
    assert "riskgraph.build.pipeline" in graph["riskgraph.build.cache"]  # inside a function
    assert "riskgraph.query.binding" in graph["riskgraph.store.local"]  # inside a function


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_store_does_not_import_the_canned_queries():
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("riskgraph.store."):
            assert not {t for t in targets if t.startswith(("riskgraph.query.canned",
                                                             "riskgraph.query.resolve"))}, name


def test_the_query_engine_has_no_prefix_table_of_its_own():
    """Prefixes live in riskgraph.namespaces only."""
    for path in (SRC / "riskgraph").rglob("*.py"):
        if path.name in ("namespaces.py",):
            continue
        text = path.read_text(encoding="utf-8")
        assert '"http://www.w3.org/1999/02/22-rdf-syntax-ns#"' not in text or \
            path.parts[-2] in ("io", "reason"), path


def _declared_terms() -> set[str]:
    from rdflib import Graph, URIRef

    graph = Graph().parse(ROOT / "ontology" / "riskgraph.ttl")
    return {str(s)[len(RG):] for s in graph.subjects()
            if isinstance(s, URIRef) and str(s).startswith(RG) and str(s) != RG}


def _terms_in_text(text: str) -> set[str]:
    return set(re.findall(r"\brg:([A-Za-z]\w*)", text)) | \
        set(re.findall(re.escape(RG) + r"([A-Za-z]\w*)", text))


def _terms_in_code(source: str) -> tuple[set[str], set[str]]:
    """RG.term attributes and rg:term in string literals, docstrings left out (they may
    show a misspelling on purpose)."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    attributes, in_strings = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "RG":
            attributes.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            in_strings |= _terms_in_text(node.value)
    return attributes, in_strings


def test_rg_terms_used_in_code_and_queries_are_declared():
    from riskgraph.namespaces import RG_TERMS as TERMS

    declared = _declared_terms()
    used: dict[str, set[str]] = {}
    files = list((SRC / "riskgraph").rglob("*.py")) + list((ROOT / "queries").glob("*.rq"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            attributes, names = _terms_in_code(text)
            missing = attributes - set(TERMS)
            assert not missing, f"{path.name}: RG terms not in namespaces.RG_TERMS: {missing}"
            names |= attributes
        else:
            names = _terms_in_text(text)
        for term in names:
            used.setdefault(term, set()).add(path.name)
    undeclared = {term: sorted(where) for term, where in used.items() if term not in declared}
    assert not undeclared, f"rg: terms used but not declared in the ontology: {undeclared}"


def test_the_closed_namespace_lists_only_declared_terms():
    from riskgraph.namespaces import RG_TERMS as TERMS

    listed = set(TERMS)
    # Exactly the ontology's terms: a term added to the ontology but not here would
    # fail only when code first uses it.
    assert listed == _declared_terms()


def test_a_misspelt_term_fails():
    import pytest

    from riskgraph.namespaces import RG as closed

    assert str(closed.Mitigation) == RG + "Mitigation"
    with pytest.raises(AttributeError):
        closed.Mitigaton  # noqa: B018


# The layers, checked by import-linter (the contracts are in pyproject.toml, the reasons
# in docs/architecture.md). grimp counts imports inside functions as well, so a lazy
# import cannot hide a cycle.
FUNCTION_LEVEL_IMPORTS_MAX = 136  # 229 in issue 24; 257 after the new commands; 154 once
# those not needed for start-up speed moved to the top of their modules; 136 with the merged
# store, cache and format work; lower it


def test_layers_contract_is_kept():
    import shutil
    import subprocess
    import sys

    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or \
        shutil.which("lint-imports")
    assert linter, "import-linter is a test dependency: pip install -e '.[test]'"
    done = subprocess.run([linter, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_sub_package_is_in_a_layer():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c["layers"] for c in config["tool"]["importlinter"]["contracts"]
                 if c["type"] == "layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    package = SRC / "riskgraph"
    present = {f"riskgraph.{p.name}" for p in package.iterdir()
               if (p / "__init__.py").is_file()}
    present |= {f"riskgraph.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    assert present <= named, f"not in any layer: {sorted(present - named)}"


def function_level_imports() -> dict[str, int]:
    """Imports inside a function body, per module."""

    def inside(node: ast.AST, in_function: bool) -> int:
        if isinstance(node, ast.Import | ast.ImportFrom):
            return int(in_function)
        in_function = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        return sum(inside(child, in_function) for child in ast.iter_child_nodes(node))

    counts = {}
    for path in sorted(SRC.rglob("*.py")):
        if found := inside(ast.parse(path.read_text(encoding="utf-8")), False):
            counts[module_name(path)] = found
    return counts


def test_imports_inside_functions_do_not_grow():
    """Each import inside a function is a dependency the reader cannot see at the top;
    most keep `import riskgraph` and each command light (tests/api/test_api.py). The count
    may only fall: lower FUNCTION_LEVEL_IMPORTS_MAX when it does."""
    total = sum(function_level_imports().values())
    assert total <= FUNCTION_LEVEL_IMPORTS_MAX, (
        f"{total} imports inside functions (at most {FUNCTION_LEVEL_IMPORTS_MAX}): "
        "import at the top of the module, or explain why not")


def test_no_dead_code_in_src():
    """vulture finds no unused function, class, method or variable in src/riskgraph; the
    names used where it cannot see (click, templates, public API) are listed, with who
    uses them, in tests/vulture_whitelist.py. A helper only the tests use lives in tests/."""
    import shutil
    import subprocess
    import sys

    vulture = shutil.which("vulture", path=str(Path(sys.executable).parent)) or \
        shutil.which("vulture")
    assert vulture, "vulture is a test dependency: pip install -e '.[test]'"
    done = subprocess.run([vulture, str(SRC / "riskgraph"),
                           str(ROOT / "tests" / "vulture_whitelist.py"),
                           "--min-confidence", "60"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_tests_are_grouped_by_the_sub_package_they_exercise():
    """tests/<folder>/test_*.py, each folder a riskgraph sub-package, or `api` (the Python
    API, knowledge.py) or `project` (the repository as a whole: layout, README, packaging,
    typing, benchmarks, library patches)."""
    tests = ROOT / "tests"
    assert sorted(p.name for p in tests.glob("test_*.py")) == []
    packages = {p.name for p in (SRC / "riskgraph").iterdir() if (p / "__init__.py").is_file()}
    folders = {p.parent.name for p in tests.glob("*/test_*.py")}
    assert folders - packages <= {"api", "project"}, folders - packages
