#!/usr/bin/env bash
# Installs the built tree into a temporary prefix and builds a small program
# against it twice, through find_package(quipu) and through pkg-config, then
# runs both. Only the prefix is visible to the program, so this also shows
# that the installed headers need nothing from the source tree. With a
# Python interpreter, it also imports the installed Python module.
# Usage: install_test.sh BUILD_DIR [PYTHON]
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d /tmp/quipu-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

# The library exports the API and nothing of the engine (QUIPU_EXPORT,
# include/quipu/export.h).
lib=$(find "$prefix" -name 'libquipu.so' | head -1)
exported=$(nm -DC --defined-only "$lib")
grep -q ' quipu_execute$' <<<"$exported" || { echo "libquipu.so does not export the C API"; exit 1; }
grep -q 'quipu::Database::Open' <<<"$exported" || { echo "libquipu.so does not export the C++ API"; exit 1; }
if leaked=$(grep -E 'quipu::(query|storage|grammar|import|engine|repl|ast)::|rocksdb::|tao::pegtl' <<<"$exported" \
            | grep -v 'quipu::Database::Impl::'); then
  echo "libquipu.so exports engine internals:"; head -5 <<<"$leaked"; exit 1
fi

# The shell is not part of the library: an embedder does not link libedit.
if ldd "$lib" | grep -q 'libedit'; then
  echo "libquipu.so links libedit (the shell's line editor)"; exit 1
fi

mkdir -p "$tmp/src"
cat >"$tmp/src/main.cc" <<'CC'
#include <quipu/database.h>
#include <quipu/quipu.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  // The C API lives in the same library.
  quipu_options options;
  quipu_options_init(&options);
  if (options.create_if_missing != 1) return 1;
  auto db = quipu::Database::Open(argv[1]);
  if (!db.ok()) return 1;
  auto r = (*db)->Execute("insert (@a)-[:knows]->(@b);");
  if (!r.ok()) return 1;
  r = (*db)->Execute("match (x)-[:knows]->(y) return x, y;");
  if (!r.ok() || r->rows.size() != 1) return 1;
  std::cout << r->rows[0][0].ToString() << " knows " << r->rows[0][1].ToString() << "\n";
  return 0;
}
CC
cat >"$tmp/src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(quipu_consumer CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(quipu 0.1 REQUIRED)
add_executable(consumer main.cc)
target_link_libraries(consumer PRIVATE quipu::quipu)
CM

# 1. CMake: find_package(quipu) -> quipu::quipu.
cmake -S "$tmp/src" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
out=$("$tmp/cmake-build/consumer" "$tmp/db1")
[[ $out == "@a knows @b" ]] || { echo "find_package build printed: $out"; exit 1; }

# 2. pkg-config: quipu.pc, from a prefix the library is not installed into.
export PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name quipu.pc)")
c++ -std=c++20 "$tmp/src/main.cc" -o "$tmp/consumer-pc" $(pkg-config --cflags --libs quipu)
libdir=$(pkg-config --variable=libdir quipu)
out=$(LD_LIBRARY_PATH=$libdir "$tmp/consumer-pc" "$tmp/db2")
[[ $out == "@a knows @b" ]] || { echo "pkg-config build printed: $out"; exit 1; }

# 3. The Python module, from the prefix alone.
if (($# > 1)); then
  out=$(PYTHONPATH=$prefix/lib/python3/dist-packages "$2" -c "
import quipu
db = quipu.connect('$tmp/db3')
db.execute('insert (@a)-[:knows]->(@b);')
print(db.execute('match (x)-[:knows]->(y) return x, y;').fetchall())")
  [[ $out == "[(Entity(\"a\"), Entity(\"b\"))]" ]] || { echo "installed python module printed: $out"; exit 1; }
fi
echo "installed package: the find_package and pkg-config builds ran${2:+, and the Python module}"
