#!/usr/bin/env bash
# The quipu binary as a user runs it: two processes on one database, exit
# statuses, stdin, -f, --format csv, and the messages for bad input.
# Usage: cli_test.sh PATH_TO_QUIPU
set -uo pipefail
quipu=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0

check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then
    passes=$((passes + 1))
  else
    failures=$((failures + 1))
    printf 'FAIL %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3"
  fi
}

db=$work/db
out=$("$quipu" "$db" -c 'insert (@cosco:Company {name: "COSCO Shipping"})-[:operates {since: date '\''2024-11-14'\'', source: "article"}]->(@chancay:Asset {name: "Chancay port"});')
check "insert prints a summary" "inserted 5 facts" "$out"
out=$("$quipu" "$db" -c 'match (c:Company)-[r:operates]->(a) return c.name, a.name, r.since, r.source;')
check "second process reads the first one's facts" \
"+----------------+--------------+------------+----------+
| c.name         | a.name       | r.since    | r.source |
+----------------+--------------+------------+----------+
| COSCO Shipping | Chancay port | 2024-11-14 | article  |
+----------------+--------------+------------+----------+
1 row" "$out"
out=$("$quipu" "$db" --format csv -c 'match (c:Company)-[r:operates]->(a) return c.name, a.name, r.since, r.source;')
check "csv output" "c.name,a.name,r.since,r.source
COSCO Shipping,Chancay port,2024-11-14,article" "$out"
out=$("$quipu" "$db" --format csv -c 'match (s)-[p]->(o) return s, p, o order by s, p, o;' | head -2)
check "csv in a pipe" "s,p,o
@chancay,rdf:type,@Asset" "$out"

