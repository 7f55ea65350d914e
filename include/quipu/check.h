// CheckReport: what Database::Check found when it compared everything a
// database stores with everything else that must agree with it
// (docs/format.md, "Checking a database").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace quipu {

struct CheckReport {
  // What was read.
  uint64_t facts = 0;         // keys of spo (distinct triples)
  uint64_t instances = 0;     // keys of instances
  uint64_t terms = 0;         // entries of id2term
  uint64_t predicates = 0;    // records of stats
  uint64_t name_entries = 0;  // keys of names
  // Every disagreement found; `problems` lists the first kMaxListed of them,
  // one line each, naming the fact, the index or the counter.
  uint64_t problem_count = 0;
  std::vector<std::string> problems;
  static constexpr size_t kMaxListed = 100;

  bool ok() const { return problem_count == 0; }
};

}  // namespace quipu
