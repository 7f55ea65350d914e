#!/usr/bin/env bash
# Plots a results file of run.sh (RESULTS.tsv) as grouped bars, one group per
# query and one bar per engine, milliseconds on a log scale, into OUT.png
# (gnuplot, from install.sh). Usage: plot.sh RESULTS.tsv OUT.png
set -euo pipefail
results="$1" out="$2"
data="$(mktemp)"
trap 'rm -f "$data"' EXIT
# One row per query, one column per engine (in the file's order), "-" where missing.
awk -F'\t' '$1 == "QUERY" { if (!($2 in seen)) { seen[$2] = 1; engines[++n] = $2 }
                            if (!($3 in qs)) { qs[$3] = 1; queries[++m] = $3 }
                            ms[$3, $2] = ($4 > 0 ? $4 : 0.5) }
  END { printf "query"; for (e = 1; e <= n; e++) printf "\t%s", engines[e]; print ""
        for (q = 1; q <= m; q++) { printf "%s", queries[q]
          for (e = 1; e <= n; e++) printf "\t%s", ((queries[q], engines[e]) in ms ? ms[queries[q], engines[e]] : "-")
          print "" } }' "$results" > "$data"
engines=$(head -1 "$data" | awk -F'\t' '{ print NF - 1 }')
gnuplot <<GP
set terminal pngcairo size 1400,600 noenhanced
set output '$out'
set datafile separator '\t'
set datafile missing '-'
set style data histogram
set style histogram cluster gap 1
set style fill solid border -1
set logscale y
set ylabel 'median ms (log scale; under 1 ms drawn at 0.5)'
set xtics rotate by -30
set key top left
set title 'Quipu and peers, warm queries ($(basename "$results"))'
plot for [i=2:$((engines + 1))] '$data' using i:xtic(1) title columnhead(i)
GP
