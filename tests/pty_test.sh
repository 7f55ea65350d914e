#!/usr/bin/env bash
# The interactive shell in a real pseudo-terminal (util-linux `script`):
# prompts, tab completion of labels, entity keys (refreshed by :open), the
# statement's variables and file paths after load,
# Ctrl-C on a half-typed statement, on a running one and on a load, syntax highlighting,
# Unicode tables cut to the terminal's width, Ctrl-D.
# Usage: pty_test.sh PATH_TO_QUIPU
set -uo pipefail
quipu=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! command -v script >/dev/null; then
  echo "SKIPPED: no 'script' command (util-linux) to make a pseudo-terminal"
  exit 0
fi
"$quipu" "$work/db" -c 'insert (@ana:Person {name: "Ana"});' >/dev/null || exit 1
"$quipu" "$work/other" -c 'insert (@bob:Person {name: "Bob"});' >/dev/null || exit 1
mkdir -p "$work/files"
printf '<http://q/loaded> <http://q/from> "the completed path" .\n' > "$work/files/completed_file.nt"
# 30 entities with two properties each: five patterns over their 62 facts
# make a join of 62^5 rows, which runs long enough to be cancelled.
many=$(for i in $(seq 30); do printf '(@e%d {a: %d, b: %d}), ' "$i" "$i" "$i"; done)
"$quipu" "$work/db" -c "insert ${many%, };" >/dev/null || exit 1

failures=0
passes=0
# session NAME COLUMNS ENV...: runs the shell on $work/db in a terminal
# COLUMNS wide, typing what standard input gives; the transcript (carriage
# returns dropped) goes to $work/NAME.
session() {
  local name=$1 columns=$2
  shift 2
  env "$@" timeout 60 script -qfec \
    "stty cols $columns rows 40; $quipu $work/db --no-history" /dev/null > "$work/$name.raw" 2>&1
  tr -d '\r' < "$work/$name.raw" > "$work/$name"
}
expect() {  # expect SESSION DESCRIPTION TEXT: the transcript holds TEXT
  if grep -qF -- "$3" "$work/$1"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $1: $2: no '$3' in the transcript"
    cat -v "$work/$1"
    failures=$((failures + 1))
  fi
}
expect_not() {  # expect_not SESSION DESCRIPTION TEXT
  if grep -qF -- "$3" "$work/$1"; then
    echo "FAIL: $1: $2: '$3' is in the transcript"
    cat -v "$work/$1"
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
}

# Completion only happens on a terminal: `Per<TAB>` must become Person (else
# the count is 0), `@an<TAB>` must become @ana (else no row), `person_v<TAB>`
# the statement's own variable, and a file name after load its path. After
# :open, `@bo<TAB>` completes from the other database's keys.
(sleep 1; printf 'match (p:Per\t) return count(*);\n'; sleep 1
 printf ':mode csv\n'; sleep 0.5
 printf 'match (@an\t) return 42 as answer;\n'; sleep 1
 printf 'match (person_var:Person) return count(person_v\t) as vars;\n'; sleep 1
 printf "load '%s/files/comp\t';\n" "$work"; sleep 1
 printf 'match (x)-[:<http://q/from>]->(v) return v;\n'; sleep 1
 printf ':open %s\n' "$work/other"; sleep 0.5
 printf 'match (@bo\t) return 43 as other;\n'; sleep 1
 printf ':mo\tline\n'; sleep 0.5
 printf 'match (p:Per\t) return p.na\t as n;\n'; sleep 1
 printf '\004') | session completion 100 TERM=dumb LANG=C
expect completion "the welcome" "Ctrl-C cancels a running statement or clears the one being typed; Ctrl-D leaves."
expect completion "the prompt" "quipu> "
expect completion "a label completed (count 1)" "| 1        |"
expect completion "the row count with the time under a table" "1 row ("
expect completion "an entity key completed" $'answer\n42'
expect completion "a variable of the statement completed" $'vars\n1'
expect completion "a file path after load completed" $'v\nthe completed path'
expect completion "completion words follow :open" $'other\n43'
expect completion "a meta-command completed with its space" "n = Bob"
expect completion "a label and a property completed, no space before ')'" "(p:Person) return p.name as n;"
expect_not completion "no colour with TERM=dumb" $'\e[1;34m'