"$quipu" "$db" -c 'match (a return a;' >/dev/null 2>"$work/err"
check "failed statement exits 1" "1" "$?"
check "syntax error on stderr with a caret" "syntax error at line 1, column 10: expected ')' to close the node pattern
  match (a return a;
           ^" "$(cat "$work/err")"

"$quipu" "$db" -c 'insert (@x {n: 1});' -c 'match (a return a;' -c 'insert (@y {n: 2});' >/dev/null 2>&1
check "-c stops at the first error" "1" "$?"
out=$("$quipu" "$db" --format csv -c 'match (e {n: 2}) return e;')
check "statements after the error did not run" "e" "$out"

"$quipu" "$db" --no-such-flag >/dev/null 2>&1
check "unknown flag exits 2" "2" "$?"
"$quipu" "$db" --format xml -c 'match (n) return n;' >/dev/null 2>"$work/err"
check "bad format exits 2" "2" "$?"
check "bad format message" "quipu: unknown --format 'xml' (expected table [ascii|unicode], csv, tsv, json, jsonl, markdown or line)" "$(cat "$work/err")"
out=$("$quipu" "$db" --format 'table unicode' -c 'match (e {n: 1}) return e;')
check "--format 'table unicode' draws box lines in a pipe too" "┌────┐
│ e  │
├────┤
│ @x │
└────┘
1 row" "$out"
out=$(LANG=C.UTF-8 "$quipu" "$db" --format 'table ascii' -c 'match (e {n: 1}) return e;')
check "--format 'table ascii'" "+----+
| e  |
+----+
| @x |
+----+
1 row" "$out"
out=$(LANG=C.UTF-8 "$quipu" "$db" -c 'match (e {n: 1}) return e;')
check "a table in a pipe is ASCII, uncut, without a time" "+----+
| e  |
+----+
| @x |
+----+
1 row" "$out"
"$quipu" >/dev/null 2>&1
check "missing DB exits 2" "2" "$?"
"$quipu" --help >/dev/null 2>&1
check "--help exits 0" "0" "$?"
out=$("$quipu" --version)
check "--version" "quipu 0.1.0" "$out"

"$quipu" "$db" -f "$work/missing.qql" >/dev/null 2>"$work/err"
check "missing -f file exits 1" "1" "$?"
check "missing -f file message" "quipu: cannot read '$work/missing.qql': No such file or directory" "$(cat "$work/err")"
"$quipu" "$db" -f "$work" >/dev/null 2>"$work/err"
check "-f directory message" "quipu: cannot read '$work': it is a directory" "$(cat "$work/err")"

printf 'insert (@z {n: 3});\nmatch (e {n: 3}) return e;\n' > "$work/script.qql"
out=$("$quipu" "$db" --format csv -f "$work/script.qql")
check "-f runs a script" "e
@z" "$out"
out=$(printf 'match (e {n: 3})\nreturn e;\n' | "$quipu" "$db" --format csv)
check "statements from stdin" "e
@z" "$out"
printf 'match (e {n: 3}) return e;\nmatch (e return e;\n' > "$work/bad.qql"
"$quipu" "$db" -f "$work/bad.qql" >/dev/null 2>"$work/err"
check "script errors name the file and line" "$work/bad.qql: syntax error at line 2, column 10: expected ')' to close the node pattern" "$(head -1 "$work/err")"

# Meta-commands in scripts, -c and stdin; --keep-going.
printf ':mode csv\nmatch (e {n: 3}) return e;\n:bogus\nmatch (e {n: 1}) return e;\n' > "$work/meta.qql"
out=$("$quipu" "$db" -f "$work/meta.qql" 2>"$work/err")
check "a script stops at a failed meta-command: exit 1" "1" "$?"
check "meta-commands run in a script" "e
@z" "$out"
check "a meta-command error names the file and line" "$work/meta.qql: error at line 3: unknown command ':bogus' (:help lists them)" "$(cat "$work/err")"
out=$("$quipu" "$db" --keep-going -f "$work/meta.qql" 2>"$work/err")
check "--keep-going runs on but exits 1" "1" "$?"
check "--keep-going runs what follows the error" "e
@z
e
@x" "$out"
printf 'match (e {n: 3}) return e;\nmatch (e return e;\n:nope\nmatch (e {n: 1}) return e;\n' > "$work/two.qql"
out=$("$quipu" "$db" --format csv --keep-going < "$work/two.qql" 2>"$work/err")
check "--keep-going on stdin exits 1" "1" "$?"
check "--keep-going on stdin runs every statement" "e
@z
e
@x" "$out"
check "--keep-going reports each error" "syntax error at line 2, column 10: expected ')' to close the node pattern
  match (e return e;
           ^
error at line 3: unknown command ':nope' (:help lists them)" "$(cat "$work/err")"
out=$("$quipu" "$db" --keep-going -c ':mode csv' -c 'match (a return a;' -c 'match (e {n: 3}) return e;' 2>/dev/null)
check "--keep-going with -c exits 1" "1" "$?"
check "--keep-going with -c runs each command" "e
@z" "$out"
"$quipu" "$db" --keep-going -c ':mode csv' -c 'return 1;' >/dev/null 2>&1
check "--keep-going without errors exits 0" "0" "$?"
out=$(printf 'return 1 as one;\n:quit\nreturn 2 as two;\n' | "$quipu" "$db" --format csv)
check ":quit ends a script" "one
1" "$out"
"$quipu" --help > "$work/help"
check "--help lists --keep-going" "1" "$(grep -c -- '--keep-going' "$work/help")"
check "--help names the table borders" "1" "$(grep -c -- "'table ascii' or 'table unicode'" "$work/help")"
check "--help: meta-commands in -f files" "1" "$(grep -c -- "Run the statements and meta-commands in FILE" "$work/help")"
check "--help: meta-commands with -c" "1" "$(grep -c -- "Run STATEMENT, or a :meta-command, and exit" "$work/help")"

check "--help lists --check" "1" "$(grep -c -- '--check' "$work/help")"
out=$("$quipu" --check "$db" 2>"$work/err")
check "--check on a sound database exits 0" "0" "$?"
check "--check prints ok and the counts" "1" "$(grep -c '^check: ok ([0-9]* facts, [0-9]* instances, [0-9]* terms, [0-9]* predicates, [0-9]* name entries)$' <<<"$out")"
"$quipu" --check "$work/no-such-db" >/dev/null 2>"$work/err"
check "--check of a missing database exits 1" "1" "$?"
check "--check does not create the database" "no" "$([[ -e "$work/no-such-db" ]] && echo yes || echo no)"
check "--check of a missing database message" "quipu: cannot open database '$work/no-such-db': no database there" "$(cat "$work/err")"
"$quipu" --check "$db" -c 'return 1;' >/dev/null 2>"$work/err"
check "--check with -c is a usage error" "2" "$?"
check "--check with -c message" "quipu: --check runs alone; give no -c or -f with it" "$(cat "$work/err")"

echo "not a database" > "$work/file"
"$quipu" "$work/file" -c 'match (n) return n;' >/dev/null 2>"$work/err"
check "a file as DB exits 1" "1" "$?"
check "a file as DB message" "quipu: cannot open database '$work/file': it is a file, not a directory" "$(cat "$work/err")"

"$quipu" "$db" --read-only -c 'insert (@w {n: 4});' >/dev/null 2>"$work/err"
check "read-only refuses writes" "error: the database is open read-only; writes are refused" "$(cat "$work/err")"
out=$("$quipu" "$db" --read-only --format csv -c 'match (e {n: 3}) return e;')
check "read-only reads" "e
@z" "$out"

# :backup writes a copy that opens as a database; an existing directory is an error.
out=$("$quipu" "$db" -c ":backup $work/copy")
check ":backup reports the copy" "backed up to $work/copy" "$out"
out=$("$quipu" "$work/copy" --format csv -c 'match (e {n: 3}) return e;')
check "the copy opens and holds the data" "e
@z" "$out"
"$quipu" "$db" -c ":backup $work/copy" >/dev/null 2>"$work/err"
check ":backup to an existing directory exits 1" "1" "$?"
check ":backup to an existing directory says so" "error at line 1: cannot back up to '$work/copy': it exists (name a directory to create)" "$(cat "$work/err")"
"$quipu" "$db" -c ":backup" >/dev/null 2>"$work/err"
check ":backup without a directory" "error at line 1: :backup needs a directory to create" "$(cat "$work/err")"

# backup to 'DIR', the statement: the copy and the errors of :backup.
out=$("$quipu" "$db" -c "backup to '$work/copy2'")
check "backup to reports the copy" "backed up to $work/copy2" "$out"
out=$("$quipu" "$work/copy2" --format csv -c 'match (e {n: 3}) return e;')
check "the statement's copy opens and holds the data" "e
@z" "$out"
"$quipu" "$db" -c "backup to '$work/copy2'" >/dev/null 2>"$work/err"
check "backup to an existing directory exits 1" "1" "$?"
check "backup to an existing directory says so" "error: cannot back up to '$work/copy2': it exists (name a directory to create)" "$(cat "$work/err")"
"$quipu" "$db" --read-only -c "backup to '$work/copy3'" >/dev/null 2>"$work/err"
check "backup to from a read-only database says so" "error: cannot back up to '$work/copy3': the database is open read-only (back up from the process that writes it)" "$(cat "$work/err")"
"$quipu" "$db" -c "backup '$work/copy3'" >/dev/null 2>"$work/err"
check "backup without to is a syntax error with its caret" "syntax error at line 1, column 8: expected 'to' after 'backup', as in backup to 'copy.db'
  backup '$work/copy3'
         ^" "$(cat "$work/err")"

# --restore BACKUP DB: a new database of a backup, checked; never over an existing one.
out=$("$quipu" --restore "$work/copy" "$work/restored" 2>"$work/err")
check "--restore exits 0" "0" "$?"
check "--restore reports the copy and its check" "restored $work/copy into $work/restored" "$(head -1 <<<"$out")"
check "--restore prints the check's counts" "1" "$(grep -c '^check: ok ([0-9]* facts, [0-9]* instances, [0-9]* terms, [0-9]* predicates, [0-9]* name entries)$' <<<"$out")"
out=$("$quipu" "$work/restored" --format csv -c 'match (e {n: 3}) return e;')
check "the restored database holds the data" "e
@z" "$out"
"$quipu" --restore "$work/copy" "$db" >/dev/null 2>"$work/err"
check "--restore over a database exits 1" "1" "$?"
check "--restore over a database refuses" "quipu: cannot restore '$work/copy' into '$db': the directory is not empty (restore into a new or empty directory; an existing database is never overwritten)" "$(cat "$work/err")"
out=$("$quipu" "$db" --format csv -c 'match (e {n: 3}) return e;')
check "the database refused is as it was" "e
@z" "$out"
"$quipu" --restore "$work/copy" "$work/file" >/dev/null 2>"$work/err"
check "--restore into a file" "quipu: cannot restore '$work/copy' into '$work/file': it is a file, not a directory" "$(cat "$work/err")"
"$quipu" --restore "$work/no-backup" "$work/restored2" >/dev/null 2>"$work/err"
check "--restore of a missing backup exits 1" "1" "$?"
check "--restore of a missing backup" "quipu: cannot restore from '$work/no-backup': no such directory" "$(cat "$work/err")"
mkdir "$work/plain"
"$quipu" --restore "$work/plain" "$work/restored2" >/dev/null 2>"$work/err"
check "--restore of a directory that holds no database" "quipu: cannot restore from '$work/plain': it holds no database (no CURRENT file)" "$(cat "$work/err")"
check "a refused restore creates nothing" "no" "$([[ -e "$work/restored2" ]] && echo yes || echo no)"
"$quipu" --restore "$work/copy" "$work/restored2" -c 'return 1;' >/dev/null 2>"$work/err"
check "--restore with -c is a usage error" "2" "$?"
check "--restore with -c message" "quipu: --restore runs alone; give no -c, -f, --check or --read-only with it" "$(cat "$work/err")"
"$quipu" --restore "" "$work/restored2" >/dev/null 2>"$work/err"
check "--restore of an empty name" "quipu: cannot restore: the backup's name is empty" "$(cat "$work/err")"
"$quipu" --restore "$work/copy" "" >/dev/null 2>"$work/err"
check "--restore into an empty name" "quipu: cannot restore: the database directory's name is empty" "$(cat "$work/err")"
check "--help names --restore" "1" "$("$quipu" --help | grep -c -- '--restore BACKUP')"

# --durability: relaxed writes (what a machine crash keeps of each mode is
# tests/power_loss_test.cc's); a word that is neither is a usage error.
out=$("$quipu" "$db" --durability relaxed -c 'insert (@relaxed {n: 5});')
check "--durability relaxed writes" "inserted 1 fact" "$out"
out=$("$quipu" "$db" --format csv --durability synced -c 'match (e {n: 5}) return e;')
check "--durability synced reads what relaxed wrote" "e
@relaxed" "$out"
"$quipu" "$db" --durability fast -c 'return 1;' >/dev/null 2>"$work/err"
check "bad --durability exits 2" "2" "$?"
check "bad --durability message" "quipu: --durability: durability is 'synced' or 'relaxed', not 'fast'" "$(cat "$work/err")"

out=$("$quipu" "$db" --format csv -p who='"COSCO Shipping"' -p n=41 -c 'match (c {name: $who}) return c, $n + 1 as m;')
check "--param binds parameters" "c,m
@cosco,42" "$out"
"$quipu" "$db" -p who -c 'return 1;' >/dev/null 2>"$work/err"
check "--param without = exits 2" "2" "$?"
check "--param without = message" "quipu: --param needs NAME=VALUE, got 'who'" "$(cat "$work/err")"
"$quipu" "$db" -p n=xyz -c 'return $n;' >/dev/null 2>"$work/err"
check "--param with a bare word exits 2" "2" "$?"
check "--param with a bare word hints at quotes" "quipu: --param n: error at line 1, column 8: unknown variable 'xyz'
  return xyz;
         ^
hint: text needs quotes: n=\"xyz\" (on the command line, -p 'n=\"xyz\"')" "$(cat "$work/err")"
out=$("$quipu" "$db" -p n=2 --format csv -c 'match (x) return x order by x limit $n;')
check "--param gives limit its count" "x
@chancay
@cosco" "$out"
"$quipu" "$db" -c 'return $nope;' >/dev/null 2>"$work/err"
check "unbound parameter" "error at line 1, column 8: parameter \$nope has no value" "$(head -1 "$work/err")"

# load from the command line, as the issue shows it: ../shared sits beside the clone.
root=$(cd "$(dirname "$0")/.." && pwd)
"$quipu" "$work/loaded" -c "load 'no-such.nt'" >/dev/null 2>"$work/err"
check "load of a missing file exits 1" "1" "$?"
check "load of a missing file message" "error: cannot load 'no-such.nt': no such file" "$(cat "$work/err")"
if [[ -f "$root/../shared/data/lubm/lubm1.nt.gz" ]]; then
  out=$(cd "$root" && "$quipu" "$work/lubm" -c "load '../shared/data/lubm/lubm1.nt.gz'")
  check "load prints a summary" \
    "loaded 100573 facts (17190 entities) from '../shared/data/lubm/lubm1.nt.gz'" "${out% in *}"
  out=$("$quipu" "$work/lubm" --format csv -c 'match (s)-[p]->(o) return count(*);')
  check "load stores the distinct facts of LUBM(1)" "count(*)
100573" "$out"
else
  echo "WARN: SKIPPED the LUBM load: $root/../shared/data/lubm is absent"
fi

# A second process on a database in use opens it read-only, with a note.
mkfifo "$work/hold"
"$quipu" "$db" < "$work/hold" >/dev/null 2>&1 &
holder=$!
exec 9>"$work/hold"   # keeps the first shell waiting for input, holding the lock
sleep 1
out=$("$quipu" "$db" --format csv -c 'match (e {n: 3}) return e;' 2>"$work/err")
check "second process reads" "e
@z" "$out"
check "second process note names the holder" "quipu: '$db' is open for writing in another process (pid $holder: $quipu $db); opened read-only (writes are refused; reads see what was committed when it opened)" "$(cat "$work/err")"
"$quipu" "$db" -c 'insert (@v {n: 5});' >/dev/null 2>"$work/err"
check "second process cannot write" "1" "$?"
"$quipu" --restore "$db" "$work/restored3" >/dev/null 2>"$work/err"
check "--restore of a database in use names its holder" "quipu: cannot restore from '$db': it is open in another process (pid $holder: $quipu $db); close it first" "$(cat "$work/err")"
exec 9>&-
wait "$holder"

echo "$passes passed, $failures failed"
((failures == 0))
