#!/usr/bin/env bash
# The interactive shell in a real pseudo-terminal (util-linux `script`):
# prompts, tab completion of labels and entity keys, meta-commands, Ctrl-D.
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
# Each completion only happens on a terminal: `Per<TAB>` must become Person
# (else the count is 0) and `@an<TAB>` must become @ana (else no row).
(sleep 1; printf 'match (p:Per\t) return count(*);\n'; sleep 1
 printf ':mode csv\n'; sleep 0.5
 printf 'match (@an\t) return 42 as answer;\n'; sleep 1
 printf '\004') |
  script -qfec "$quipu $work/db --no-history" /dev/null > "$work/transcript" 2>&1
transcript=$(tr -d '\r' < "$work/transcript")
failures=0
expect() {
  if grep -qF -- "$2" <<< "$transcript"; then
    echo "ok: $1"
  else
    echo "FAIL: $1: no '$2' in the transcript"
    failures=$((failures + 1))
  fi
}
expect "the prompt" "quipu> "
expect "a label completed (count 1)" "| 1        |"
expect "an entity key completed" $'answer\n42'
echo "$((3 - failures)) passed, $failures failed"
((failures == 0)) || { cat -v "$work/transcript"; exit 1; }
