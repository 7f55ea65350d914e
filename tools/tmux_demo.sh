#!/usr/bin/env bash
# Drives the interactive shell in tmux as a person would, and prints what the
# screen shows: a two-line query typed with Tab completion, :mode json, the
# run time under each result, Ctrl-C on a long query, the prompt back.
# Needs tmux and a built shell with the seed loaded (bash tools/shell.sh once).
# Usage: tools/tmux_demo.sh [DB=build/peru_china.db]
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-build/peru_china.db}
copy=$(mktemp -d)/demo.db
cp -r "$db" "$copy"
session=quipu-demo-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$(dirname "$copy")"' EXIT
# tmux reads a trailing ';' as the end of its command: send it escaped.
type_text() {
  local s=$1
  if [[ $s == *';' ]]; then
    tmux send-keys -t "$session" -l "${s%;}"
    tmux send-keys -t "$session" '\;'
  else
    tmux send-keys -t "$session" -l "$s"
  fi
  sleep 0.4
}
keys() { tmux send-keys -t "$session" "$@"; sleep 0.6; }
tmux new-session -d -s "$session" -x 110 -y 50 "build/quipu $copy --no-history"
sleep 1.5
type_text 'match (p:Per'; keys Tab
type_text ')-[m:met_with]->(@xi_j'; keys Tab
type_text ')'; keys Enter
type_text 'return p.name, m.since;'; keys Enter
type_text ':mode json'; keys Enter
type_text 'match p = shortest (@dina_boluarte)-[*]-(@chancay_port) return length(p) as hops;'
keys Enter
type_text ':mode table'; keys Enter
type_text 'match (a)-[p]->(b), (c)-[q]->(d), (e)-[r]->(f), (g)-[s]->(h) return count(*);'
keys Enter
sleep 2
keys C-c
type_text 'return 1 + 1 as back;'; keys Enter
sleep 0.5
tmux capture-pane -t "$session" -p | sed '/^$/d'
