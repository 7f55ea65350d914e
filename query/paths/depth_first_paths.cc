#include "query/paths/depth_first_paths.h"

#include <algorithm>

namespace quipu::query::paths {

DepthFirstPaths::DepthFirstPaths(const ExecContext* ctx, const BoundPattern& pattern,
                                 std::vector<bool> bound)
    : PathMatcher(ctx, pattern, bound, WalksBackward(pattern, bound)),
      starts_(ctx, pattern_, bound_, hops()) {}

std::string DepthFirstPaths::Describe() const { return pattern_.label + " depth-first"; }

void DepthFirstPaths::Reset() {
  starts_.Clear();
  stack_.clear();
  path_hops_.clear();
  path_nodes_.clear();
}

void DepthFirstPaths::Begin(const Ends& ends) {
  starts_.Begin(ends.s_known, ends.s, ends.o_known, ends.o);
}

bool DepthFirstPaths::NextStart(Chunk* out) {
  uint64_t start = 0;
  if (!starts_.Next(&start, &target_)) return false;
  path_nodes_.assign(1, start);
  path_hops_.clear();
  if (var_.min_hops == 0 && (target_ == 0 || target_ == start)) Emit(path_nodes_, path_hops_, out);
  if (var_.max_hops > 0) PushFrame(start);
  return true;
}

void DepthFirstPaths::PushFrame(uint64_t node) {
  Frame frame{node, Expand(node, backward()), 0, 0};
  frame.bytes = sizeof(Frame) + HopsBytes(frame.hops);
  search_charge_.Add(frame.bytes);
  stack_.push_back(std::move(frame));
}

bool DepthFirstPaths::Fill(Chunk* out, size_t max) {
  const bool acyclic = var_.mode == VarLength::Mode::kAcyclic;
  while (out->rows() < max) {
    if (stack_.empty()) {
      if (!NextStart(out)) return false;
      continue;
    }
    Frame& frame = stack_.back();
    if (frame.pos >= frame.hops.size()) {
      search_charge_.Remove(frame.bytes, 1);
      stack_.pop_back();
      path_nodes_.pop_back();
      if (!path_hops_.empty()) path_hops_.pop_back();
      continue;
    }
    Hop hop = frame.hops[frame.pos++];
    // A trail uses each fact once; an acyclic path visits each node once.
    bool allowed = true;
    for (const Hop& used : path_hops_) allowed = allowed && !(used.fact == hop.fact);
    if (acyclic) {
      allowed = allowed &&
                std::find(path_nodes_.begin(), path_nodes_.end(), hop.next) == path_nodes_.end();
    }
    if (!allowed) continue;
    CountState();
    const uint64_t next = hop.next;
    path_hops_.push_back(std::move(hop));
    path_nodes_.push_back(next);
    const size_t depth = path_hops_.size();
    if (depth >= var_.min_hops && (target_ == 0 || next == target_)) {
      Emit(path_nodes_, path_hops_, out);
    }
    if (depth < var_.max_hops && !(acyclic && next == target_)) {
      PushFrame(next);
    } else {
      path_hops_.pop_back();
      path_nodes_.pop_back();
    }
  }
  return true;
}

}  // namespace quipu::query::paths
