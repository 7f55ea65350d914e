// Ownership arithmetic checked against an independent computation: a dense
// solver written here straight from the definition's matrix form, on random
// graphs with cycles and on the KEK registry (../shared/data/kek), through
// the solver and through the language (ownership(), call controllers), and
// the loading of shares in percent, and where the shell prints warnings.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "query/ownership.h"
#include "repl/shell.h"
#include "tests/import_util.h"

using quipu::query::Holding;
using quipu::query::HoldingList;
using quipu::query::OwnershipOptions;
using quipu::query::OwnershipSolver;
using quipu::testing::LoadFixture;

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
  REQUIRE(solver->HoldersOf(x, 0, &holders));
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
      REQUIRE(solver.HoldersOf(b, 0, &holders));
      std::vector<double> listed(n, 0);
      for (const Holding& h : holders) listed[h.node] = h.share;
      // With a minimum, exactly the holders that reach it, with the same
      // shares (the members of a cycle below it are skipped, not guessed).
      for (const double min_share : {0.05, 0.2, 0.5}) {
        INFO("min_share " << min_share);
        std::vector<Holding> above;
        REQUIRE(solver.HoldersOf(b, min_share, &above));
        std::vector<double> listed_above(n, -1);
        for (const Holding& h : above) listed_above[h.node] = h.share;
        for (uint32_t a = 0; a < n; ++a) {
          INFO("holder " << a << " of " << b);
          if (a == b) continue;
          if (dense[a][b] >= min_share + kClose)
            CHECK(listed_above[a] == Approx(dense[a][b]).margin(kClose));
          if (dense[a][b] < min_share - kClose) CHECK(listed_above[a] == -1);
        }
      }
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
    CHECK_FALSE(solver.HoldersOf(3, 0, &holders));
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

namespace {

std::string Key(uint32_t node) { return "n" + std::to_string(node); }

// The graph as a CSV of holdings in percent (shares are whole hundredths of
// a percent, so "12.34" is exact).
std::string PercentCsv(const std::vector<Edge>& edges) {
  std::string csv = "holder,held,share\n";
  for (const Edge& e : edges) {
    csv += Key(e.holder) + "," + Key(e.held) + "," +
           std::to_string(std::llround(e.share * 10000) / 100) + "." +
           (std::llround(e.share * 10000) % 100 < 10 ? "0" : "") +
           std::to_string(std::llround(e.share * 10000) % 100) + "\n";
  }
  return csv;
}

// The rows of a result as (first column's entity key → the other columns).
std::map<std::string, std::vector<quipu::Value>> ByEntity(const quipu::QueryResult& r) {
  std::map<std::string, std::vector<quipu::Value>> out;
  for (const auto& row : r.rows) {
    out[row.at(0).as_entity().key] = std::vector<quipu::Value>(row.begin() + 1, row.end());
  }
  return out;
}

}  // namespace

TEST_CASE("ownership() and call controllers agree with the dense solve", "[ownership]") {
  const uint32_t n = 36;
  std::mt19937 rng(7);
  const std::vector<Edge> edges = RandomGraph(&rng, n, 3, false);
  LoadFixture f;
  const std::string file = f.File("holdings.csv", PercentCsv(edges));
  f.Ok("load csv '" + file + "' as edges owns from holder to held share in percent");
  Matrix dense(n, std::vector<double>(n));
  for (uint32_t a = 0; a < n; ++a) {
    for (uint32_t b = 0; b < n; ++b) dense[a][b] = DenseOwnership(n, edges, a, b);
  }

  // Every pair at once, in one statement (a node scan finds the nodes with
  // a holding).
  std::set<uint32_t> present;
  for (const Edge& e : edges) present.insert({e.holder, e.held});
  const quipu::QueryResult all = f.Ok("match (a), (b) return a, b, ownership(a, b)");
  REQUIRE(all.rows.size() == present.size() * present.size());
  for (const auto& row : all.rows) {
    const uint32_t a = std::stoul(row[0].as_entity().key.substr(1));
    const uint32_t b = std::stoul(row[1].as_entity().key.substr(1));
    INFO("ownership(" << a << ", " << b << ")");
    CHECK(row[2].as_number() == Approx(dense[a][b]).margin(kClose));
  }

  for (const std::string text : {"1e-300", "0.05", "0.3"}) {
    const double threshold = std::stod(text);
    for (uint32_t x = 0; x < n; ++x) {
      const auto rows =
          ByEntity(f.Ok("call controllers(@" + Key(x) + ", threshold: " + text + ")"));
      for (uint32_t w = 0; w < n; ++w) {
        INFO("controllers(" << x << ", threshold: " << threshold << "): " << w);
        const bool expected = w != x && dense[w][x] > 0 && dense[w][x] >= threshold - kClose;
        REQUIRE(rows.count(Key(w)) == (expected ? 1u : 0u));
        if (!expected) continue;
        CHECK(rows.at(Key(w))[0].as_number() == Approx(dense[w][x]).margin(kClose));
        bool held = false;
        for (uint32_t y = 0; y < n; ++y) {
          held = held || (dense[y][w] > 0 && dense[y][w] >= threshold - kClose);
        }
        CHECK(rows.at(Key(w))[1].as_bool() == !held);
      }
    }
  }
}

