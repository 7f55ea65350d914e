// Estimator: rows a pattern produces, from the exact per-predicate
// statistics. Alone, a pattern's facts are taken as spread evenly over its
// subjects and objects; joined on a node another pattern bound, the spread
// of both patterns' degrees there (their sums of squared degrees) adds the
// rows their hubs meet on (JoinRows).
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "query/bound.h"
#include "query/expression.h"
#include "storage/store.h"

namespace quipu::query {

// One end of a pattern as the statistics see it: the rows the pattern
// gives (its facts, twice for an undirected pattern), the distinct nodes at
// this end, and the sum over them of their squared degrees (0: unknown).
struct EndStats {
  double rows = 0;
  double nodes = 0;
  double sq = 0;
  // The spread of the degrees: Σ(d - mean)² = Σd² - rows²/nodes, 0 when
  // unknown or even.
  double Spread() const {
    if (sq <= 0 || nodes <= 0) return 0;
    return std::max(0.0, sq - rows * rows / nodes);
  }
};

// How strongly the degrees of two patterns at the node they share are
// assumed to go together: 0 when a hub of one is no more likely a hub of
// the other, 1 when their degrees rise together as far as Cauchy-Schwarz
// allows (see JoinRows). The statistics are per predicate and cannot tell;
// an underestimate costs far more than an overestimate (a hash table sized
// for 229k rows that gets 7M, as the triangle showed), so the estimate leans
// to the high side. docs/architecture.md, "Planning", has the measurements.
inline constexpr double kDegreeCorrelation = 1.0;

class Estimator {
 public:
  // `filters`: the conditions of the patterns estimated (where, or a
  // group's), read for the predicates a predicate variable is limited to
  // (`-[:a|b]->`, `where r in [...]` of a relationship variable r among
  // `facts`); both may be null.
  explicit Estimator(storage::ReadView* view, const std::vector<BoundExpr>* filters = nullptr,
                     const std::vector<FactVar>* facts = nullptr)
      : view_(view) {
    std::vector<std::pair<uint64_t, storage::PredicateStats>> all;
    if (Status s = view_->AllStats(&all); !s.ok()) throw QueryError(s);
    for (const auto& [p, st] : all) {
      stats_[p] = st;
      total_.facts += st.facts;
      total_.subjects = std::max(total_.subjects, st.subjects);
      total_.objects = std::max(total_.objects, st.objects);
    }
    if (filters != nullptr) ReadPredicateSets(*filters, facts);
  }

  // Rows one pattern produces per input row, given which slots are bound.
  double Rows(const BoundPattern& p, const std::vector<bool>& bound) const {
    if (p.node_scan) {
      const bool known_node = !p.s.is_slot || bound[p.s.slot];
      return known_node ? 1.0 : static_cast<double>(total_.subjects + total_.objects);
    }
    auto known = [&](const Ref& r) { return !r.is_slot || bound[r.slot]; };
    if (p.var) return PathRows(p, known(p.s), known(p.o));
    const std::optional<std::vector<uint64_t>> predicates = PredicatesOf(p, known(p.p));
    const storage::PredicateStats st = predicates ? Combined(*predicates) : total_;
    // A node written in the text (not a $parameter: a kept plan serves
    // every value) at one end: the length of its lists, exact. A
    // university with 15 departments or a class with 5,916 members is not
    // the predicate's average.
    const bool s_constant = !p.s.is_slot && p.s.param < 0;
    const bool o_constant = !p.o.is_slot && p.o.param < 0;
    if (predicates && s_constant != o_constant) {
      const uint64_t id = s_constant ? p.s.id : p.o.id;
      double rows = 0;
      for (const uint64_t predicate : *predicates) {
        rows += ConstantEndFacts(predicate, id, s_constant);
        if (p.undirected) rows += ConstantEndFacts(predicate, id, !s_constant);
      }
      if (s_constant ? known(p.o) : known(p.s)) {
        rows /= std::max<double>(1, static_cast<double>(s_constant ? st.objects : st.subjects));
      }
      return rows;
    }
    // An object a condition holds to a few ids (BoundPattern::object_choices):
    // their lists' lengths, exact; the condition itself then keeps every row
    // (KeepsEveryRow).
    if (predicates && !p.object_choices.empty() && !known(p.o) && !s_constant) {
      double rows = 0;
      for (const uint64_t predicate : *predicates) {
        for (const uint64_t id : p.object_choices) rows += ConstantEndFacts(predicate, id, false);
      }
      if (known(p.s)) rows /= std::max<double>(1, static_cast<double>(st.subjects));
      return rows;
    }
    double rows = static_cast<double>(st.facts);
    if (known(p.s)) rows /= std::max<double>(1, static_cast<double>(st.subjects));
    if (known(p.o)) rows /= std::max<double>(1, static_cast<double>(st.objects));
    if (known(p.p) && p.p.is_slot) rows /= std::max<double>(1, stats_.size());
    return p.undirected ? 2 * rows : rows;
  }

