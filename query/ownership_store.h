// Ownership arithmetic over a database: the `owns` facts and their `share`
// annotation read from one ReadView, and what the language offers on top:
// the ownership() function, the controllers procedure and the checks a load
// reports.
//
// The shares: a holding (an `owns` triple) counts with the largest numeric
// `share` among its instances (the same holding recorded by two sources or
// for two periods counts once). A holding without a share stays a fact but
// adds nothing. A share that is not a number between 0 and 1 is an error
// when the arithmetic meets it (shares are fractions; a file in percent is
// loaded with `share in percent`).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/vocabulary.h"
#include "grammar/ast.h"
#include "query/memory_budget.h"
#include "query/ownership.h"
#include "quipu/value.h"
#include "storage/store.h"

namespace quipu::query {

struct ExecContext;
class HoldingsCache;

// A share of holders above this total is over 100% (sums of decimal
// fractions are not exact).
inline constexpr double kOverHeldTotal = 1 + 1e-9;

// One `owns` fact seen from one end, as stored.
struct StoredHolding {
  uint64_t other = 0;  // the entity at the other end (term id)
  Value share;         // the largest numeric share of its instances, else the
                       // first other share value, else null
};

// Reads the holders of an entity: the facts (?, owns, entity).
class HoldingReader {
 public:
  explicit HoldingReader(storage::ReadView* view);
  std::vector<StoredHolding> Holders(uint64_t held);
  // The text of a holding for messages: (@a)-[:owns]->(@b).
  std::string Describe(uint64_t holder, uint64_t held);
  std::string Name(uint64_t term);
  storage::ReadView* view() const { return view_; }
  // Reads through another view of the same data from now on.
  void set_view(storage::ReadView* view) { view_ = view; }

 private:
  storage::ReadView* view_;
  uint64_t owns_ = 0, share_ = 0;  // 0 when never stored: no holdings, no shares
  std::vector<storage::Triple> triples_;
  std::vector<uint8_t> annotated_;  // per fact of triples_: storage::InstanceHint
  std::vector<storage::FactInstance> instances_;
};

// True when a share is a number from 0 to 1.
bool IsFraction(const Value& share);

// The `owns` graph of a ReadView as a HoldingGraph, loaded a node at a time
// as the solver asks. Raises QueryError on a share that is not a fraction.
class StoreHoldingGraph : public HoldingGraph {
 public:
  // `budget`: a statement's own graph counts against it (the database's
  // cached graph, kept across statements, passes null).
  StoreHoldingGraph(storage::ReadView* view, const ExecContext* ctx,
                    MemoryBudget* budget = nullptr);
  // Serves another statement whose view holds the same data (see
  // holdings_cache.h): what was read stays, what is read next comes
  // through `view`.
  void Rebind(storage::ReadView* view, const ExecContext* ctx) {
    reader_.set_view(view);
    ctx_ = ctx;
  }
  // The node of an entity's term id, added when new.
  uint32_t Node(uint64_t term);
  uint64_t Term(uint32_t node) const { return nodes_[node].term; }
  const std::vector<Holding>& Holders(uint32_t node) override;
  uint32_t size() const override { return static_cast<uint32_t>(nodes_.size()); }
  HoldingReader& reader() { return reader_; }

 private:
  struct Entry {
    uint64_t term = 0;
    bool holders_read = false;
    std::vector<Holding> holders;
  };

  HoldingReader reader_;
  const ExecContext* ctx_;   // for cancellation; may be null
  std::deque<Entry> nodes_;  // a deque, so lists handed out stay put
  std::unordered_map<uint64_t, uint32_t> node_of_;
  uint64_t loads_ = 0;
  MemoryCharge charge_;
};

struct Controller {
  Value entity;
  double share = 0;
  bool ultimate = false;
};

// ownership() and controllers over one statement's view; what it reads is
// kept for the statement's later calls. Errors are QueryErrors at `pos`.
class StoreOwnership {
 public:
  // Uses the database's cached holdings when ctx->env->holdings is set and free,
  // else reads its own.
  StoreOwnership(storage::ReadView* view, const ExecContext* ctx);
  ~StoreOwnership();

  // The term id of an entity, 0 when the database has never seen it.
  uint64_t TermOf(const Entity& e);

  // ownership(a, b) of two entities' term ids: 0 when either is 0.
  double Ownership(uint64_t a, uint64_t b, ast::Pos pos);

  // The entities whose ownership of x is at least `threshold`, largest
  // first, each marked ultimate when no one owns threshold or more of it.
  // Adds a warning when the holders of x or of a company on the way to x
  // total more than 100%.
  std::vector<Controller> Controllers(const Entity& x, double threshold, ast::Pos pos,
                                      std::vector<std::string>* warnings);

 private:
  // HoldersOf through the solver, failing at `pos` when it does not converge.
  void HoldersOf(uint32_t x, double min_share, ast::Pos pos, std::vector<Holding>* out);
  [[noreturn]] void NotConverging(ast::Pos pos);
  double TotalHeld(uint32_t node);

  // The graph: the database's cached one while lock_ holds it, else
  // own_graph_.
  std::unique_lock<std::recursive_mutex> lock_;
  std::unique_ptr<StoreHoldingGraph> own_graph_;
  StoreHoldingGraph& graph_;
  OwnershipSolver solver_;
  std::unordered_map<std::string, uint64_t> term_of_;  // TermOf by entity key
};

// What a load that added `owns` facts into the entities `held` reports
// (lines without the "warning: " prefix): companies whose holders total
// more than 100%, holdings whose share is not a fraction, holdings without
// a share. `share_origin` says where the load takes a share from, so the
// last warning names what the file lacks ("no 'share' annotation on the
// owns fact").
inline constexpr std::string_view kShareAnnotationOrigin = "no 'share' annotation on the owns fact";
std::vector<std::string> HoldingWarnings(storage::ReadView* view, const std::vector<uint64_t>& held,
                                         std::string_view share_origin = kShareAnnotationOrigin);

// An `owns` fact instance a load added, with its share annotation: the
// number when numeric; `value` indexes the share's value (in the values
// given with it) when it is not a fraction from 0 to 1 or not a number,
// else -1.
struct AddedHolding {
  uint64_t held = 0, holder = 0;  // term ids: object and subject
  double number = 0;
  int32_t value = -1;
  bool numeric = false;
  bool present = false;  // it has a share
};

// HoldingWarnings for a load into a store that held no `owns` fact before:
// the same warnings from the instances the load added, without reading
// them back. A fact's share is chosen as HoldingReader chooses it (its
// instances taken in the order the load met them).
std::vector<std::string> AddedHoldingWarnings(
    storage::ReadView* view, std::vector<AddedHolding> holdings, const std::vector<Value>& values,
    std::string_view share_origin = kShareAnnotationOrigin);

}  // namespace quipu::query