TEST_CASE("KEK: ownership() and controllers agree with the dense solve on every company",
          "[ownership][data]") {
  const std::string dir = quipu::testing::SharedData("kek");
  if (dir.empty()) return;
  LoadFixture f;
  const quipu::QueryResult loaded = f.Ok("load csv '" + dir +
                                         "/kek_shares.csv' as edges owns from shareholder to "
                                         "owns share in percent");
  CHECK(loaded.warnings ==
        std::vector<std::string>{
            "the holders of 16 companies total more than 100% (the shares are used as given): "
            "<2627> 115.29%, <409> 108.92%, <2649> 105%, <1499> 103.3%, <1737> 101.1%, …",
            "47 holdings have no share (no 'share' annotation on the owns fact): they stay facts "
            "but add nothing to ownership()"});

  // The holdings as the file states them, read here independently.
  std::ifstream in(dir + "/kek_shares.csv");
  std::string line;
  std::getline(in, line);
  std::map<std::string, uint32_t> node_of;
  std::vector<std::string> keys;
  auto node = [&](const std::string& key) {
    auto [it, added] = node_of.emplace(key, static_cast<uint32_t>(keys.size()));
    if (added) keys.push_back(key);
    return it->second;
  };
  std::vector<Edge> edges;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string holder, held, share;
    std::getline(fields, holder, ',');
    std::getline(fields, held, ',');
    std::getline(fields, share, ',');
    if (!share.empty() && share.back() == '\r') share.pop_back();
    if (share.empty()) continue;
    edges.push_back(Edge{node(holder), node(held), std::stod(share + "e-2")});
  }
  const uint32_t n = static_cast<uint32_t>(keys.size());
  std::vector<std::vector<Edge>> holders_of(n);
  for (const Edge& e : edges) holders_of[e.held].push_back(e);

  // For each company b, over the nodes with a walk to b (the only ones that
  // matter): M = (I − S)^-1 without b's outgoing shares, and ownership(a, b)
  // = M[a][b] / M[a][a] (the identity checked on random graphs above).
  std::map<std::pair<uint32_t, uint32_t>, double> expected;
  size_t companies = 0, cycles_met = 0;
  for (uint32_t b = 0; b < n; ++b) {
    if (holders_of[b].empty()) continue;
    ++companies;
    std::vector<uint32_t> up{b};
    std::map<uint32_t, uint32_t> local{{b, 0}};
    for (size_t i = 0; i < up.size(); ++i) {
      for (const Edge& e : holders_of[up[i]]) {
        if (e.holder != b && local.emplace(e.holder, up.size()).second) up.push_back(e.holder);
      }
    }
    std::vector<Edge> sub;
    for (uint32_t v : up) {
      for (const Edge& e : holders_of[v]) {
        if (local.count(e.holder)) sub.push_back(Edge{local[e.holder], local[v], e.share});
      }
    }
    const uint32_t m = static_cast<uint32_t>(up.size());
    const Matrix base = IdentityMinusShares(m, sub, m, 0);
    std::vector<double> column_b(m, 0), unit(m, 0);
    unit[0] = 1;
    column_b = Solve(base, unit);
    const auto rows = ByEntity(f.Ok("call controllers(<" + keys[b] + ">, threshold: 1e-300)"));
    CHECK(rows.size() == m - 1);
    for (uint32_t l = 1; l < m; ++l) {
      std::vector<double> unit_l(m, 0);
      unit_l[l] = 1;
      const double diagonal = Solve(base, unit_l)[l];
      cycles_met += diagonal > 1;
      const double share = column_b[l] / diagonal;
      expected[{up[l], b}] = share;
      INFO("ownership(<" << keys[up[l]] << ">, <" << keys[b] << ">)");
      REQUIRE(rows.count(keys[up[l]]) == 1);
      CHECK(rows.at(keys[up[l]])[0].as_number() == Approx(share).margin(kClose));
    }
  }
  CHECK(companies == 1372);  // held by someone with a share
  CHECK(cycles_met > 0);     // KEK's cycles were on the way

  // ownership() of every direct holding, in one statement.
  const quipu::QueryResult direct =
      f.Ok("match (a)-[o:owns]->(b) where o.share is not null return a, b, ownership(a, b)");
  CHECK(direct.rows.size() == edges.size());
  for (const auto& row : direct.rows) {
    const auto it =
        expected.find({node_of.at(row[0].as_entity().key), node_of.at(row[1].as_entity().key)});
    INFO(row[0].ToString() << " " << row[1].ToString());
    if (it == expected.end()) {  // a company's holding in itself
      CHECK(row[0] == row[1]);
      CHECK(row[2].as_number() == 0);
      continue;
    }
    CHECK(row[2].as_number() == Approx(it->second).margin(kClose));
  }
}