  // The predicates pattern p's predicate variable is limited to by a
  // condition on every row (`where r in [<a>, <b>]`, `-[:a|b]->`), sorted,
  // without repeats: a scan can read each one's facts instead of all. A
  // free one, in a scan of every fact with its instances: every stored
  // predicate. Null when the predicate is a constant, bound by then, free
  // otherwise, or also an end.
  std::optional<std::vector<uint64_t>> PredicateChoices(const BoundPattern& p,
                                                        const std::vector<bool>& bound) const {
    if (p.node_scan || p.var || !p.p.is_slot || bound[p.p.slot]) return std::nullopt;
    if ((p.s.is_slot && p.s.slot == p.p.slot) || (p.o.is_slot && p.o.slot == p.p.slot)) {
      return std::nullopt;
    }
    if (std::optional<std::vector<uint64_t>> set = PredicatesOf(p, false)) return set;
    // A scan of every fact that reads the facts' instances (a relationship
    // variable, as of, with confidence) makes one point read per fact in
    // the spo order: 13 us a row where a one-predicate scan, reading its
    // predicate's instances whole (fact_table.h), takes 0.4. Every stored
    // predicate in turn is the same facts at that cost.
    auto known = [&](const Ref& r) { return !r.is_slot || bound[r.slot]; };
    if ((p.fact < 0 && p.fact_filter < 0) || p.undirected || known(p.s) || known(p.o)) {
      return std::nullopt;
    }
    std::vector<uint64_t> all;
    all.reserve(stats_.size());
    for (const auto& [id, st] : stats_) all.push_back(id);
    std::sort(all.begin(), all.end());
    return all;
  }

  // The end of pattern p at its subject (or object), or nullopt when the
  // predicate is not one constant with statistics.
  std::optional<EndStats> End(const BoundPattern& p, bool subject) const {
    if (p.node_scan || p.var) return std::nullopt;
    const std::optional<std::vector<uint64_t>> predicates = PredicatesOf(p, false);
    if (!predicates) return std::nullopt;
    if (!p.p.is_slot && !stats_.count(p.p.id)) return std::nullopt;
    const storage::PredicateStats st = Combined(*predicates);
    const bool known = st.degrees_known();
    const double facts = static_cast<double>(st.facts);
    const double subjects = static_cast<double>(st.subjects);
    const double objects = static_cast<double>(st.objects);
    const double subject_sq = known ? static_cast<double>(st.subject_sq) : 0;
    const double object_sq = known ? static_cast<double>(st.object_sq) : 0;
    if (!p.undirected) {
      return subject ? EndStats{facts, subjects, subject_sq} : EndStats{facts, objects, object_sq};
    }
    // Either end of an undirected pattern is a node's out and in facts
    // together: (out + in)² = out² + in² + 2·out·in, the cross term taken
    // as if the two were unrelated, over the larger set of nodes.
    const double nodes = std::max(subjects, objects);
    const double cross = nodes > 0 ? facts * facts / nodes : 0;
    return EndStats{2 * facts, nodes, known ? subject_sq + object_sq + 2 * cross : 0};
  }

