#!/usr/bin/env bash
# The README's first command: install, build, load the seed dataset (the
# founding article, datasets/peru_china) into build/peru_china.db once, and
# open the shell on it.
set -euo pipefail
cd "$(dirname "$0")/.."
QUIPU_TARGET=quipu_shell tools/setup.sh build
db=build/peru_china.db
if [[ ! -d $db ]]; then
  # Load into a scratch directory and move it in place only when complete.
  rm -rf "$db.loading"
  build/quipu "$db.loading" -f datasets/peru_china/seed.qql >/dev/null
  mv "$db.loading" "$db"
  echo "loaded datasets/peru_china/seed.qql into $db"
fi
exec build/quipu "$db" "$@"
