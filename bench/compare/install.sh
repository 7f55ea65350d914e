#!/usr/bin/env bash
# Installs the peer engines of the side-by-side benchmark (issue 7), on demand:
# never run by the tests. Debian packages: sqlite3, virtuoso-opensource,
# gnuplot-nox, serdi (bench/load_bench's parse-only baseline); npm packages into bench/compare/node/ from the committed
# package.json and package-lock.json (@duckdb/node-api, kuzu, oxigraph).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
missing=()
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v virtuoso-t >/dev/null || missing+=(virtuoso-opensource)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
command -v serdi >/dev/null || missing+=(serdi)
if [ ${#missing[@]} -gt 0 ]; then
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y "${missing[@]}"
fi
cd "$here/node"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
