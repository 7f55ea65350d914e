#include "query/memory_budget.h"

#include <fmt/format.h>

#include "query/expression.h"
#include "quipu/options.h"

namespace quipu::query {
namespace {

// A heap block of `n` bytes; short strings live inside std::string.
uint64_t StringHeap(const std::string& s) { return s.size() < 16 ? 0 : s.capacity() + 1; }

// 3120004 → "3,120,004".
std::string GroupDigits(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

uint64_t ValueHeapBytes(const Value& value) {
  switch (value.type()) {
    case Value::Type::kString:
      return StringHeap(value.as_string());
    case Value::Type::kLangString:
      return StringHeap(value.as_lang_string().text) + StringHeap(value.as_lang_string().lang);
    case Value::Type::kEntity:
      return StringHeap(value.as_entity().key);
    case Value::Type::kList: {
      uint64_t bytes = 32;  // the shared block's counts and the vector
      for (const Value& v : value.as_list()) bytes += ValueBytes(v);
      return bytes;
    }
    case Value::Type::kPath: {
      const Path& path = value.as_path();
      uint64_t bytes = 64;
      for (const Value& v : path.nodes) bytes += ValueBytes(v);
      for (const PathHop& hop : path.hops) {
        bytes += sizeof(PathHop) + StringHeap(hop.predicate.key);
        for (const auto& [key, v] : hop.annotations) {
          bytes += sizeof(key) + StringHeap(key) + ValueBytes(v);
        }
      }
      return bytes;
    }
    default:
      return 0;
  }
}

void MemoryBudget::Exceeded(const MemoryCharge& asking) const {
  // What holds the most, when not the one asking: that is what to narrow.
  const MemoryCharge* largest = &asking;
  for (const MemoryCharge* c = charges_; c != nullptr; c = c->next_) {
    if (c->bytes_ > largest->bytes_) largest = c;
  }
  std::string most;
  if (largest != &asking) {
    most = fmt::format("; {} holds the most, {}", largest->Holder(),
                       FormatMemorySize(largest->bytes_));
  }
  throw QueryError(Status::InvalidArgument(
      fmt::format("statement memory budget of {} exceeded by {}{}; raise it with :limit memory "
                  "SIZE in the shell or QueryLimits::memory_bytes in the API, or narrow the query",
                  FormatMemorySize(limit_), asking.Holder(), most)));
}

std::string MemoryCharge::Holder() const {
  std::string unit = unit_;
  if (entries_ != 1 && !unit.empty()) {
    unit = unit.back() == 'y' ? unit.substr(0, unit.size() - 1) + "ies" : unit + "s";
  }
  return fmt::format("{} ({}{} {})", what_, part_.empty() ? "" : part_ + ", ",
                     GroupDigits(entries_), unit);
}

}  // namespace quipu::query
