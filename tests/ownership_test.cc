// Ownership arithmetic checked against an independent computation: a dense
// solver written here straight from the definition's matrix form, on random
// graphs with cycles.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "query/ownership.h"

using quipu::query::Holding;
using quipu::query::HoldingList;
using quipu::query::OwnershipOptions;
using quipu::query::OwnershipSolver;

namespace {

struct Edge {
  uint32_t holder, held;
  double share;
};

using Matrix = std::vector<std::vector<double>>;

// Solves m · x = rhs by Gaussian elimination with partial pivoting.
std::vector<double> Solve(Matrix m, std::vector<double> rhs) {
  const size_t n = m.size();
  for (size_t c = 0; c < n; ++c) {
    size_t pivot = c;
    for (size_t r = c + 1; r < n; ++r) {
      if (std::fabs(m[r][c]) > std::fabs(m[pivot][c])) pivot = r;
    }
    std::swap(m[c], m[pivot]);
    std::swap(rhs[c], rhs[pivot]);
    REQUIRE(m[c][c] != 0);
    for (size_t r = c + 1; r < n; ++r) {
      const double f = m[r][c] / m[c][c];
      if (f == 0) continue;
      for (size_t k = c; k < n; ++k) m[r][k] -= f * m[c][k];
      rhs[r] -= f * rhs[c];
    }
  }
  std::vector<double> x(n);
  for (size_t i = n; i-- > 0;) {
    double sum = rhs[i];
    for (size_t k = i + 1; k < n; ++k) sum -= m[i][k] * x[k];
    x[i] = sum / m[i][i];
  }
  return x;
}

// I − S over n nodes, leaving out the holdings into `no_in` and out of
// `no_out`.
Matrix IdentityMinusShares(uint32_t n, const std::vector<Edge>& edges, uint32_t no_in,
                           uint32_t no_out) {
  Matrix m(n, std::vector<double>(n, 0));
  for (uint32_t i = 0; i < n; ++i) m[i][i] = 1;
  for (const Edge& e : edges) {
    if (e.held != no_in && e.holder != no_out) m[e.holder][e.held] -= e.share;
  }
  return m;
}

// The definition: with a's incoming and b's outgoing shares removed,
// entry (a, b) of (I − S)^-1, i.e. x_a where (I − S) x = e_b.
double DenseOwnership(uint32_t n, const std::vector<Edge>& edges, uint32_t a, uint32_t b) {
  if (a == b) return 0;
  std::vector<double> unit(n, 0);
  unit[b] = 1;
  return Solve(IdentityMinusShares(n, edges, a, b), unit)[a];
}

// n nodes; nodes below `top` are held by no one. Every other node gets a
// holder of lower index (so each cycle has a holder outside it) and up to
// three more anywhere, itself included, their shares totalling `total` at
// most (exactly, with `exact`). Shares are whole hundredths of a percent.
std::vector<Edge> RandomGraph(std::mt19937* rng, uint32_t n, uint32_t top, bool exact) {
  std::vector<Edge> edges;
  std::uniform_real_distribution<double> unit(0, 1);
  for (uint32_t v = top; v < n; ++v) {
    std::vector<uint32_t> holders{static_cast<uint32_t>((*rng)() % v)};
    const uint32_t extra = (*rng)() % 4;
    for (uint32_t k = 0; k < extra; ++k) holders.push_back((*rng)() % n);
    std::sort(holders.begin(), holders.end());
    holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
    std::vector<double> weights;
    double sum = 0;
    for (size_t k = 0; k < holders.size(); ++k) sum += weights.emplace_back(0.05 + unit(*rng));
    const double total = exact ? 1.0 : 0.3 + 0.7 * unit(*rng);
    int64_t left = static_cast<int64_t>(std::llround(total * 10000));
    for (size_t k = 0; k < holders.size(); ++k) {
      const int64_t basis_points =
          k + 1 == holders.size() ? left : std::llround(weights[k] / sum * total * 10000);
      left -= basis_points;
      if (basis_points > 0) edges.push_back(Edge{holders[k], v, basis_points / 10000.0});
    }
  }
  return edges;
}

HoldingList ToList(uint32_t n, const std::vector<Edge>& edges) {
  HoldingList list(n);
  for (const Edge& e : edges) list.Add(e.holder, e.held, e.share);
  return list;
}

// The solver's HoldersOf(x) by node.
std::map<uint32_t, double> HoldersOf(OwnershipSolver* solver, uint32_t x) {
  std::vector<Holding> holders;
  REQUIRE(solver->HoldersOf(x, &holders));
  std::map<uint32_t, double> by_node;
  for (const Holding& h : holders) by_node[h.node] = h.share;
  return by_node;
}

constexpr double kClose = 1e-9;

}  // namespace