  // Rows pattern p produces per input row when the one node it shares with
  // the input is bound at the end `at` (its subject or object) and was bound
  // by the end `from` of another pattern, whose rows the input's are. Among
  // the rows of `from`, a node of degree d_R appears d_R times, so the rows
  // p adds per input row are Σ d_R·d_S / |R| over the shared nodes. Writing
  // each degree as its end's mean plus a deviation,
  //   Σ d_R·d_S ≈ |R|·|S|/n_S + ρ·sqrt(spread_R · spread_S),
  // the first term the even spread Rows assumes (every value of R is among
  // the n_S of S), the second the covariance of the two degrees, which
  // Cauchy-Schwarz bounds by the product of their spreads; ρ is
  // kDegreeCorrelation. Without spread on either side (no hubs, or a
  // format-4 database read-only) it is Rows exactly.
  double JoinRows(const BoundPattern& p, const std::vector<bool>& bound, bool at_subject,
                  const EndStats& from) const {
    const double even = Rows(p, bound);
    const std::optional<EndStats> to = End(p, at_subject);
    if (!to || from.rows <= 0) return even;
    const double skew = kDegreeCorrelation * std::sqrt(from.Spread() * to->Spread()) / from.rows;
    return even + skew;
  }

 private:
  // The predicates pattern p may have: its constant, or those its
  // predicate variable is limited to when that is not bound (`p_bound`);
  // null for any.
  std::optional<std::vector<uint64_t>> PredicatesOf(const BoundPattern& p, bool p_bound) const {
    if (!p.p.is_slot) return std::vector<uint64_t>{p.p.id};
    if (p_bound) return std::nullopt;
    auto it = slot_predicates_.find(p.p.slot);
    if (it == slot_predicates_.end()) return std::nullopt;
    return it->second;
  }

  // The statistics of several predicates as one: facts and squared degrees
  // add up; the distinct nodes are taken as the largest set's (alternatives
  // such as memberOf|worksFor mostly meet the same nodes).
  storage::PredicateStats Combined(const std::vector<uint64_t>& predicates) const {
    storage::PredicateStats out;
    bool degrees = true;
    for (const uint64_t id : predicates) {
      auto it = stats_.find(id);
      if (it == stats_.end()) continue;
      const storage::PredicateStats& st = it->second;
      out.facts += st.facts;
      out.subjects = std::max(out.subjects, st.subjects);
      out.objects = std::max(out.objects, st.objects);
      out.subject_sq += st.subject_sq;
      out.object_sq += st.object_sq;
      degrees = degrees && st.degrees_known();
    }
    if (!degrees) out.subject_sq = out.object_sq = 0;
    return out;
  }

