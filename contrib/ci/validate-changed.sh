#!/usr/bin/env bash
# Validate the RDF files changed since a base revision with `riskgraph validate`:
# write a SARIF 2.1.0 log, print GitHub Actions annotations, exit as riskgraph does
# (0 conforms; 1 violations, or warnings when strict; 2 a file could not be read).
# The steps of riskgraph's composite action (action.yml); runs the same anywhere.
#
# Environment (all optional):
#   RISKGRAPH_BASE     revision to compare HEAD with (a pull request's base); default
#                      HEAD's parent, or every tracked RDF file when HEAD has none
#   RISKGRAPH_SARIF    where the SARIF log goes (default riskgraph.sarif)
#   RISKGRAPH_STRICT   "true": warnings fail too
#   RISKGRAPH_INSTALL  a pip requirement to install riskgraph from first (the action
#                      passes its own checkout); empty: use the riskgraph on PATH
#   RISKGRAPH_EXCLUDE  extended regex of paths that are not contributions
#   RISKGRAPH_REASON   "true": when the files conform, also check with the reasoner that
#                      the bundled graph plus the files stays consistent (riskgraph reason)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"  # git diff names paths from the top

sarif="${RISKGRAPH_SARIF:-riskgraph.sarif}"
exclude="${RISKGRAPH_EXCLUDE:-^(ontology/|contrib/templates/|tests/fixtures/)}"
strict=()
[ "${RISKGRAPH_STRICT:-false}" = "true" ] && strict=(--strict)

if [ -n "${RISKGRAPH_INSTALL:-}" ]; then
  python3 -m pip install --quiet --disable-pip-version-check "$RISKGRAPH_INSTALL"
fi

base="${RISKGRAPH_BASE:-}"
if [ -z "$base" ] && git rev-parse --verify --quiet 'HEAD^' >/dev/null; then
  base='HEAD^'
fi
if [ -n "$base" ]; then
  mapfile -d '' -t changed < <(git diff -z --name-only --diff-filter=ACMR "$base...HEAD" -- \
      '*.ttl' '*.nt' '*.jsonld')
else
  mapfile -d '' -t changed < <(git ls-files -z -- '*.ttl' '*.nt' '*.jsonld')
fi
files=()
for file in "${changed[@]}"; do
  [[ "$file" =~ $exclude ]] || files+=("$file")
done

say_output() {
  [ -n "${GITHUB_OUTPUT:-}" ] && printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
  return 0
}
say_output files "${#files[@]}"
if [ "${#files[@]}" -eq 0 ]; then
  echo "riskgraph: no changed RDF files to validate"
  say_output sarif ""
  exit 0
fi

echo "riskgraph: validating ${#files[@]} changed file(s)" >&2
status=0
riskgraph validate "${strict[@]}" --format sarif --output "$sarif" -- "${files[@]}" || status=$?
say_output sarif "$sarif"
# The same report again, as annotations on the changed lines (same exit code).
riskgraph validate "${strict[@]}" --format github -- "${files[@]}" || true
if [ "$status" -eq 0 ] && [ "${RISKGRAPH_REASON:-false}" = "true" ]; then
  riskgraph reason -- "${files[@]}" || status=$?
fi
exit "$status"
