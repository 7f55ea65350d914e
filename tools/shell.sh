#!/usr/bin/env bash
# The README's first command: install, build, load the seed dataset (the
# founding article, datasets/peru_china) into build/peru_china.db once, and
# open the shell on it.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh build
db=build/peru_china.db
if [[ ! -d $db ]]; then
  build/quipu "$db" -f datasets/peru_china/seed.qql >/dev/null
  echo "loaded datasets/peru_china/seed.qql into $db"
fi
exec build/quipu "$db" "$@"
