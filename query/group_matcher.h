// GroupMatcher: finds the extensions of one row by a group of patterns (an
// optional match or an exists body) with a depth-first index nested loop,
// patterns ordered by estimated rows, the group's conditions checked on each
// complete extension.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "query/bound.h"
#include "query/operators.h"

namespace quipu::query {

class GroupMatcher {
 public:
  // `bound`: the slots that hold values when Run is called.
  GroupMatcher(const ExecContext* ctx, const BoundGroup& group, std::vector<bool> bound);
  ~GroupMatcher();

  // Calls emit(row) for each extension of `row` until emit returns false.
  // Returns how many extensions were emitted.
  size_t Run(const uint64_t* row, const std::function<bool(const uint64_t*)>& emit);

  // The patterns in the order they are matched, for plans.
  std::string Describe() const;

 private:
  bool Search(size_t level, const uint64_t* row, const std::function<bool(const uint64_t*)>& emit,
              size_t* emitted);

  const BoundGroup& group_;
  std::vector<std::unique_ptr<Matcher>> matchers_;
  std::vector<std::string> labels_;
  std::vector<Chunk> buffers_;
  std::unique_ptr<Evaluator> eval_;
};

}  // namespace quipu::query
