// Estimator: rows a pattern produces, from the exact per-predicate
// statistics. Alone, a pattern's facts are taken as spread evenly over its
// subjects and objects; joined on a node another pattern bound, the spread
// of both patterns' degrees there (their sums of squared degrees) adds the
// rows their hubs meet on (JoinRows).
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
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
  explicit Estimator(storage::ReadView* view) : view_(view) {
    std::vector<std::pair<uint64_t, storage::PredicateStats>> all;
    if (Status s = view_->AllStats(&all); !s.ok()) throw QueryError(s);
    for (const auto& [p, st] : all) {
      stats_[p] = st;
      total_.facts += st.facts;
      total_.subjects = std::max(total_.subjects, st.subjects);
      total_.objects = std::max(total_.objects, st.objects);
    }
  }

  // Rows one pattern produces per input row, given which slots are bound.
  double Rows(const BoundPattern& p, const std::vector<bool>& bound) const {
    if (p.node_scan) {
      const bool known_node = !p.s.is_slot || bound[p.s.slot];
      return known_node ? 1.0 : static_cast<double>(total_.subjects + total_.objects);
    }
    auto known = [&](const Ref& r) { return !r.is_slot || bound[r.slot]; };
    if (p.var) return PathRows(p, known(p.s), known(p.o));
    storage::PredicateStats st = total_;
    if (known(p.p) && !p.p.is_slot) {
      auto it = stats_.find(p.p.id);
      st = it == stats_.end() ? storage::PredicateStats{} : it->second;
    }
    double rows = static_cast<double>(st.facts);
    if (known(p.s)) rows /= std::max<double>(1, static_cast<double>(st.subjects));
    if (known(p.o)) rows /= std::max<double>(1, static_cast<double>(st.objects));
    if (known(p.p) && p.p.is_slot) rows /= std::max<double>(1, stats_.size());
    return p.undirected ? 2 * rows : rows;
  }

  // The end of pattern p at its subject (or object), or nullopt when the
  // predicate is not one constant with statistics.
  std::optional<EndStats> End(const BoundPattern& p, bool subject) const {
    if (p.node_scan || p.var || p.p.is_slot) return std::nullopt;
    auto it = stats_.find(p.p.id);
    if (it == stats_.end()) return std::nullopt;
    const storage::PredicateStats& st = it->second;
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
