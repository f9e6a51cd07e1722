#!/usr/bin/env bash
# Runs every test of RxStreams and prints one last line: "N passed, N failed, N skipped".
#
#   ./test.sh                  build (Release, warnings as errors) and run every test project
#   ./test.sh --filter EXPR    pass a filter to every `dotnet test` (e.g. --filter "FullyQualifiedName~Redis")
#
# The tests start their own redis-server on free ports and drive Debian's chromium headless. Both are
# installed with apt-get when missing (as root, or through sudo); without them the script says so and stops.
set -uo pipefail
cd "$(dirname "$0")"

filter=()
if [ "${1:-}" = "--filter" ] && [ -n "${2:-}" ]; then
  filter=(--filter "$2")
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_packages() {
  local apt=(apt-get)
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then apt=(sudo apt-get); else
      echo "error: $* missing and this user cannot install packages (not root, no sudo)." >&2
      echo "       Install them with: apt-get install -y $*" >&2
      return 1
    fi
  fi
  say "installing $* with apt-get"
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "$@" >/tmp/rxstreams-apt.log 2>&1; then
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq >>/tmp/rxstreams-apt.log 2>&1
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "$@" >>/tmp/rxstreams-apt.log 2>&1; then
      echo "error: could not install $* (log: /tmp/rxstreams-apt.log)." >&2
      return 1
    fi
  fi
}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  install_packages "${missing[@]}" || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "error: Node.js 20+ and npm are needed for the browser and Node.js clients' tests (node --test)." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (dotnet) is not on PATH; see global.json for the version." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say "building (Release, warnings are errors)"
if ! dotnet build RxStreams.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "error: the build failed." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

results="$PWD/.test-results"
rm -rf "$results"
mkdir -p "$results"

run_project() {
  local project=$1 name
  name=$(basename "$project" .csproj)
  say "testing $name"
  dotnet test "$project" -c Release --no-build --nologo "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=false
}

# A JavaScript test folder (node --test), reporting in TAP to $results/NAME.tap: the browser client's, and the
# client in Node.js (installed from this repository into a temporary project, with ws from the npm registry, and run
# against tests/RxStreams.TestServer, built above, and a redis-server, both started by the tests).
run_node() {
  local directory=$1 name=$2 what=$3
  say "testing $what (node --test)"
  ( cd "$directory" \
    && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
    && node --test --test-reporter=tap --test-reporter-destination="$results/$name.tap" ) \
    || { echo "error: $what's tests failed (see $results/$name.tap)." >&2; return 1; }
}

status=0
# The unit-level projects are light: run them side by side. The end-to-end project (Kestrel, Redis,
# Chromium) wants both cores to itself, so it runs alone afterwards.
pids=()
for project in tests/RxStreams.Tests/RxStreams.Tests.csproj tests/RxStreams.Generators.Tests/RxStreams.Generators.Tests.csproj; do
  run_project "$project" & pids+=($!)
done
run_node tests/RxStreams.BrowserClient browser-client "the browser client" & pids+=($!)
run_node tests/RxStreams.NodeClient node-client "the Node.js client" & pids+=($!)
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
run_project tests/RxStreams.AspNetCore.Tests/RxStreams.AspNetCore.Tests.csproj || status=1
run_project tests/RxStreams.EndToEnd.Tests/RxStreams.EndToEnd.Tests.csproj || status=1

# Count from the TRX files (dotnet test's own summary is per project).
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
# The browser client's and the Node.js client's tests report in TAP.
for tap in "$results/browser-client.tap" "$results/node-client.tap"; do
  if [ -f "$tap" ]; then
    tapget() { grep -E "^# $1 [0-9]+" "$tap" | tail -n 1 | grep -o '[0-9]*' || echo 0; }
    passed=$((passed + $(tapget pass)))
    failed=$((failed + $(tapget fail) + $(tapget cancelled)))
    skipped=$((skipped + $(tapget skipped) + $(tapget todo)))
  else
    echo "error: $(basename "$tap" .tap) produced no results." >&2
    failed=$((failed + 1))
  fi
done
expected=$(ls tests/*.Tests/*.csproj | wc -l)
if [ "$files" -lt "$expected" ]; then
  echo "error: only $files of $expected test projects produced results (a test host crashed?)." >&2
  failed=$((failed + expected - files))
fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