  // Conjuncts `v in [<a>, <b>, …]` of entity constants on a slot, which
  // `-[:a|b]->` binds too: the predicates a predicate variable may take.
  void ReadPredicateSets(const std::vector<BoundExpr>& filters, const std::vector<FactVar>* facts) {
    for (const BoundExpr& f : filters) {
      if (f.kind != BoundExpr::Kind::kBinary || f.op != ExprOp::kIn || f.args.size() != 2) continue;
      const BoundExpr& tested = f.args[0];
      uint32_t slot = 0;
      if (tested.kind == BoundExpr::Kind::kSlot) {
        slot = tested.slot;
      } else if (tested.kind == BoundExpr::Kind::kFact && facts != nullptr && tested.fact >= 0 &&
                 (*facts)[static_cast<size_t>(tested.fact)].p.is_slot) {
        slot = (*facts)[static_cast<size_t>(tested.fact)].p.slot;
      } else {
        continue;
      }
      std::vector<Value> names;
      const BoundExpr& list = f.args[1];
      if (list.kind == BoundExpr::Kind::kConst && list.constant.type() == Value::Type::kList) {
        names = list.constant.as_list();
      } else if (list.kind == BoundExpr::Kind::kList) {
        for (const BoundExpr& item : list.args) {
          if (item.kind != BoundExpr::Kind::kConst) {
            names.clear();
            break;
          }
          names.push_back(item.constant);
        }
      }
      if (names.empty() || !std::all_of(names.begin(), names.end(), [](const Value& v) {
            return v.type() == Value::Type::kEntity;
          })) {
        continue;
      }
      std::vector<uint64_t> ids;
      for (const Value& name : names) {
        Result<uint64_t> id = view_->FindTerm(name);
        if (!id.ok()) throw QueryError(id.status());
        if (*id != 0) ids.push_back(*id);
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      slot_predicates_[slot] = std::move(ids);
    }
  }

  // The facts of predicate p with `id` as their subject (or object): the
  // length of its list, read once per estimator.
  double ConstantEndFacts(uint64_t p, uint64_t id, bool subject) const {
    if (p == 0 || id == 0) return 0;
    const auto key = std::make_tuple(p, id, subject);
    auto it = constant_ends_.find(key);
    if (it == constant_ends_.end()) {
      const storage::TriplePattern pattern =
          subject ? storage::TriplePattern{id, p, 0} : storage::TriplePattern{0, p, id};
      std::unique_ptr<storage::TripleCursor> cursor = view_->Scan(pattern);
      std::vector<storage::Triple> batch;
      uint64_t n = 0;
      for (size_t got; (got = cursor->Next(&batch, 1024)) > 0; batch.clear()) n += got;
      if (!cursor->status().ok()) throw QueryError(cursor->status());
      it = constant_ends_.emplace(key, static_cast<double>(n)).first;
    }
    return it->second;
  }

  // Walks of min..max hops, with each node's fan-out the predicate's average
  // degree; lengths past the fourth beyond the minimum are not counted.
  double PathRows(const BoundPattern& p, bool s_known, bool o_known) const {
    const VarLength& v = *p.var;
    storage::PredicateStats st = total_;
    if (p.p.id != 0 || v.predicate_absent) {
      st = storage::PredicateStats{};
      for (uint64_t id : v.predicates) {
        auto it = stats_.find(id);
        if (it == stats_.end()) continue;
        st.facts += it->second.facts;
        st.subjects += it->second.subjects;
        st.objects += it->second.objects;
      }
    }
    const double facts = static_cast<double>(st.facts);
    const double subjects = std::max<double>(1, static_cast<double>(st.subjects));
    const double objects = std::max<double>(1, static_cast<double>(st.objects));
    if (v.mode == VarLength::Mode::kShortest || v.mode == VarLength::Mode::kAllShortest) {
      return s_known && o_known ? 1.0 : facts;
    }
    double fan = (s_known || !o_known) ? facts / subjects : facts / objects;
    if (p.undirected) fan *= 2;
    double walks = v.min_hops == 0 ? 1.0 : 0.0;
    const uint64_t first = std::max<uint32_t>(1, v.min_hops);
    const uint64_t last = std::min<uint64_t>(v.max_hops, first + 3);
    for (uint64_t k = first; k <= last; ++k) walks += std::pow(fan, static_cast<double>(k));
    if (s_known && o_known) return std::max(walks / objects, 0.0);
    if (!s_known && !o_known) walks *= subjects;
    return walks;
  }

  storage::ReadView* view_;
  std::unordered_map<uint32_t, std::vector<uint64_t>> slot_predicates_;
  mutable std::map<std::tuple<uint64_t, uint64_t, bool>, double> constant_ends_;
  std::unordered_map<uint64_t, storage::PredicateStats> stats_;
  storage::PredicateStats total_;
};

// The slots a pattern binds: its variables and its fact's instance slot.
inline std::vector<uint32_t> SlotsOf(const BoundPattern& p, const std::vector<FactVar>& facts) {
  std::vector<uint32_t> out;
  for (const Ref& r : {p.s, p.p, p.o}) {
    if (r.is_slot) out.push_back(r.slot);
  }
  if (p.fact >= 0) {
    out.push_back(facts[p.fact].hash_slot);
    if (facts[p.fact].reversed_slot >= 0) out.push_back(facts[p.fact].reversed_slot);
  }
  if (p.var && p.var->path_slot >= 0) out.push_back(static_cast<uint32_t>(p.var->path_slot));
  return out;
}

}  // namespace quipu::query
