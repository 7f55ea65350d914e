// Estimator: rows a pattern produces, from the exact per-predicate
// statistics, assuming facts spread evenly over subjects and objects.
#pragma once

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

#include "query/bound.h"
#include "query/expression.h"
#include "storage/store.h"

namespace quipu::query {

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
