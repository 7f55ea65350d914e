// ChoiceMatcher: a pattern whose predicate variable a condition limits to a
// few predicates (LUBM q08's `p in [memberOf, worksFor, headOf]`) is matched
// as that many patterns with the predicate fixed. Each then reads its own
// packed list (pos: one key for a department's members) instead of every
// fact of the bound end (osp: a key per fact), and takes what a fixed
// predicate can take: adjacency, fact tables. The rows are those the
// pattern with the variable gives and the condition keeps.
#include <fmt/format.h>

#include "query/operators.h"

namespace quipu::query {

ChoiceMatcher::ChoiceMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                             std::vector<bool> bound, const std::vector<uint64_t>& predicates)
    : slot_(pattern.p.slot), label_(pattern.label), predicates_(predicates), row_(ctx->width) {
  for (const uint64_t p : predicates_) {
    BoundPattern fixed = pattern;
    fixed.p = Ref::Const(p);
    matchers_.push_back(std::make_unique<PatternMatcher>(ctx, fixed, bound));
  }
}

void ChoiceMatcher::Start(const uint64_t* row) {
  std::copy(row, row + row_.size(), row_.begin());
  current_ = 0;
  if (!matchers_.empty()) {
    row_[slot_] = predicates_[0];
    matchers_[0]->Start(row_.data());
  }
}

bool ChoiceMatcher::Fill(Chunk* out, size_t max) {
  while (current_ < matchers_.size()) {
    if (matchers_[current_]->Fill(out, max)) return true;  // out is full
    if (++current_ < matchers_.size()) {
      row_[slot_] = predicates_[current_];
      matchers_[current_]->Start(row_.data());
    }
  }
  return false;
}

std::string ChoiceMatcher::Describe() const {
  if (matchers_.empty()) return label_ + ": none of its predicates is stored";
  return fmt::format("{} for {} predicate{}", matchers_[0]->Describe(), matchers_.size(),
                     matchers_.size() == 1 ? "" : "s");
}

}  // namespace quipu::query
