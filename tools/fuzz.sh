#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build-fuzz/ and runs each
# for SECONDS (default 60): first the inputs of fuzz/regressions/TARGET (every
# crash found so far), then new inputs from the seed corpus that
# tools/fuzz_corpus.py writes. Prints, per target, the executions, the
# coverage and what it found; findings are kept in build-fuzz/findings/TARGET.
# Exits 1 when any target crashed, hung, ran out of memory or leaked.
# Installs clang-14 and libclang-rt-14-dev (with Quipu's own packages) when
# missing. Environment: QUIPU_FUZZ_JOBS (build jobs, default nproc),
# QUIPU_FUZZ_ARGS (more libFuzzer options).
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]
#   targets: parser_fuzz query_fuzz query_write_fuzz ntriples_fuzz turtle_fuzz
#            csv_fuzz ftm_fuzz (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

all=(parser_fuzz query_fuzz query_write_fuzz ntriples_fuzz turtle_fuzz csv_fuzz ftm_fuzz)
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $t "* ]] || { echo "unknown target '$t' (${all[*]})" >&2; exit 2; }
done
[[ $seconds =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number, not '$seconds'" >&2; exit 2; }

build=build-fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
                                          -DCMAKE_C_COMPILER_LAUNCHER=ccache)
CC=clang-14 CXX=clang++-14 QUIPU_EXTRA_PACKAGES="clang-14 libclang-rt-14-dev python3" \
  QUIPU_TARGET="${targets[*]}" tools/setup.sh "$build" -DQUIPU_FUZZ=ON \
  -DQUIPU_BUILD_TESTS=OFF -DQUIPU_BUILD_BENCH=OFF "${launcher[@]}"

# RocksDB's background threads at exit are not leaks of Quipu (fuzz/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

corpus=$build/corpus
rm -rf "$corpus/seed"
python3 tools/fuzz_corpus.py "$corpus/seed" >/dev/null

status=0
summary=()
for t in "${targets[@]}"; do
  binary=$build/fuzz/$t
  findings=$build/findings/$t
  work=$corpus/work/$t
  log=$build/findings/$t.log
  mkdir -p "$findings" "$work"
  dict=()
  [[ $t == parser_fuzz || $t == query_fuzz || $t == query_write_fuzz ]] &&
    dict=(-dict="$corpus/seed/query.dict")
  before=$(find "$findings" -maxdepth 1 -type f | wc -l)
  echo "== $t: $seconds s"
  set +e
  # The regressions one by one, whole (a corpus folder would cut them to -max_len).
  # Any parser input is a query too: the query targets replay the parser's.
  regressions=(fuzz/regressions/$t/*)
  [[ $t == query_fuzz || $t == query_write_fuzz ]] && regressions+=(fuzz/regressions/parser_fuzz/*)
  [[ -e ${regressions[0]} ]] || regressions=("${regressions[@]:1}")
  if ((${#regressions[@]})) && [[ -e ${regressions[0]} ]]; then
    if ! "$binary" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$findings/" \
         "${regressions[@]}" >"$log.regressions" 2>&1; then
      echo "$t: a regression input of fuzz/regressions/$t fails again:"
      grep -m1 -B2 -A12 -E '^==[0-9]+==ERROR|runtime error|deadly signal' "$log.regressions" ||
        tail -20 "$log.regressions"
      status=1
    fi
  fi
  # libFuzzer runs the inputs of the folders first, then mutates them; new
  # inputs go to the first folder, $work.
  # shellcheck disable=SC2086
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" ${QUIPU_FUZZ_ARGS:-} \
    "$work" "$corpus/seed/$t" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 || true)
  found=$(($(find "$findings" -maxdepth 1 -type f | wc -l) - before))
  line=$(printf '%-17s %4s s  %9s runs  %-18s  exit %d  findings %s' "$t" "$seconds" \
           "${runs:-0}" "${cov:-cov: ?}" "$rc" "$found")
  summary+=("$line")
  echo "$line"
  if ((rc != 0)); then
    status=1
    grep -m1 -A12 -E '^==[0-9]+==ERROR|^SUMMARY|ERROR: libFuzzer|runtime error' "$log" || tail -20 "$log"
  fi
done
echo
echo "target            time   executions  coverage            status"
printf '%s\n' "${summary[@]}"
exit "$status"