TEST_CASE("the solver agrees with a dense solve on random graphs with cycles", "[ownership]") {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    const uint32_t n = 12 + 8 * seed;  // 20 to 60 nodes
    std::mt19937 rng(seed);
    const std::vector<Edge> edges = RandomGraph(&rng, n, 3, false);
    HoldingList list = ToList(n, edges);
    OwnershipSolver solver(&list);
    INFO("seed " << seed << ", " << n << " nodes, " << edges.size() << " holdings");
    Matrix dense(n, std::vector<double>(n));
    for (uint32_t a = 0; a < n; ++a) {
      for (uint32_t b = 0; b < n; ++b) dense[a][b] = DenseOwnership(n, edges, a, b);
    }
    bool cycle = false;
    for (uint32_t a = 0; a < n; ++a) {
      for (uint32_t b = 0; b < a; ++b) cycle = cycle || (dense[a][b] > 0 && dense[b][a] > 0);
    }
    REQUIRE(cycle);  // the graphs are meant to have cycles
    for (uint32_t b = 0; b < n; ++b) {
      std::vector<Holding> holders;
      REQUIRE(solver.HoldersOf(b, &holders));
      std::vector<double> listed(n, 0);
      for (const Holding& h : holders) listed[h.node] = h.share;
      for (uint32_t a = 0; a < n; ++a) {
        INFO("ownership(" << a << ", " << b << ")");
        double share = -1;
        REQUIRE(solver.Ownership(a, b, &share));
        CHECK(share == Approx(dense[a][b]).margin(kClose));
        CHECK(listed[a] == Approx(dense[a][b]).margin(kClose));
      }
    }
    // The identity the KEK test below relies on: with only b's outgoing
    // shares removed and M = (I − S)^-1, ownership(a, b) = M[a][b] / M[a][a].
    for (uint32_t b = 0; b < n; b += 7) {
      Matrix inverse_columns(n);
      for (uint32_t c = 0; c < n; ++c) {
        std::vector<double> unit(n, 0);
        unit[c] = 1;
        inverse_columns[c] = Solve(IdentityMinusShares(n, edges, n, b), unit);
      }
      for (uint32_t a = 0; a < n; ++a) {
        if (a == b) continue;
        CHECK(inverse_columns[b][a] / inverse_columns[a][a] == Approx(dense[a][b]).margin(kClose));
      }
    }
  }
}

// True when b's holdings lead back to a holder of b other than b itself.
bool OnCycle(uint32_t n, const std::vector<Edge>& edges, uint32_t b) {
  std::vector<bool> seen(n, false);
  std::vector<uint32_t> queue{b};
  for (size_t i = 0; i < queue.size(); ++i) {
    for (const Edge& e : edges) {
      if (e.holder != queue[i] || e.held == b || seen[e.held]) continue;
      seen[e.held] = true;
      queue.push_back(e.held);
    }
  }
  for (const Edge& e : edges) {
    if (e.held == b && e.holder != b && (seen[e.holder] || e.holder == b)) return true;
  }
  return false;
}

TEST_CASE("holders no one owns own at most 100%, exactly 100% when every total is", "[ownership]") {
  size_t equalities = 0;
  for (uint32_t seed = 11; seed <= 14; ++seed) {
    const uint32_t n = 40, top = 4;
    for (const bool exact : {true, false}) {
      std::mt19937 rng(seed);
      const std::vector<Edge> edges = RandomGraph(&rng, n, top, exact);
      HoldingList list = ToList(n, edges);
      OwnershipSolver solver(&list);
      for (uint32_t b = top; b < n; ++b) {
        // At the top, those no one owns own b, less what b holds of itself
        // directly, or through holdings of its own that come back to it
        // (walks reach b only at their end).
        double self = 0;
        for (const Edge& e : edges) self += e.holder == b && e.held == b ? e.share : 0;
        double sum = 0;
        for (uint32_t u = 0; u < top; ++u) {
          double share = 0;
          REQUIRE(solver.Ownership(u, b, &share));
          CHECK(share <= 1 + kClose);
          sum += share;
        }
        INFO("seed " << seed << ", company " << b << ", exact " << exact);
        if (exact && !OnCycle(n, edges, b)) {
          CHECK(sum == Approx(1 - self).margin(kClose));
          ++equalities;
        } else {
          CHECK(sum <= 1 - self + kClose);
        }
      }
    }
  }
  CHECK(equalities > 20);
}

