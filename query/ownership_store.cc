#include "query/ownership_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "query/expression.h"
#include "query/fact_table.h"
#include "query/holdings_cache.h"
#include "query/operators.h"

namespace quipu::query {
namespace {

// An integrated share this close below the threshold still reaches it:
// the solver's values carry rounding and a relative error of 1e-12.
constexpr double kThresholdSlack = 1e-9;

// Shares are handed out to 12 significant digits: the solver's values are
// good to about 1e-13, so the digits after are noise (0.1875, not
// 0.18749999999997542).
double Rounded(double share) { return share == 0 ? 0 : std::stod(fmt::format("{:.12g}", share)); }

// How many companies a warning names before "…".
constexpr size_t kNamed = 5;

// A share the arithmetic cannot use; StoreOwnership reports it at the
// position of the call.
class BadShare : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string Plural(size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// 1.663 → "166.3%".
std::string Percent(double fraction) {
  std::string text = fmt::format("{:.2f}", fraction * 100);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + "%";
}

// The warning for companies whose holders total more than 100%, largest
// total first.
std::string OverHeldWarning(std::vector<std::pair<std::string, double>> companies) {
  std::sort(companies.begin(), companies.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  std::string out = "the holders of " + Plural(companies.size(), "company", "companies") +
                    " total more than 100% (the shares are used as given): ";
  for (size_t i = 0; i < companies.size() && i < kNamed; ++i) {
    out += (i ? ", " : "") + companies[i].first + " " + Percent(companies[i].second);
  }
  return out + (companies.size() > kNamed ? ", …" : "");
}

}  // namespace

bool IsFraction(const Value& share) {
  if (!share.is_numeric()) return false;
  const double v = share.as_number();
  return v >= 0 && v <= 1;  // false for NaN
}

// --- HoldingReader -----------------------------------------------------------

// A fact's share over its instances: the largest numeric one, else the
// first other one (StoredHolding::share).
static void KeepBetterShare(const Value& share, Value* best) {
  const bool better = share.is_numeric()
                          ? !best->is_numeric() || share.as_number() > best->as_number()
                          : best->is_null();
  if (better) *best = share;
}

HoldingReader::HoldingReader(storage::ReadView* view) : view_(view) {
  owns_ = ValueOrThrow(view->FindTerm(Value(Entity{kOwnsPredicate})));
  share_ = ValueOrThrow(view->FindTerm(Value(Entity{kShareKey})));
}

std::vector<StoredHolding> HoldingReader::Holders(uint64_t held) {
  std::vector<StoredHolding> out;
  if (owns_ == 0 || held == 0) return out;
  std::unique_ptr<storage::TripleCursor> cursor = view_->Scan({0, owns_, held});
  triples_.clear();
  annotated_.clear();
  while (cursor->Next(&triples_, 1024, &annotated_) > 0) {
  }
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  for (size_t i = 0; i < triples_.size(); ++i) {
    const storage::Triple& t = triples_[i];
    StoredHolding& h = out.emplace_back(StoredHolding{t.s, Value()});
    const storage::InstanceHint hint = annotated_[i] != 0 ? storage::kAnnotated : storage::kBare;
    if (Status s = view_->GetInstances(t, &instances_, hint); !s.ok()) throw QueryError(s);
    for (const storage::FactInstance& instance : instances_) {
      for (const auto& [key, value] : instance.annotations) {
        if (key != share_) continue;
        KeepBetterShare(ValueOrThrow(view_->DecodeTerm(value)), &h.share);
      }
    }
  }
  return out;
}

std::string HoldingReader::Name(uint64_t term) {
  return ValueOrThrow(view_->DecodeTerm(term)).ToString();
}

std::string HoldingReader::Describe(uint64_t holder, uint64_t held) {
  return "(" + Name(holder) + ")-[:" + kOwnsPredicate + "]->(" + Name(held) + ")";
}

// --- StoreHoldingGraph -------------------------------------------------------

StoreHoldingGraph::StoreHoldingGraph(storage::ReadView* view, const ExecContext* ctx,
                                     MemoryBudget* budget)
    : reader_(view), ctx_(ctx), charge_(budget, "the ownership graph", "", "node") {}

uint32_t StoreHoldingGraph::Node(uint64_t term) {
  auto [it, added] = node_of_.emplace(term, static_cast<uint32_t>(nodes_.size()));
  if (added) {
    charge_.Add(sizeof(Entry) + kHashNodeBytes + sizeof(uint64_t) + sizeof(uint32_t));
    nodes_.push_back(Entry{term, false, {}});
  }
  return it->second;
}

const std::vector<Holding>& StoreHoldingGraph::Holders(uint32_t node) {
  if (nodes_[node].holders_read) return nodes_[node].holders;
  if (ctx_ != nullptr && (++loads_ & 255) == 0) ctx_->CheckCancel();
  // Into a list of its own first: a bad share (or a cancel) leaves the
  // node unread, for a later statement to read again.
  const uint64_t term = nodes_[node].term;
  std::vector<Holding> list;
  for (const StoredHolding& h : reader_.Holders(term)) {
    if (h.share.is_null()) continue;  // a holding without a share adds nothing
    if (!IsFraction(h.share)) {
      throw BadShare(fmt::format(
          "the share of {} is {}; shares are fractions from 0 to 1 (a file in percent loads "
          "with 'share in percent')",
          reader_.Describe(h.other, term), h.share.ToLiteral()));
    }
    if (h.share.as_number() > 0) list.push_back(Holding{Node(h.other), h.share.as_number()});
  }
  charge_.Add(list.capacity() * sizeof(Holding), 0);
  nodes_[node].holders = std::move(list);  // a deque: Node() above kept nodes_[node] in place
  nodes_[node].holders_read = true;
  return nodes_[node].holders;
}

// --- StoreOwnership ----------------------------------------------------------

namespace {

// The database's cached graph when the statement may use it and no one
// else holds it, else a new one in *own.
StoreHoldingGraph& GraphFor(storage::ReadView* view, const ExecContext* ctx,
                            std::unique_lock<std::recursive_mutex>* lock,
                            std::unique_ptr<StoreHoldingGraph>* own) {
  if (ctx != nullptr && ctx->env->holdings != nullptr) {
    if (StoreHoldingGraph* shared =
            ctx->env->holdings->Acquire(ctx->env->holdings_generation, view, ctx, lock)) {
      return *shared;
    }
  }
  *own =
      std::make_unique<StoreHoldingGraph>(view, ctx, ctx != nullptr ? ctx->env->memory : nullptr);
  return **own;
}

}  // namespace

StoreOwnership::StoreOwnership(storage::ReadView* view, const ExecContext* ctx)
    : graph_(GraphFor(view, ctx, &lock_, &own_graph_)), solver_(&graph_) {}

StoreOwnership::~StoreOwnership() = default;

uint64_t StoreOwnership::TermOf(const Entity& e) {
  if (auto it = term_of_.find(e.key); it != term_of_.end()) return it->second;
  const uint64_t term = ValueOrThrow(graph_.reader().view()->FindTerm(Value(e)));
  term_of_.emplace(e.key, term);
  return term;
}

double StoreOwnership::Ownership(uint64_t a, uint64_t b, ast::Pos pos) {
  try {
    if (a == 0 || b == 0) return 0;
    double share = 0;
    if (!solver_.Ownership(graph_.Node(a), graph_.Node(b), &share)) NotConverging(pos);
    return Rounded(share);
  } catch (const BadShare& e) {
    FailAt(e.what(), pos);
  }
}

void StoreOwnership::HoldersOf(uint32_t x, double min_share, ast::Pos pos,
                               std::vector<Holding>* out) {
  try {
    if (!solver_.HoldersOf(x, min_share, out)) NotConverging(pos);
  } catch (const BadShare& e) {
    FailAt(e.what(), pos);
  }
}

void StoreOwnership::NotConverging(ast::Pos pos) {
  const OwnershipFailure& f = solver_.failure();
  // The cycle by name, in order, the first few.
  std::vector<std::string> names;
  for (uint32_t node : f.cycle) names.push_back(graph_.reader().Name(graph_.Term(node)));
  std::sort(names.begin(), names.end());
  std::string cycle;
  for (size_t i = 0; i < names.size() && i < kNamed; ++i) {
    cycle += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  if (names.size() > kNamed) cycle += fmt::format(" and {} more", names.size() - kNamed);
  if (f.diverged) {
    FailAt(fmt::format("ownership does not converge: the shares around the cycle of {} compound "
                       "to 100% or more (the holders of a company there total more than 100%)",
                       cycle),
           pos);
  }
  FailAt(fmt::format("ownership did not converge within {} sweeps: the shares around the cycle "
                     "of {} compound to nearly 100%",
                     OwnershipOptions().max_sweeps, cycle),
         pos);
}

double StoreOwnership::TotalHeld(uint32_t node) {
  double total = 0;
  for (const Holding& h : graph_.Holders(node)) total += h.share;
  return total;
}

std::vector<Controller> StoreOwnership::Controllers(const Entity& x, double threshold, ast::Pos pos,
                                                    std::vector<std::string>* warnings) {
  const uint64_t term = TermOf(x);
  if (term == 0) return {};
  const uint32_t nx = graph_.Node(term);
  // Shares are rounded before the threshold is applied, with a slack: ask
  // the solver for everything that might still reach it.
  const double min_share = threshold - 2 * kThresholdSlack;
  std::vector<Holding> holders;
  HoldersOf(nx, min_share, pos, &holders);

  // The companies on the way: x and every holder with a walk to it.
  std::vector<std::pair<std::string, double>> over;
  for (uint32_t node : solver_.region()) {
    if (const double total = TotalHeld(node); total > kOverHeldTotal) {
      over.emplace_back(graph_.reader().Name(graph_.Term(node)), total);
    }
  }
  if (!over.empty()) warnings->push_back(OverHeldWarning(std::move(over)));

  std::vector<Controller> out;
  std::vector<Holding> above;
  for (Holding& h : holders) {
    h.share = Rounded(h.share);
    if (h.share + kThresholdSlack < threshold) continue;
    // Ultimate: no one owns threshold or more of it. A direct holding that
    // large settles it; otherwise its own holders are computed.
    bool held = false;
    for (const Holding& direct : graph_.Holders(h.node)) {
      held = held || direct.share + kThresholdSlack >= threshold;
    }
    if (!held) {
      HoldersOf(h.node, min_share, pos, &above);
      for (const Holding& a : above) held = held || a.share + kThresholdSlack >= threshold;
    }
    out.push_back(Controller{ValueOrThrow(graph_.reader().view()->DecodeTerm(graph_.Term(h.node))),
                             h.share, !held});
  }
  std::sort(out.begin(), out.end(), [](const Controller& a, const Controller& b) {
    if (a.share != b.share) return a.share > b.share;
    return CompareForSort(a.entity, b.entity) < 0;
  });
  return out;
}

// --- load checks -------------------------------------------------------------

namespace {

// The holdings of each company in `held` (sorted), as StoredHolding values
// in `held`'s order: `on_holding(company, holding)` for each. Few companies
// are read one scan each; many (a load of a whole registry) through one
// read of the predicate's facts in pos order, where a scan per company
// would seek once each.
template <typename OnHolding>
void ForEachHolding(storage::ReadView* view, HoldingReader* reader,
                    const std::vector<uint64_t>& held, const OnHolding& on_holding) {
  const uint64_t owns = ValueOrThrow(view->FindTerm(Value(Entity{kOwnsPredicate})));
  if (owns == 0 || held.empty()) return;
  const uint64_t facts = ValueOrThrow(view->GetStats(owns)).facts;
  if (held.size() < 64 || held.size() * 16 < facts) {
    for (uint64_t company : held) {
      for (const StoredHolding& h : reader->Holders(company)) on_holding(company, h);
    }
    return;
  }
  const uint64_t share_key = ValueOrThrow(view->FindTerm(Value(Entity{kShareKey})));
  std::shared_ptr<const FactTable> table = ValueOrThrow(FactTable::Read(view, owns));
  std::unordered_map<uint64_t, Value> decoded;  // share term → value
  auto share_of = [&](uint64_t id) -> const Value& {
    auto [it, added] = decoded.try_emplace(id);
    if (added) it->second = ValueOrThrow(view->DecodeTerm(id));
    return it->second;
  };
  size_t next = 0;  // the first company of `held` not passed yet
  for (size_t i = 0; i < table->size() && next < held.size(); ++i) {
    const storage::Triple fact = table->fact(i);
    while (next < held.size() && held[next] < fact.o) ++next;
    if (next == held.size() || held[next] != fact.o) continue;
    // The fact's share as HoldingReader::Holders gives it.
    StoredHolding h{fact.s, Value()};
    table->AnyInstance(i, [&](auto pairs) {
      for (const auto& [key, value] : pairs) {
        if (key != share_key || share_key == 0) continue;
        KeepBetterShare(share_of(value), &h.share);
      }
      return false;
    });
    on_holding(fact.o, h);
  }
}

}  // namespace

namespace {

// The warnings on the holdings for_each(on_holding) gives, as
// on_holding(company, StoredHolding) (HoldingWarnings).
template <typename ForEach>
std::vector<std::string> WarningsOf(HoldingReader* reader, const ForEach& for_each,
                                    std::string_view share_origin) {
  std::vector<std::string> warnings;
  std::unordered_map<uint64_t, double> totals;
  size_t without_share = 0, not_fraction = 0;
  std::string example;
  for_each([&](uint64_t company, const StoredHolding& h) {
    if (h.share.is_null()) {
      ++without_share;
    } else if (!IsFraction(h.share)) {
      if (not_fraction++ == 0) {
        example = reader->Describe(h.other, company) + " with share " + h.share.ToLiteral();
      }
    } else {
      totals[company] += h.share.as_number();
    }
  });
  // Over 100%: the warning names the largest few, so only their names are
  // read (those tied with the last named one too, which the warning orders
  // by name).
  std::vector<std::pair<uint64_t, double>> over_ids;
  for (const auto& [company, total] : totals) {
    if (total > kOverHeldTotal) over_ids.emplace_back(company, total);
  }
  std::sort(over_ids.begin(), over_ids.end(),
            [](const auto& x, const auto& y) { return x.second > y.second; });
  std::vector<std::pair<std::string, double>> over;
  for (size_t i = 0; i < over_ids.size(); ++i) {
    const bool named = i < kNamed || over_ids[i].second == over_ids[kNamed - 1].second;
    over.emplace_back(named ? reader->Name(over_ids[i].first) : std::string(), over_ids[i].second);
  }
  if (!over.empty()) warnings.push_back(OverHeldWarning(std::move(over)));
  if (not_fraction > 0) {
    warnings.push_back(fmt::format(
        "{} a share that is not a fraction from 0 to 1, such as {}: ownership() refuses "
        "them (a file in percent loads with 'share in percent')",
        Plural(not_fraction, "holding has", "holdings have"), example));
  }
  if (without_share > 0) {
    warnings.push_back(without_share == 1
                           ? fmt::format("1 holding has no share ({}): it stays a fact but "
                                         "adds nothing to ownership()",
                                         share_origin)
                           : fmt::format("{} holdings have no share ({}): they stay facts but "
                                         "add nothing to ownership()",
                                         without_share, share_origin));
  }
  return warnings;
}

// The share an added holding's instance gives, as StoredHolding holds it.
Value ShareOf(const AddedHolding& h, const std::vector<Value>& values) {
  if (h.value >= 0) return values[static_cast<size_t>(h.value)];
  return h.numeric ? Value(h.number) : Value();
}

// KeepBetterShare on added holdings.
bool BetterShare(const AddedHolding& share, const AddedHolding& best) {
  if (share.numeric) return !best.numeric || share.number > best.number;
  return share.present && !best.present;
}

}  // namespace

std::vector<std::string> HoldingWarnings(storage::ReadView* view, const std::vector<uint64_t>& held,
                                         std::string_view share_origin) {
  try {
    HoldingReader reader(view);
    return WarningsOf(
        &reader, [&](const auto& on_holding) { ForEachHolding(view, &reader, held, on_holding); },
        share_origin);
  } catch (const QueryError& e) {
    return {"the shares could not be checked: " + e.status().message()};
  }
}

std::vector<std::string> AddedHoldingWarnings(storage::ReadView* view,
                                              std::vector<AddedHolding> holdings,
                                              const std::vector<Value>& values,
                                              std::string_view share_origin) {
  // A fact's instances side by side, in the order the load met them.
  std::stable_sort(holdings.begin(), holdings.end(),
                   [](const AddedHolding& a, const AddedHolding& b) {
                     return a.held != b.held ? a.held < b.held : a.holder < b.holder;
                   });
  try {
    HoldingReader reader(view);
    return WarningsOf(
        &reader,
        [&](const auto& on_holding) {
          for (size_t i = 0; i < holdings.size();) {
            const AddedHolding* best = &holdings[i];
            size_t j = i + 1;
            for (; j < holdings.size() && holdings[j].held == best->held &&
                   holdings[j].holder == best->holder;
                 ++j) {
              if (BetterShare(holdings[j], *best)) best = &holdings[j];
            }
            on_holding(best->held, StoredHolding{best->holder, ShareOf(*best, values)});
            i = j;
          }
        },
        share_origin);
  } catch (const QueryError& e) {
    return {"the shares could not be checked: " + e.status().message()};
  }
}

}  // namespace quipu::query
