// One loader: the input's bytes become a file that a `load` statement reads,
// through the same code as the shell's load, into a database that starts
// empty every 64 inputs (fuzz_util.h, FreshDatabase: why not every input).
// The first byte chooses the variant: bit 0 adds `on error skip`, and for
// CSV bits 1-2 choose the mapping (nodes, edges, rows); the rest is the file.
// QUIPU_FUZZ_FORMAT (0 N-Triples, 1 Turtle, 2 CSV, 3 FtM JSON lines) picks
// the loader at compile time. A load is atomic, so a failed one must leave
// the count of facts as it was.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "quipu/database.h"

namespace {

std::string Statement(const std::string& file, uint8_t variant) {
  std::string load;
  switch (QUIPU_FUZZ_FORMAT) {
    case 0:
      load = "load \"" + file + "\" format ntriples";
      break;
    case 1:
      load = "load \"" + file + "\" format turtle";
      break;
    case 2:
      switch ((variant >> 1) % 3) {
        case 0:
          load = "load csv \"" + file + "\" as nodes Thing key id";
          break;
        case 1:
          load = "load csv \"" + file + "\" as edges owns from a to b";
          break;
        default:
          load = "load csv \"" + file +
                 "\" as rows r where r.id is not null "
                 "insert (@(r.id):Thing {name: r.name, n: toInteger(r.n)})";
          break;
      }
      break;
    default:
      load = "load jsonl \"" + file + "\" format ftm";
      break;
  }
  if ((variant & 1) != 0) load += " on error skip";
  return load + ";";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string& scratch = quipu::fuzz::ScratchDir();
  const std::string file = scratch + "/input";
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (out == nullptr) __builtin_trap();
  if (size > 1 && std::fwrite(data + 1, 1, size - 1, out) != size - 1) __builtin_trap();
  std::fclose(out);

  // Never destroyed: RocksDB's own statics may be gone at exit (fuzz_util.h).
  static auto* fresh = new quipu::fuzz::FreshDatabase("db", /*from_seed=*/false, 64);
  quipu::Database* db = fresh->Next();
  const char* const kCount = "match (s)-[r]->(o) return count(*);";
  auto before = db->Execute(kCount);
  if (!before.ok()) __builtin_trap();
  const std::string statement = Statement(file, data[0]);
  auto loaded = db->Execute(statement);
  quipu::fuzz::CheckNotUnexpected(loaded.status(), statement);
  if (!loaded.ok()) {
    auto after = db->Execute(kCount);
    if (!after.ok() || after->rows.at(0).at(0).as_int() != before->rows.at(0).at(0).as_int()) {
      std::fprintf(stderr, "a failed load changed the database\n");
      __builtin_trap();
    }
  }
  return 0;
}
