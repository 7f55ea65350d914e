#!/usr/bin/env bash
# Picks the query parameters from a generated data folder, deterministically
# (the same data gives the same parameters), and prints them as KEY=VALUE:
#   P_HUB     the person with the most meetings (met, either way)
#   P_LEAF    the first person (in nodes.csv order) with exactly one meeting
#   P_LEAF2   the last such person (P_LEAF and P_LEAF2 are the shortest-path ends)
#   D_HUB     the person with the most director_of facts
#   C_HUB     the company holding the most others (owns, out)
#   COUNTRY   the country with the most companies (based_in)
#   DATE      the as-of date
#   NAME_PREFIX  the name prefix of the filtered 2-hop ("Person 1": person1, person10-19,
#             person100-199, …: 22% of the people at 100k, 1M and 10M facts)
# Ties go to the smallest key in byte order. Usage: params.sh DATA_DIR
set -euo pipefail
d="$1"
top() {  # top FILE REGEX FIELD...: the value (matching REGEX) counted most often over the fields
  local f="$1" re="$2"; shift 2
  tail -n +2 "$f" | awk -F, -v fields="$*" -v re="$re" '{ n = split(fields, k, " "); for (i = 1; i <= n; i++) if ($k[i] ~ re) c[$k[i]]++ }
    END { for (x in c) print c[x] "\t" x }' | LC_ALL=C sort -t$'\t' -k1,1nr -k2,2 | head -1 | cut -f2
}
echo "P_HUB=$(top "$d/met.csv" . 1 2)"
leaves=$(tail -n +2 "$d/met.csv" | awk -F, '{ c[$1]++; c[$2]++ } END { for (x in c) if (c[x] == 1) print x }' |
  LC_ALL=C sort)
# nodes.csv order is the id number order within a label: sort numerically on the digits.
ordered=$(echo "$leaves" | sed 's/^person//' | sort -n)
echo "P_LEAF=person$(echo "$ordered" | head -1)"
echo "P_LEAF2=person$(echo "$ordered" | tail -1)"
echo "D_HUB=$(top "$d/director_of.csv" . 1)"
echo "C_HUB=$(top "$d/owns.csv" ^company 1)"
echo "COUNTRY=$(top "$d/based_in.csv" . 2)"
echo "DATE=2015-06-30"
echo "NAME_PREFIX=Person 1"
