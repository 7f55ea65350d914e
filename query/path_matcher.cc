#include "query/path_matcher.h"

#include <fmt/format.h>

#include <algorithm>

#include "query/paths/bidirectional_shortest.h"
#include "query/paths/depth_first_paths.h"
#include "query/paths/dijkstra_shortest.h"
#include "query/paths/reachable_ends.h"
#include "query/value_table.h"

namespace quipu::query {

void FailUnboundShortest(const BoundPattern& pattern) {
  FailAt("shortest paths need both ends bound: in " + pattern.label +
             ", name both ends with @keys or bind them with another pattern of the match",
         pattern.var->pos);
}

std::unique_ptr<Matcher> MakePathMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                                         std::vector<bool> bound) {
  const VarLength& var = *pattern.var;
  if (var.mode == VarLength::Mode::kShortest || var.mode == VarLength::Mode::kAllShortest) {
    if (var.weighted) {
      return std::make_unique<paths::DijkstraShortest>(ctx, pattern, std::move(bound));
    }
    return std::make_unique<paths::BidirectionalShortest>(ctx, pattern, std::move(bound));
  }
  if (var.ends_only) return std::make_unique<paths::ReachableEnds>(ctx, pattern, std::move(bound));
  return std::make_unique<paths::DepthFirstPaths>(ctx, pattern, std::move(bound));
}

std::unique_ptr<Matcher> MakeMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                                     std::vector<bool> bound) {
  if (pattern.var) return MakePathMatcher(ctx, pattern, std::move(bound));
  return std::make_unique<PatternMatcher>(ctx, pattern, std::move(bound));
}

std::unique_ptr<Matcher> MakeMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                                     std::vector<bool> bound,
                                     const std::optional<std::vector<uint64_t>>& predicates) {
  if (predicates && !pattern.var && !pattern.node_scan) {
    return std::make_unique<ChoiceMatcher>(ctx, pattern, std::move(bound), *predicates);
  }
  return MakeMatcher(ctx, pattern, std::move(bound));
}

PathMatcher::PathMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                         std::vector<bool> bound, bool backward)
    : ctx_(ctx),
      pattern_(pattern),
      var_(*pattern_.var),
      bound_(std::move(bound)),
      search_charge_(ctx->env->memory, "path expansion in " + pattern.label, "", "entry"),
      backward_(backward),
      eval_(ctx->view, &ctx->query->facts),
      hops_(ctx, pattern_, &eval_) {
  eval_.set_context(ctx);
}

void PathMatcher::Start(const uint64_t* row) {
  search_charge_.Clear();
  found_.clear();
  found_pos_ = 0;
  Reset();
  row_.assign(row, row + ctx_->width);
  auto known = [&](const Ref& r) { return !r.is_slot || bound_[r.slot]; };
  auto id = [&](const Ref& r) { return r.is_slot ? row_[r.slot] : r.id; };
  Ends ends;
  ends.s_known = known(pattern_.s);
  ends.o_known = known(pattern_.o);
  if (ends.s_known) ends.s = id(pattern_.s);
  if (ends.o_known) ends.o = id(pattern_.o);
  // A null end (an optional variable without a match) matches nothing.
  if ((ends.s_known && ends.s == 0) || (ends.o_known && ends.o == 0)) return;
  Begin(ends);
}

void PathMatcher::CountState() {
  if (++states_ > ctx_->env->max_path_states()) {
    throw QueryError(Status::InvalidArgument(fmt::format(
        "path expansion stopped in {}: it visited more than {} states (the limit "
        "'path_states': :limit path_states N in the shell, QueryLimits::path_states in the "
        "API); {}, or raise the limit",
        pattern_.label, ctx_->env->max_path_states(), NarrowingAdvice())));
  }
  if ((states_ & 4095) == 0) ctx_->CheckCancel();
}

std::string PathMatcher::NarrowingAdvice() const {
  std::vector<std::string> ways;
  if (var_.max_hops == UINT32_MAX) ways.emplace_back("give the relationship a maximum length");
  if (!pattern_.p.is_slot && pattern_.p.id == 0 && var_.predicates.empty()) {
    ways.emplace_back("name its predicate");
  }
  auto known = [&](const Ref& r) { return !r.is_slot || bound_[r.slot]; };
  if (!known(pattern_.s) && !known(pattern_.o)) {
    ways.emplace_back("fix one of its ends (as (@x)-[…]->, or where x = @x)");
  }
  // Everything is given already: only a shorter walk visits fewer states.
  if (ways.empty()) ways.emplace_back("lower its maximum length");
  std::string out;
  for (size_t i = 0; i < ways.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == ways.size() ? " or " : ", ") + ways[i];
  }
  return out;
}

uint64_t PathMatcher::FoundBytes(const std::vector<uint64_t>& nodes,
                                 const std::vector<paths::Hop>& hops) {
  return sizeof(Found) + nodes.size() * sizeof(uint64_t) + paths::HopsBytes(hops);
}

bool PathMatcher::EmitFound(Chunk* out, size_t max) {
  while (out->rows() < max && found_pos_ < found_.size()) {
    Emit(found_[found_pos_].nodes, found_[found_pos_].hops, out);
    ++found_pos_;
  }
  return found_pos_ < found_.size();
}

void PathMatcher::Emit(const std::vector<uint64_t>& nodes, const std::vector<paths::Hop>& hops,
                       Chunk* out) {
  uint64_t* row = out->AppendRow(row_.data());
  // In search order nodes run from s to o, or from o to s when searching back.
  const uint64_t s = backward_ ? nodes.back() : nodes.front();
  const uint64_t o = backward_ ? nodes.front() : nodes.back();
  if (pattern_.s.is_slot && !bound_[pattern_.s.slot]) row[pattern_.s.slot] = s;
  if (pattern_.o.is_slot && !bound_[pattern_.o.slot]) row[pattern_.o.slot] = o;
  if (var_.path_slot >= 0) row[var_.path_slot] = PathId(nodes, hops);
}

uint64_t PathMatcher::PathId(const std::vector<uint64_t>& nodes,
                             const std::vector<paths::Hop>& hops) {
  std::vector<size_t> order(hops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<uint64_t> ns = nodes;
  // To s→o order, then to the order the pattern was written in.
  const bool reversed = backward_ != var_.written_reversed;
  if (reversed) {
    std::reverse(ns.begin(), ns.end());
    std::reverse(order.begin(), order.end());
  }
  Path path;
  for (uint64_t n : ns) path.nodes.push_back(eval_.Decode(n));
  for (size_t i : order) {
    paths::Hop hop = hops[i];
    hops_.ReadDeferred(&hop);
    PathHop out;
    out.predicate = eval_.Decode(hop.fact.p).as_entity();
    out.forward = var_.written_reversed ? !hop.forward : hop.forward;
    for (const auto& [key, value] : hop.annotations) {
      out.annotations.emplace_back(eval_.Decode(key).as_entity().key, eval_.Decode(value));
    }
    std::sort(out.annotations.begin(), out.annotations.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    path.hops.push_back(std::move(out));
  }
  return ctx_->values->Intern(Value(std::move(path)));
}

}  // namespace quipu::query