# Ctrl-C clears a half-typed statement (else the next line would continue it
# into a syntax error), does not leave the shell at an empty prompt, and
# cancels a running statement, which said after two seconds that it runs.
(sleep 1; printf 'match (p:Person {name:\n'; sleep 0.3
 printf '  "An'; sleep 0.3; printf '\003'; sleep 0.5
 printf 'return 7 as seven;\n'; sleep 0.5
 printf '\003'; sleep 0.5
 printf 'match (a)-[p]->(b), (c)-[q]->(d), (e)-[r]->(f), (g)-[s]->(h), (i)-[t]->(j) return count(*);\n'
 sleep 3.5; printf '\003'; sleep 1
 printf ':mode csv\nreturn 8 as eight;\n'; sleep 0.5
 printf '\004') | session interrupt 100 TERM=dumb LANG=C
expect interrupt "^C ends the dropped line, a fresh prompt follows" $'...>   "An^C\nquipu> return 7'
expect interrupt "the half-typed statement was dropped" "| seven |"
expect_not interrupt "no continuation of the dropped statement" "syntax error"
expect interrupt "a running statement is cancelled" "error: the statement was cancelled"
expect interrupt "a statement past two seconds says how long it runs" "running for 2 s; Ctrl-C cancels"
expect interrupt "the notice is erased before the error" $'\e[Kerror: the statement was cancelled'
expect interrupt "the shell goes on after both" $'eight\n8'

# Ctrl-C during a load, sent once its progress bar shows (a second in, with
# the file, 2,000,000 facts, far from parsed): the load is cancelled, the
# database holds what it held, and the shell goes on.
awk 'BEGIN { for (i = 0; i < 2000000; i++) printf "<http://q/s%d> <http://q/p> \"v%d\" .\n", i, i }' \
  > "$work/files/big.nt"
count='match (s)-[p]->(o) return count(*) as facts, "counted" as c;'
facts_before=$("$quipu" "$work/db" --format csv -c "$count" | tail -1)
(sleep 1; printf "load '%s/files/big.nt';\n" "$work"
 for _ in $(seq 300); do grep -qF 'facts/s' "$work/load_cancel.raw" 2>/dev/null && break; sleep 0.1; done
 printf '\003'; sleep 1
 printf ':mode csv\n%s\n' "$count"; sleep 1
 printf '\004') | session load_cancel 150 TERM=dumb LANG=C
rm -f "$work/files/big.nt"
expect load_cancel "a load past a second shows its progress" "  parse  "
expect load_cancel "Ctrl-C cancels a load" $'\e[Kerror: the statement was cancelled'
expect_not load_cancel "the load did not complete" "loaded "
expect load_cancel "the database holds what it held before the load" "$facts_before"

# Highlighting: colour codes on a colour terminal, none with NO_COLOR; a
# Unicode table when the locale is UTF-8, cut to 40 columns.
typed() {
  sleep 1; printf 'match (p {name: "Ana"}) return p, 42 as n, "a value far too long for a forty-column terminal" as v;\n'
  sleep 1; printf '\004'
}
typed | session colour 40 TERM=xterm LANG=C.UTF-8
expect colour "a keyword in colour" $'\e[1;34mmatch\e[0m'
expect colour "a string in colour" $'\e[32m"Ana"\e[0m'
expect colour "a number in colour" $'\e[33m42\e[0m'
expect colour "a Unicode table cut to the width" "│ @ana │ 42 │ a value far too long fo… │"
typed | session no_colour 40 TERM=xterm LANG=C.UTF-8 NO_COLOR=1
expect_not no_colour "no keyword colour with NO_COLOR" $'\e[1;34m'
expect_not no_colour "no string colour with NO_COLOR" $'\e[32m'
expect no_colour "the table still" "│ @ana │ 42 │"

echo "$passes passed, $failures failed"
((failures == 0))