TEST_CASE("hand-made graphs: chain, diamond, cycle, self-loop", "[ownership]") {
  auto ownership = [](HoldingList* list, uint32_t a, uint32_t b) {
    OwnershipSolver solver(list);
    double share = -1;
    REQUIRE(solver.Ownership(a, b, &share));
    return share;
  };
  SECTION("a chain multiplies; no walk is 0; ownership of itself is 0") {
    HoldingList list = ToList(4, {{0, 1, 0.5}, {1, 2, 0.4}});
    CHECK(ownership(&list, 0, 2) == Approx(0.2));
    CHECK(ownership(&list, 2, 0) == 0);
    CHECK(ownership(&list, 0, 3) == 0);
    CHECK(ownership(&list, 1, 1) == 0);
  }
  SECTION("a diamond adds its two walks") {
    HoldingList list = ToList(4, {{0, 1, 0.5}, {0, 2, 0.5}, {1, 3, 0.4}, {2, 3, 0.6}});
    CHECK(ownership(&list, 0, 3) == Approx(0.5));
  }
  SECTION("a cross-holding on the way counts its turns; returns to either end do not") {
    // 0 holds 60% of 1; 1 and 2 hold 50% and 40% of each other; 2 holds
    // half of 3.
    HoldingList list = ToList(4, {{0, 1, 0.6}, {1, 2, 0.5}, {2, 1, 0.4}, {2, 3, 0.5}});
    // 0 → 1 → 2 → 3 with any number of turns 1 → 2 → 1 between:
    // 0.6 · 0.5 / (1 − 0.5 · 0.4) · 0.5.
    CHECK(ownership(&list, 0, 3) == Approx(0.1875));
    // Walks reach the target only at their end: no turns after 0 → 1 → 2.
    CHECK(ownership(&list, 0, 2) == Approx(0.3));
    // Walks never return to the source: from 1, just 1 → 2 → 3; from 2,
    // just 2 → 3.
    CHECK(ownership(&list, 1, 3) == Approx(0.25));
    CHECK(ownership(&list, 2, 3) == Approx(0.5));
    CHECK(ownership(&list, 2, 1) == Approx(0.4));
    OwnershipSolver solver(&list);
    const std::map<uint32_t, double> by_node = HoldersOf(&solver, 3);
    CHECK(by_node.size() == 3);
    CHECK(by_node.at(0) == Approx(0.1875));
    CHECK(by_node.at(1) == Approx(0.25));
    CHECK(by_node.at(2) == Approx(0.5));
  }
  SECTION("a self-holding in the middle counts its loops; at either end it does not") {
    HoldingList list = ToList(3, {{0, 1, 0.6}, {1, 1, 0.1}, {1, 2, 0.5}, {2, 2, 0.2}});
    CHECK(ownership(&list, 0, 2) == Approx(0.6 * 0.5 / 0.9));
    CHECK(ownership(&list, 1, 2) == Approx(0.5));
    CHECK(ownership(&list, 0, 1) == Approx(0.6));
  }
}

TEST_CASE("a cycle that compounds to 100% or more fails, naming a node of it", "[ownership]") {
  SECTION("more than 100%: the sums blow up") {
    HoldingList list = ToList(4, {{0, 1, 0.5}, {1, 2, 1.0}, {2, 1, 1.0}, {1, 1, 0.5}, {2, 3, 0.5}});
    OwnershipSolver solver(&list);
    double share = 0;
    CHECK_FALSE(solver.Ownership(0, 3, &share));
    CHECK(solver.failure().diverged);
    CHECK(solver.failure().cycle == std::vector<uint32_t>{1, 2});
  }
  SECTION("exactly 100%: the sums grow forever, and the sweeps run out") {
    HoldingList list = ToList(4, {{0, 1, 0.5}, {1, 2, 1.0}, {2, 1, 1.0}, {2, 3, 0.5}});
    OwnershipOptions options;
    options.max_sweeps = 2000;
    OwnershipSolver solver(&list, options);
    double share = 0;
    CHECK_FALSE(solver.Ownership(0, 3, &share));
    CHECK_FALSE(solver.failure().diverged);
    std::vector<Holding> holders;
    CHECK_FALSE(solver.HoldersOf(3, &holders));
  }
  SECTION("a closed cycle no one else holds still has finite shares for its members") {
    // 1 and 2 own each other entirely; 1 also holds half of 3.
    HoldingList list = ToList(4, {{1, 2, 1.0}, {2, 1, 1.0}, {1, 3, 0.5}});
    OwnershipSolver solver(&list);
    const std::map<uint32_t, double> by_node = HoldersOf(&solver, 3);
    CHECK(by_node.at(1) == Approx(0.5));
    CHECK(by_node.at(2) == Approx(0.5));
  }
}
