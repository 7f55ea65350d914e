// PathMatcher: the matches of a variable-length pattern (s)-[:p*min..max]->(o)
// for one input row, resumable like PatternMatcher.
//
// Trails and acyclic paths are enumerated depth-first from the bound end
// (from s, or from o backwards when only o is bound, or from every node that
// has a p fact when neither is); a trail uses no fact twice, an acyclic path
// no node twice, so cycles end every walk. shortest and all shortest need
// both ends bound: breadth-first search, or Dijkstra over hop costs for
// `by sum(r.key)`. Every visited state counts against
// ExecContext::max_path_states; past it the statement stops with an error.
// What a search holds (visited sets, frontiers, queues, the stack of a
// depth-first walk, paths found) counts against the statement's memory
// budget.
//
// A hop is a fact (a triple). When something reads the hop's annotations (a
// per-hop condition, a cost, a path variable), the hop uses the first of the
// fact's instances that passes the per-hop condition; a fact with none does
// not connect.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/expression.h"
#include "query/memory_budget.h"
#include "query/operators.h"

namespace quipu::query {

// The error of a shortest pattern whose ends are not both bound.
[[noreturn]] void FailUnboundShortest(const BoundPattern& pattern);

class PathMatcher final : public Matcher {
 public:
  PathMatcher(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound);
  void Start(const uint64_t* row) override;
  bool Fill(Chunk* out, size_t max) override;
  std::string Describe() const override;

 private:
  // One step of a walk, oriented from s towards o.
  struct Hop {
    storage::Triple fact;
    uint64_t next = 0;                 // the node the step reaches (in search order)
    bool forward = true;               // the fact points from s's side to o's side
    storage::Annotations annotations;  // of the instance used, when read
    double cost = 0;                   // shortest … by: the hop's cost
  };
  // A search state: a node, and the hops taken when a maximum bounds them.
  struct StateKey {
    uint64_t node = 0;
    uint32_t hops = 0;
    bool operator==(const StateKey&) const = default;
  };
  struct StateKeyHash {
    size_t operator()(const StateKey& k) const { return k.node * 0x9e3779b97f4a7c15ULL + k.hops; }
  };
  struct Parent {
    StateKey from;
    Hop hop;
  };
  struct Frame {
    uint64_t node = 0;
    std::vector<Hop> hops;
    size_t pos = 0;
    uint64_t bytes = 0;  // charged for hops
  };
  // A finished path: nodes and hops in search order.
  struct Found {
    std::vector<uint64_t> nodes;
    std::vector<Hop> hops;
  };

  // The hops leaving `node` in the search direction that pass the per-hop
  // condition.
  std::vector<Hop> Expand(uint64_t node);
  void AddHop(const storage::Triple& t, uint64_t next, bool forward, std::vector<Hop>* out);
  void CountState();
  // Bytes of held hops and of a found path, for the memory budget.
  static uint64_t HopBytes(const Hop& hop);
  static uint64_t HopsBytes(const std::vector<Hop>& hops);
  static uint64_t FoundBytes(const std::vector<uint64_t>& nodes, const std::vector<Hop>& hops);
  void CollectStarts();
  bool NextStart(Chunk* out);
  void Emit(const std::vector<uint64_t>& nodes, const std::vector<Hop>& hops, Chunk* out);
  uint64_t PathId(const std::vector<uint64_t>& nodes, const std::vector<Hop>& hops);
  std::string FactText(const storage::Triple& t);
  bool Shortest() const;
  // Breadth-first (or, weighted, Dijkstra's) search from s to o; fills
  // found_ with one or every shortest path.
  void RunShortest(uint64_t s, uint64_t o);
  void ShortestCycle(uint64_t s);
  void Bidirectional(uint64_t s, uint64_t o);
  void Reach(uint64_t start);
  // Appends the nodes one hop from `node` for Reach: by the index while the
  // search is small, from adjacency_ once it has grown (see kSeekInNexts).
  void ReachNext(uint64_t node, std::vector<uint64_t>* out);
  // Whether Reach may read the relationship whole (plain hops of named
  // predicates, no annotations to read).
  bool CanUseAdjacency() const;
  void BuildAdjacency();
  // Pushes the frame of `node`'s hops for the depth-first walk.
  void PushFrame(uint64_t node);
  void Backtrack(const StateKey& key, uint64_t s, std::vector<uint64_t>* nodes,
                 std::vector<Hop>* hops);

  const ExecContext* ctx_;
  BoundPattern pattern_;
  const VarLength& var_;
  std::vector<bool> bound_;
  Evaluator eval_;
  uint64_t label_predicate_ = 0;
  std::unique_ptr<storage::TripleCursor> out_cursor_, in_cursor_;
  std::vector<storage::Triple> batch_;
  std::vector<storage::FactInstance> instances_;
  bool need_annotations_ = false;
  std::vector<uint64_t> predicates_;  // the predicates a hop may have; {0} for any

  std::vector<uint64_t> row_;
  bool reverse_ = false;  // searching from o back towards s
  uint64_t target_ = 0;   // the other end when bound, else 0
  std::vector<uint64_t> starts_;
  size_t start_pos_ = 0;
  bool same_slot_ = false;  // (a)-[*]->(a): every walk must come back to its start
  std::vector<Frame> stack_;
  std::vector<Hop> path_hops_;
  std::vector<uint64_t> path_nodes_;
  // shortest: the paths found for the started row, emitted by Fill.
  std::vector<Found> found_;
  size_t found_pos_ = 0;
  // shortest: per state, the steps that reach it on a shortest path.
  std::unordered_map<StateKey, std::vector<Parent>, StateKeyHash> parents_;
  std::vector<Parent> target_parents_;
  uint64_t states_ = 0;
  // The start nodes of a pattern with no bound end; and everything else a
  // search holds for the started row (cleared by Start and by each Reach).
  MemoryCharge starts_charge_, search_charge_;
  // Reach's hops of the whole relationship, read by one scan once expanding
  // node by node (a seek each) has cost about what that scan costs; sorted
  // by (from, rank, to), rank = predicate index * 2 + side, so a node's hops
  // come in Expand's order. Kept across starts and rows (one view).
  struct Edge {
    uint64_t from = 0, to = 0;
    uint32_t rank = 0;
  };
  std::vector<Edge> adjacency_;
  bool adjacency_built_ = false;
  uint64_t expansions_ = 0;           // Reach's expansions through the index
  uint64_t adjacency_threshold_ = 0;  // expansions that trigger the scan; 0: unset
  uint64_t adjacency_facts_ = 0;      // the predicates' facts, by the statistics
  MemoryCharge adjacency_charge_;
};

}  // namespace quipu::query
