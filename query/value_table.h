// ValueTable: ids for the values a query computes (p.name, count(*), a + 1),
// so that the output operators (aggregate, distinct, sort, limit, union) pass
// rows of ids like the match operators do and values are decoded only at the
// output.
//
// Contract: equal values get equal ids. A value with an inline term id (an
// int, a date, …) gets that id, so a computed 5 and a stored 5 are the same id;
// any other value gets a query-local id (TermType::kQueryLocal), one per
// distinct literal spelling (ToLiteral names the type, so "5" and 5 differ).
// A dictionary id from the store and a local id may still stand for equal
// strings or entities: an operator that mixes term columns with computed ones
// (union) maps the former through Canonical first. Null is id 0, as an
// unbound slot. Not thread-safe: one table per statement. Its values count
// against the statement's memory budget.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/term_id.h"
#include "query/memory_budget.h"
#include "quipu/value.h"

namespace quipu::query {

class ValueTable {
 public:
  // `budget` may be null: nothing is counted.
  explicit ValueTable(MemoryBudget* budget)
      : charge_(budget, "the table of computed values", "", "value") {}

  static bool IsLocal(uint64_t id) { return TypeOfId(id) == TermType::kQueryLocal; }

  uint64_t Intern(const Value& value) {
    if (value.is_null()) return 0;
    if (std::optional<uint64_t> inline_id = InlineId(value)) return *inline_id;
    std::string literal = value.ToLiteral();
    const uint64_t literal_bytes = sizeof(std::string) + literal.capacity() + 1;
    auto [it, added] = index_.try_emplace(std::move(literal), 0);
    if (added) {
      // The map's node with its key, and the value kept for Get.
      charge_.Add(kHashNodeBytes + sizeof(uint64_t) + literal_bytes + ValueBytes(value));
      values_.push_back(value);
      it->second = MakeId(TermType::kQueryLocal, values_.size());
    }
    return it->second;
  }

  // REQUIRES: IsLocal(id) and id came from this table.
  const Value& Get(uint64_t id) const { return values_[(id & kPayloadMask) - 1]; }

 private:
  std::unordered_map<std::string, uint64_t> index_;
  std::vector<Value> values_;
  MemoryCharge charge_;
};

}  // namespace quipu::query
