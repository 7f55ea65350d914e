// Writing statements (insert, delete, set, merge and the matches between
// them) on a writable copy of the seed database, fresh every 64 inputs
// (fuzz_util.h, FreshDatabase: why not every input). After each script the
// database must still answer a count: a failed write leaves it as it was.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "quipu/database.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Never destroyed: RocksDB's own statics may be gone at exit (fuzz_util.h).
  static auto* fresh = new quipu::fuzz::FreshDatabase("write", /*from_seed=*/true, 64);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const quipu::fuzz::ScriptShape shape = quipu::fuzz::ShapeOf(text);
  if (shape.names_files) return 0;  // a load or backup would use files the fuzzer names
  quipu::Database* db = fresh->Next();
  const quipu::Status status = db->ExecuteScript(text, nullptr);
  quipu::fuzz::CheckNotUnexpected(status, text);
  auto count = db->Execute("match (s)-[r]->(o) return count(*);");
  if (!count.ok()) {
    std::fprintf(stderr, "the database stopped answering: %s\n", count.status().message().c_str());
    __builtin_trap();
  }
  return 0;
}