TEST_CASE("share in percent stores exact fractions; a bad field is a bad record",
          "[ownership][import]") {
  LoadFixture f;
  const std::string good = f.File("good.csv",
                                  "from,to,share,note\n"
                                  "a,b,38.85,x\n"
                                  "a,c,100,x\n"
                                  "b,c,2.5e1,x\n"
                                  "c,d,+5,x\n"
                                  "d,e,,x\n");
  f.Ok("load csv '" + good + "' as edges owns from from to to share in percent");
  CHECK(f.Rows("match (x)-[o:owns]->(y) return x, y, o.share order by x, y") ==
        std::vector<std::string>{"@a | @b | 0.3885", "@a | @c | 1", "@b | @c | 0.25",
                                 "@c | @d | 0.05", "@d | @e | null"});
  CHECK(f.Rows("match (@a)-[o:owns]->(@b) return o.share = 0.3885") ==
        std::vector<std::string>{"true"});
  // Quoted names and percent columns on nodes work the same way.
  const std::string nodes = f.File("nodes.csv", "id,free_float\nq,12.5\n");
  f.Ok("load csv '" + nodes + "' as nodes Company key id \"free_float\" in percent");
  CHECK(f.Rows("match (c:Company) return c.free_float") == std::vector<std::string>{"0.125"});

  const std::string bad = f.File("bad.csv", "from,to,share\na,b,12%\n");
  CHECK(f.Error("load csv '" + bad + "' as edges owns from from to to share in percent") ==
        "error: " + bad +
            ":2:1: '12%' in column 'share' is not a number (the column is in "
            "percent)");
  CHECK(f.Error("load csv '" + bad + "' as edges owns from from to to stake in percent") ==
        "error: cannot load '" + bad +
            "': no column 'stake' in the header (the columns are from, to, share)");
  CHECK(f.Error("load csv '" + bad + "' as edges owns from from to to to in percent") ==
        "error: cannot load '" + bad + "': the column 'to' holds entity keys, not percentages");
}

TEST_CASE("a load that adds holdings reports totals over 100% and unusable shares",
          "[ownership][import]") {
  LoadFixture f;
  const std::string over = f.File("over.csv",
                                  "holder,held,share\n"
                                  "a,x,0.7\n"
                                  "b,x,0.5\n"
                                  "a,y,0.6\n"
                                  "b,y,0.4\n"
                                  "c,y,\n");
  CHECK(f.Ok("load csv '" + over + "' as edges owns from holder to held").warnings ==
        std::vector<std::string>{
            "the holders of 1 company total more than 100% (the shares are used as given): @x "
            "120%",
            "1 holding has no share (no 'share' annotation on the owns fact): it stays a fact but "
            "adds nothing to ownership()"});
  const std::string percent = f.File("percent.csv", "holder,held,share\nd,z,60\ne,z,30\n");
  CHECK(
      f.Ok("load csv '" + percent + "' as edges owns from holder to held").warnings ==
      std::vector<std::string>{
          "2 holdings have a share that is not a fraction from 0 to 1, such as (@d)-[:owns]->(@z) "
          "with share 60: ownership() refuses them (a file in percent loads with 'share in "
          "percent')"});
  // A load without holdings checks nothing.
  const std::string other = f.File("other.csv", "a,b\np,q\n");
  CHECK(f.Ok("load csv '" + other + "' as edges knows from a to b").warnings.empty());
}

