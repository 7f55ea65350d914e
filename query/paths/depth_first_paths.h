// DepthFirstPaths: every trail or acyclic path of a variable-length pattern
// (s)-[:p*min..max]->(o), one row per walk: `-[:p*]->`, `trail`, `acyclic`.
//
// A depth-first walk from each start node (start_nodes.h) with an explicit
// stack of frames, one per node on the current path, each holding that
// node's hops. A trail uses no fact twice, an acyclic path no node twice, so
// cycles end every walk; a maximum length ends it too. A walk is emitted
// when its length is at least min and it ends at the target (when one is
// known); an acyclic walk never passes through its target. Rows come in walk
// order: the starts in order, each node's hops in HopSource order, a path
// before its extensions. Fill stops between two hops when the chunk is full
// and resumes there, so memory is the stack alone: each frame is charged
// while it is on the stack. Every hop taken is one state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "query/path_matcher.h"
#include "query/paths/start_nodes.h"

namespace quipu::query::paths {

class DepthFirstPaths final : public PathMatcher {
 public:
  DepthFirstPaths(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound);
  bool Fill(Chunk* out, size_t max) override;
  std::string Describe() const override;

 private:
  struct Frame {
    uint64_t node = 0;
    std::vector<Hop> hops;
    size_t pos = 0;
    uint64_t bytes = 0;  // charged for hops
  };

  void Reset() override;
  void Begin(const Ends& ends) override;
  // Takes the next start node: emits its zero-length path when that
  // matches and pushes its frame. False when none is left.
  bool NextStart(Chunk* out);
  // Pushes the frame of `node`'s hops.
  void PushFrame(uint64_t node);

  StartNodes starts_;
  uint64_t target_ = 0;  // the node the current start's walks must end at; 0: any
  std::vector<Frame> stack_;
  // The current walk: its nodes (the start first) and hops.
  std::vector<uint64_t> path_nodes_;
  std::vector<Hop> path_hops_;
};

}  // namespace quipu::query::paths
