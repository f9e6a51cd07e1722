#!/usr/bin/env bash
# Mutation testing with Stryker.NET (docs/contributing.md, "Mutation testing").
#
#   mutation/run.sh                  every scope, one after the other
#   mutation/run.sh protocol redis   the named scopes (a scope is mutation/<scope>.json)
#   mutation/run.sh --help           this text and the scopes; runs nothing
#
# Each scope runs in a copy of the working tree (Stryker writes mutated assemblies into the test projects' bin
# folders, so the tree you work in stays usable), and its HTML and JSON reports land in
# artifacts/mutation/<scope>/reports/ (git-ignored). The last lines print the score of each scope run.
# Slow: minutes to an hour per scope on two cores. Not part of ./test.sh. Needs redis-server for the scopes whose
# tests include the Redis ones (channels, connections, redis, routing, serialization).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,/^set /p' "$repo/mutation/run.sh" | sed '$d' | sed 's/^# \{0,1\}//'
  echo "Scopes: $(ls mutation/*.json | xargs -n1 basename | sed 's/\.json$//' | tr '\n' ' ')"
  exit 0
fi

scopes=("$@")
if [ ${#scopes[@]} -eq 0 ] || [ "${scopes[0]}" = all ]; then
  scopes=()
  for config in mutation/*.json; do scopes+=("$(basename "$config" .json)"); done
fi
for scope in "${scopes[@]}"; do
  if [ ! -f "mutation/$scope.json" ]; then
    echo "No scope '$scope': the scopes are $(ls mutation/*.json | xargs -n1 basename | sed 's/\.json$//' | tr '\n' ' ')" >&2
    exit 2
  fi
done

dotnet tool restore >/dev/null
status=0
for scope in "${scopes[@]}"; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/rxstreams-mutation-$scope.XXXXXX")
  # The tracked and untracked-but-not-ignored files, without build outputs.
  git ls-files -z --cached --others --exclude-standard | tar -c --null -T - --ignore-failed-read -f - 2>/dev/null | tar -x -C "$work"
  out="$repo/artifacts/mutation/$scope"
  rm -rf "$out"
  mkdir -p "$out"
  echo "== $scope (in $work; log: $out/stryker.log)"
  if (cd "$work/mutation" && dotnet stryker -f "$scope.json" -O "$out" --skip-version-check) >"$out/stryker.log" 2>&1; then
    rm -rf "$work"
  else
    status=1
    echo "   Stryker failed; its log: $out/stryker.log (the copy is kept: $work)" >&2
  fi
done

# Scores per scope from the JSON reports: killed (including timeouts) / (killed + survived + no coverage).
for scope in "${scopes[@]}"; do
  report="$repo/artifacts/mutation/$scope/reports/mutation-report.json"
  [ -f "$report" ] || continue
  python3 - "$scope" "$report" <<'PY'
import json, sys
scope, path = sys.argv[1], sys.argv[2]
counts = {}
for f in json.load(open(path))["files"].values():
    for m in f["mutants"]:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
killed = counts.get("Killed", 0) + counts.get("Timeout", 0)
valid = killed + counts.get("Survived", 0) + counts.get("NoCoverage", 0)
score = 100.0 * killed / valid if valid else 100.0
detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
print(f"{scope}: {score:.1f}% killed ({killed} of {valid}; {detail})")
PY
done
exit $status