// Into a store without holdings the load checks the shares it met (no
// read back); into one with holdings it reads the companies' holders. Both
// pick a fact's share among its instances alike.
TEST_CASE("a load's share check gives the same warnings with or without holdings before",
          "[ownership][import]") {
  const std::string rows =
      "holder,held,share\n"
      "a,x,0.7\n"
      "a,x,0.9\n"  // a second instance of (a)-[:owns]->(x): the larger share counts
      "b,x,0.2\n"
      "c,y,abc\n"
      "c,y,0.3\n"  // a number beats a text
      "d,y,\n"
      "e,z,1.5\n";
  const std::vector<std::string> expected{
      "the holders of 1 company total more than 100% (the shares are used as given): @x 110%",
      "1 holding has a share that is not a fraction from 0 to 1, such as (@e)-[:owns]->(@z) with "
      "share 1.5: ownership() refuses them (a file in percent loads with 'share in percent')",
      "1 holding has no share (no 'share' annotation on the owns fact): it stays a fact but adds "
      "nothing to ownership()"};
  LoadFixture fresh;
  CHECK(fresh.Ok("load csv '" + fresh.File("h.csv", rows) + "' as edges owns from holder to held")
            .warnings == expected);
  LoadFixture held;
  held.Ok("insert (@p)-[:owns {share: 0.5}]->(@q)");
  CHECK(held.Ok("load csv '" + held.File("h.csv", rows) + "' as edges owns from holder to held")
            .warnings == expected);
}

TEST_CASE("the shell prints the result on standard output and warnings on standard error",
          "[ownership]") {
  LoadFixture f;
  f.Ok("insert (@a)-[:owns {share: 0.7}]->(@x), (@b)-[:owns {share: 0.5}]->(@x)");
  std::ostringstream out, err;
  quipu::repl::Shell shell(&f.db(), out, err);
  shell.set_format(quipu::repl::OutputFormat::kCsv);
  CHECK(shell.RunScript("call controllers(@x, threshold: 0.5) yield controller, share;", "") ==
        quipu::repl::kExitOk);
  CHECK(out.str() == "controller,share\n@a,0.7\n@b,0.5\n");
  CHECK(err.str() ==
        "warning: the holders of 1 company total more than 100% (the shares are used as given): "
        "@x 120%\n");
}

TEST_CASE("the holdings a database keeps between statements go with every write", "[ownership]") {
  LoadFixture f;
  f.Ok("insert (@a)-[:owns {share: 0.7}]->(@x), (@t)-[:owns {share: 0.5}]->(@a)");
  auto shares = [&] {
    return f.Rows("call controllers(@x, threshold: 0.1) yield controller, share");
  };
  const std::vector<std::string> before{"@a | 0.7", "@t | 0.35"};
  CHECK(shares() == before);
  f.Ok("insert (@b)-[:owns {share: 0.2}]->(@x)");
  CHECK(shares() == std::vector<std::string>{"@a | 0.7", "@t | 0.35", "@b | 0.2"});
  f.Ok("merge (@t)-[:owns {share: 0.9}]->(@b)");
  CHECK(shares() == std::vector<std::string>{"@a | 0.7", "@t | 0.53", "@b | 0.2"});
  f.Ok("delete (@b)-[:owns]->(@x)");
  CHECK(shares() == before);
  const std::string file = f.File("more.csv", "holder,held,share\nc,x,10\n");
  f.Ok("load csv '" + file + "' as edges owns from holder to held share in percent");
  CHECK(shares() == std::vector<std::string>{"@a | 0.7", "@t | 0.35", "@c | 0.1"});
}

TEST_CASE("statements reading holdings on threads while another writes see their snapshot",
          "[ownership]") {
  LoadFixture f;
  f.Ok("insert (@a)-[:owns {share: 0.7}]->(@x), (@b:Company)");
  std::atomic<bool> done{false};
  std::atomic<int> inconsistent{0}, reads{0};
  // One statement reads the holdings twice: as facts (its snapshot) and
  // through ownership() (the kept holdings, when they are of that
  // snapshot). x has direct holders only, so the two sums agree.
  auto reader = [&] {
    while (!done) {
      auto r = f.db().Execute(
          "match (h)-[o:owns]->(@x) return sum(o.share) as direct, sum(ownership(h, @x)) as "
          "total");
      if (!r.ok() ||
          std::fabs(r->rows.at(0).at(0).as_number() - r->rows.at(0).at(1).as_number()) > 1e-9) {
        ++inconsistent;
      }
      ++reads;
    }
  };
  std::thread r1(reader), r2(reader);
  for (int i = 0; i < 100; ++i) {
    for (const char* share : {"0.2", "0.1"}) {
      REQUIRE(f.db().Execute(std::string("insert (@b)-[:owns {share: ") + share + "}]->(@x)").ok());
      REQUIRE(f.db().Execute("delete (@b)-[:owns]->(@x)").ok());
    }
  }
  done = true;
  r1.join();
  r2.join();
  CHECK(reads > 0);
  CHECK(inconsistent == 0);
}
