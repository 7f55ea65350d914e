// Integrated ownership (Brioschi, Buzzacchi & Colombo) over a graph of
// holdings: pure arithmetic, no store (ownership_store.h reads the graph from
// a database).
//
// ownership(a, b) is the sum, over every walk of holdings from a to b that
// never returns to a and reaches b only at its end, of the product of the
// shares along the walk. Equivalently, with S the matrix of direct shares
// (S[i][j]: the share i holds in j) without a's incoming and b's outgoing
// holdings, it is entry (a, b) of (I - S)^-1 for a != b. ownership(a, a) is 0.
//
// How it is computed: only the nodes reachable from the source that reach
// the target matter. Their strongly connected parts are solved one at a
// time, downstream first, so a chain or a tree costs one pass and only
// cycles iterate. Inside a cycle, Gauss-Seidel sweeps run until the
// estimated remaining error (the last change times r / (1 - r), r the
// observed rate) is below `tolerance` relative to the largest value, or the
// changes are down to rounding. The sweeps converge when the shares around
// the cycle compound to less than 100%, which holds whenever each company's
// holders total at most 100%; otherwise the sums grow without bound, or
// converge too slowly, and the solver fails, naming the cycle.
#pragma once

#include <cstdint>
#include <vector>

namespace quipu::query {

// One holding seen from one end: the node at the other end and the share
// held, a fraction > 0.
struct Holding {
  uint32_t node = 0;
  double share = 0;
};

// The holdings between nodes 0, 1, …, as the solver reads them: only ever
// from the held side, as it walks from a target upwards. An implementation
// may load lists lazily and add nodes while the solver runs; a list it
// returns must stay valid (and unchanged) while the graph lives.
class HoldingGraph {
 public:
  virtual ~HoldingGraph() = default;
  // Who holds `node`, with their shares. Parallel entries for one holder
  // add up.
  virtual const std::vector<Holding>& Holders(uint32_t node) = 0;
  // Every node id a list has mentioned so far is below this.
  virtual uint32_t size() const = 0;
};

// A graph given as a list of holdings: tests and benchmarks.
class HoldingList : public HoldingGraph {
 public:
  explicit HoldingList(uint32_t nodes) : holders_(nodes) {}
  // REQUIRES: holder, held < nodes; share > 0.
  void Add(uint32_t holder, uint32_t held, double share) {
    holders_[held].push_back(Holding{holder, share});
  }
  const std::vector<Holding>& Holders(uint32_t node) override { return holders_[node]; }
  uint32_t size() const override { return static_cast<uint32_t>(holders_.size()); }

 private:
  std::vector<std::vector<Holding>> holders_;
};

struct OwnershipOptions {
  // The largest estimated error of a value inside a cycle, relative to the
  // cycle's largest value.
  double tolerance = 1e-13;
  // Sweeps over one cycle before giving up.
  uint32_t max_sweeps = 100000;
};

// Why a computation failed: the sums around the cycle of `cycle` (its
// nodes, ascending) grow without bound (`diverged`), or did not settle
// within max_sweeps.
struct OwnershipFailure {
  std::vector<uint32_t> cycle;
  bool diverged = false;
};

class OwnershipSolver {
 public:
  explicit OwnershipSolver(HoldingGraph* graph, OwnershipOptions options = {});

  // ownership(a, b) into *share. False when the sums do not converge (see
  // failure()).
  bool Ownership(uint32_t a, uint32_t b, double* share);

  // Every node with a walk of holdings to x (x excluded) whose ownership of
  // x is at least `min_share`, with that ownership, in no particular order,
  // into *out: one backward pass from x. A cycle on the way costs one solve
  // for its walk sums, which bound each member's ownership from above (its
  // own returns, which do not count for it, only add), and one more solve
  // per member whose bound reaches min_share. False when the sums do not
  // converge.
  bool HoldersOf(uint32_t x, double min_share, std::vector<Holding>* out);

  // The nodes of the last call's region: x (or b) first, then every node
  // with a walk to it that the call considered.
  const std::vector<uint32_t>& region() const { return nodes_; }

  const OwnershipFailure& failure() const { return failure_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Collects the region, the nodes that matter: those with a walk to
  // `target`, only among the nodes reachable from `source` when it is
  // given; the source's incoming and the target's outgoing holdings removed.
  // Then its holdings as local edge lists.
  void BuildRegion(uint32_t source, uint32_t target);
  // Stamps the nodes with a walk to `target` that does not pass through
  // `source`, keeping the holdings between them; true when the source is
  // one of them.
  bool MarkUpstream(uint32_t source, uint32_t target);
  // Adds to the region what `source` reaches among those nodes.
  void AddReachable(uint32_t source);
  // Sizes the per-node stamps for `node` and every node the graph knows.
  void Grow(uint32_t node);
  void AddNode(uint32_t node);
  // Tarjan's strongly connected parts of the region, downstream first.
  void FindParts();
  // Values of every part, downstream first: value_[l] is the sum over the
  // walks from l to the target (returns to l included); own_[l], when
  // `owners` is set, the sum over those that never return to l — computed
  // only where it can reach min_share, 0 elsewhere.
  bool Solve(bool owners, double min_share);
  // Gauss-Seidel over one part: z[i] = rhs[i] + Σ share·z[j] over the edges
  // (i, j) of `adjacency` inside the part, for every member but `fixed`.
  bool Sweep(uint32_t part, bool incoming, const std::vector<double>& rhs, uint32_t fixed,
             std::vector<double>* z);
  bool Fail(uint32_t part, bool diverged);

  HoldingGraph* graph_;
  OwnershipOptions options_;
  OwnershipFailure failure_;

  // Per graph node, stamped so each computation starts clean without clearing.
  std::vector<uint32_t> region_stamp_, reach_stamp_, local_of_;
  uint32_t stamp_ = 0;

  // The region: local index → node, and its edges both ways (CSR).
  std::vector<uint32_t> nodes_;
  std::vector<uint32_t> out_begin_, in_begin_;
  std::vector<Holding> out_, in_;  // Holding::node is a local index here
  // Parts: part_of_[local], members by part (downstream first).
  std::vector<uint32_t> part_of_, part_begin_, members_;
  std::vector<double> exit_, value_, own_, scratch_;
  // Scratch space kept between computations, so each allocates nothing.
  std::vector<uint32_t> queue_, out_at_, in_at_, up_begin_, up_next_;
  std::vector<std::pair<uint32_t, Holding>> edges_;
  std::vector<std::pair<uint32_t, uint32_t>> up_edges_;  // holder, held in queue_
  std::vector<bool> up_seen_;
  struct {
    std::vector<uint32_t> index, low, stack, next_edge, path;
    std::vector<bool> on_stack;
  } tarjan_;
};

}  // namespace quipu::query
