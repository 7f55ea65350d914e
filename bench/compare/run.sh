#!/usr/bin/env bash
# The side-by-side comparison (issue 7, docs/benchmarks.md): generates the
# influence network (cached by scale and seed), loads it into every engine,
# runs the query suite warm in each and prints one table, engine x (load, each
# query), with Quipu's ratio to the fastest peer; counts that differ between
# engines are printed loudly and marked with "!" in the table.
#
#   bench/compare/run.sh --facts N [--seed S] [--engines quipu,sqlite,...] [--repeat R]
#                        [--timeout S] [--work DIR] [--build DIR]
#
# Engines: quipu sqlite duckdb kuzu oxigraph virtuoso (all by default). The
# peers come from bench/compare/install.sh (run it once; the tests never do).
# --timeout S: Oxigraph's per-query limit (its driver's default 300 s); the
# other engines have none. Results: WORK/results-N-sS.tsv (the drivers'
# lines), the table on stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
facts=1000000 seed=1 engines="quipu,sqlite,duckdb,kuzu,oxigraph,virtuoso" repeat=5
work="${TMPDIR:-/tmp}/quipu-compare" build="$root/build" timeout=""
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --facts) facts="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --engines) engines="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    *) usage ;;
  esac
done
for e in ${engines//,/ }; do
  case "$e" in quipu|sqlite|duckdb|kuzu|oxigraph|virtuoso) ;; *) echo "run.sh: unknown engine $e" >&2; exit 2 ;; esac
done
if [ ! -x "$build/bench/influence_gen" ] || [ ! -x "$build/bench/compare_quipu" ]; then
  echo "run.sh: building influence_gen and compare_quipu in $build" >&2
  make -C "$build" -j2 influence_gen compare_quipu >&2
fi
if [[ ",$engines," =~ ,(duckdb|kuzu|oxigraph), ]] && [ ! -d "$here/node/node_modules" ]; then
  echo "run.sh: the npm peers are not installed: run bench/compare/install.sh first" >&2
  exit 1
fi
export NODE_PATH="$here/node/node_modules"

mkdir -p "$work"
data="$work/data-$facts-s$seed"
if [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  "$build/bench/influence_gen" --facts "$facts" --seed "$seed" --out "$data" >&2
  touch "$data/.complete"
fi
"$here/params.sh" "$data" > "$data/params.txt"
results="$work/results-$facts-s$seed.tsv"
: > "$results"
common=(--data "$data" --params "$data/params.txt" --repeat "$repeat")
for e in ${engines//,/ }; do
  echo "run.sh: $e" >&2
  db="$work/db-$e"
  case "$e" in
    quipu) cmd=("$build/bench/compare_quipu" --queries "$root/bench/queries" "${common[@]}" --db "$db") ;;
    oxigraph) cmd=(node "$here/$e.js" "${common[@]}" --db "$db" ${timeout:+--timeout "$timeout"}) ;;
    *) cmd=(node "$here/$e.js" "${common[@]}" --db "$db") ;;
  esac
  # A driver that fails still leaves its lines; the table shows what is missing.
  "${cmd[@]}" 2> "$work/$e.log" | tee -a "$results" >&2 || echo "run.sh: $e exited with an error (see $work/$e.log)" >&2
  rm -rf "$db"
done
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB," \
  "$facts facts (seed $seed), median of $repeat warm runs"
node "$here/report.js" "$results"
