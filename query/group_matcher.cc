#include "query/group_matcher.h"

#include "query/estimator.h"

namespace quipu::query {

GroupMatcher::GroupMatcher(const ExecContext* ctx, const BoundGroup& group, std::vector<bool> bound)
    : group_(group) {
  // Greedy order: at each step the pattern with the fewest estimated rows
  // among those sharing a bound slot (any when none does).
  const Estimator est(ctx->view, &group.filters, &ctx->query->facts);
  std::vector<bool> used(group.patterns.size(), false);
  for (size_t step = 0; step < group.patterns.size(); ++step) {
    int best = -1;
    bool best_connected = false;
    double best_rows = 0;
    for (size_t i = 0; i < group.patterns.size(); ++i) {
      if (used[i]) continue;
      const std::vector<uint32_t> slots = SlotsOf(group.patterns[i], ctx->query->facts);
      const bool connected =
          std::any_of(slots.begin(), slots.end(), [&](uint32_t s) { return bound[s]; });
      const double rows = est.Rows(group.patterns[i], bound);
      if (best < 0 || (connected && !best_connected) ||
          (connected == best_connected && rows < best_rows)) {
        best = static_cast<int>(i);
        best_connected = connected;
        best_rows = rows;
      }
    }
    used[best] = true;
    const BoundPattern& pattern = group.patterns[best];
    matchers_.push_back(MakeMatcher(ctx, pattern, bound));
    labels_.push_back(pattern.label);
    for (uint32_t s : SlotsOf(pattern, ctx->query->facts)) bound[s] = true;
  }
  buffers_.assign(matchers_.size(), Chunk(ctx->width));
  eval_ = std::make_unique<Evaluator>(ctx->view, &ctx->query->facts);
  eval_->set_context(ctx);
}

GroupMatcher::~GroupMatcher() = default;

size_t GroupMatcher::Run(const uint64_t* row, const std::function<bool(const uint64_t*)>& emit) {
  if (group_.impossible) return 0;
  size_t emitted = 0;
  Search(0, row, emit, &emitted);
  return emitted;
}

bool GroupMatcher::Search(size_t level, const uint64_t* row,
                          const std::function<bool(const uint64_t*)>& emit, size_t* emitted) {
  if (level == matchers_.size()) {
    for (const BoundExpr& f : group_.filters) {
      if (!eval_->Test(f, row)) return true;
    }
    ++*emitted;
    return emit(row);
  }
  Matcher& matcher = *matchers_[level];
  Chunk& buffer = buffers_[level];
  matcher.Start(row);
  for (;;) {
    buffer.Clear();
    const bool more = matcher.Fill(&buffer, kChunkRows);
    for (size_t i = 0; i < buffer.rows(); ++i) {
      if (!Search(level + 1, buffer.row(i), emit, emitted)) return false;
    }
    if (!more) return true;
  }
}

std::string GroupMatcher::Describe() const {
  std::string out;
  for (const std::string& label : labels_) out += (out.empty() ? "" : ", ") + label;
  if (!group_.filters.empty()) {
    out += " where " + std::to_string(group_.filters.size()) + " condition" +
           (group_.filters.size() == 1 ? "" : "s");
  }
  return out;
}

}  // namespace quipu::query
