// Unit tests of the optimizer's choices on a graph with known statistics:
// join order by estimated rows (whatever the written order), join kind by
// cost, filter push-down, constant folding, and the index permutation.
#include "query/optimizer.h"

#include <catch2/catch.hpp>

#include "grammar/parser.h"
#include "query/binder.h"
#include "quipu/database.h"
#include "storage/store.h"
#include "tests/test_util.h"

namespace {

using quipu::query::LogicalPlan;
using quipu::query::PlanStep;

// 2,000 `link` facts among 1,000 nodes, 10 `rare` facts, one `name` each.
struct Graph {
  Graph() {
    {
      auto db = quipu::Database::Open(dir.path());
      REQUIRE(db.ok());
      std::string insert = "insert ";
      for (int i = 0; i < 1000; ++i) {
        insert += (i ? ", " : "") +
                  fmt("(@n{} {{name: \"n{}\"}})-[:link]->(@n{})", i, i, (i * 7 + 1) % 1000);
        insert += fmt(", (@n{})-[:link]->(@n{})", i, (i * 13 + 5) % 1000);
        if (i % 100 == 0) insert += fmt(", (@n{})-[:rare]->(@n{})", i, i + 1);
      }
      REQUIRE((*db)->Execute(insert + ";").ok());
    }
    auto store = quipu::storage::OpenRocksDbStore(dir.path(), {});
    REQUIRE(store.ok());
    this->store = std::move(*store);
    view = this->store->BeginRead();
  }

  template <typename... Args>
  static std::string fmt(const char* pattern, Args... args) {
    std::string out = pattern;
    for (const std::string& a : {std::to_string(args)...}) {
      const size_t at = out.find("{}");
      out.replace(at, 2, a);
    }
    size_t at;
    while ((at = out.find("{{")) != std::string::npos) out.replace(at, 2, "{");
    while ((at = out.find("}}")) != std::string::npos) out.replace(at, 2, "}");
    return out;
  }

  // Binds `text` and optimizes it; the bound query stays in `bound`.
  LogicalPlan Plan(const std::string& text,
                   quipu::query::JoinChoice joins = quipu::query::JoinChoice::kByCost) {
    auto stmt = quipu::grammar::ParseStatement(text);
    REQUIRE(stmt.ok());
    auto q = quipu::query::BindMatch(stmt->match, view.get(), params);
    REQUIRE(q.ok());
    bound = std::move(*q);
    const quipu::query::Estimator est(view.get());
    return quipu::query::Optimize(bound, est, std::max<uint32_t>(1, bound.num_slots), joins);
  }

  // The labels of the patterns in the order the plan matches them.
  std::vector<std::string> Order(const LogicalPlan& plan) const {
    std::vector<std::string> out;
    for (const PlanStep& s : plan.steps) out.push_back(bound.patterns[s.index].label);
    return out;
  }

  quipu::testing::TempDir dir{"optimizer"};
  std::unique_ptr<quipu::storage::Store> store;
  std::unique_ptr<quipu::storage::ReadView> view;
  quipu::Params params;
  quipu::query::BoundQuery bound;
};

}  // namespace

TEST_CASE("join order follows estimated rows, not the written order", "[optimizer]") {
  Graph g;
  const auto a = g.Order(g.Plan("match (x)-[:link]->(y), (x)-[:rare]->(z) return x;"));
  const auto b = g.Order(g.Plan("match (x)-[:rare]->(z), (x)-[:link]->(y) return x;"));
  CHECK(a == b);
  REQUIRE(a.size() == 2);
  CHECK(a[0] == "(x)-[:rare]->(z)");  // 10 facts before 2,000
}

TEST_CASE("join kind: bind join for few input rows, hash join for many", "[optimizer]") {
  Graph g;
  LogicalPlan few = g.Plan("match (x)-[:rare]->(z), (x)-[:link]->(y) return x;");
  REQUIRE(few.steps.size() == 2);
  CHECK(few.steps[0].kind == PlanStep::Kind::kScan);
  CHECK(few.steps[1].kind == PlanStep::Kind::kBindJoin);  // 10 seeks beat a 2,000-row scan

  // 2,000 seeks lose to one scan when each probe must seek: the fact is read.
  LogicalPlan many = g.Plan("match (x)-[:link]->(y), (y)-[r:link]->(z) return r;");
  REQUIRE(many.steps.size() == 2);
  CHECK(many.steps[1].kind == PlanStep::Kind::kHashJoin);
  REQUIRE(many.steps[1].keys.size() == 1);

  // Nothing of the fact read: after 64 seeks the bind join reads `link` whole
  // (PatternMatcher::UseAdjacency) and a probe costs a row, less than a hash
  // join's build and probe.
  LogicalPlan adjacency = g.Plan("match (x)-[:link]->(y), (y)-[:link]->(z) return x;");
  REQUIRE(adjacency.steps.size() == 2);
  CHECK(adjacency.steps[1].kind == PlanStep::Kind::kBindJoin);

  LogicalPlan forced = g.Plan("match (x)-[:link]->(y), (y)-[:link]->(z) return x;",
                              quipu::query::JoinChoice::kBindOnly);
  CHECK(forced.steps[1].kind == PlanStep::Kind::kBindJoin);

  LogicalPlan cross = g.Plan("match (x)-[:rare]->(y), (a)-[:rare]->(b) return x;");
  CHECK(cross.steps[1].kind == PlanStep::Kind::kCrossProduct);
}

TEST_CASE("filters run right after the step that binds their variables", "[optimizer]") {
  Graph g;
  LogicalPlan plan = g.Plan(
      "match (x)-[:rare]->(z), (x)-[:link]->(y), (y)-[:link]->(w) "
      "where z <> x and w <> x and y.name starts with \"n1\" return x;");
  REQUIRE(plan.steps.size() == 3);
  // where a and b and c is three filters; z <> x runs after the first step.
  REQUIRE(g.bound.filters.size() == 3);
  CHECK(plan.steps[0].filters == std::vector<size_t>{0});
  CHECK(plan.steps[1].filters == std::vector<size_t>{2});  // y is bound by the second
  CHECK(plan.steps[2].filters == std::vector<size_t>{1});
}

TEST_CASE("constants are folded when the statement is bound", "[optimizer]") {
  Graph g;
  g.Plan("match (x {name: \"n5\"}) where 1 + 1 = 2 and x.name <> \"a\" + \"b\" return x;");
  // 1 + 1 = 2 folds to true and is dropped; "a" + "b" folds to "ab".
  REQUIRE(g.bound.filters.size() == 1);
  const quipu::query::BoundExpr& f = g.bound.filters[0];
  REQUIRE(f.args.size() == 2);
  CHECK(f.args[1].kind == quipu::query::BoundExpr::Kind::kConst);
  CHECK(f.args[1].constant == quipu::Value("ab"));
}

TEST_CASE("explain names the permutation chosen by the bound positions", "[optimizer]") {
  quipu::testing::TempDir dir("optimizer-perm");
  auto db = quipu::Database::Open(dir.path());
  REQUIRE(db.ok());
  REQUIRE((*db)->Execute("insert (@a)-[:p]->(@b);").ok());
  auto line = [&](const std::string& q) {
    auto r = (*db)->Execute("explain " + q);
    REQUIRE(r.ok());
    return r->rows.back()[0].as_string();
  };
  CHECK(line("match (@a)-[p]->(o) return o;").find("via spo") != std::string::npos);
  CHECK(line("match (s)-[:p]->(o) return o;").find("via pos") != std::string::npos);
  CHECK(line("match (s)-[:p]->(@b) return s;").find("via pos") != std::string::npos);
  CHECK(line("match (s)-[p]->(@b) return s;").find("via osp") != std::string::npos);
  CHECK(line("match (@a)-[p]->(@b) return p;").find("via osp") != std::string::npos);
  CHECK(line("match (s)-[]->(o) return s;").find("via spo") != std::string::npos);
  // A relationship variable reads instances: every fact, predicate by predicate.
  CHECK(line("match (s)-[p]->(o) return s;").find("via pos for 1 predicate") != std::string::npos);
}

TEST_CASE("two scans ordered by the variable they share merge-join", "[optimizer]") {
  Graph g;
  // Both scans go through pos with the predicate bound: ordered by the object
  // x. The second reads its fact (r), so a bind join would seek per row.
  LogicalPlan plan = g.Plan("match (a)-[:link]->(x), (b)-[r:link]->(x) return count(r);");
  REQUIRE(plan.steps.size() == 2);
  CHECK(plan.steps[1].kind == PlanStep::Kind::kMergeJoin);
  // Nothing of the second fact read: its probes take the adjacency, cheaper
  // than reading the scan again.
  LogicalPlan kept = g.Plan("match (a)-[:link]->(x), (b)-[:link]->(x) return count(*);");
  CHECK(kept.steps[1].kind == PlanStep::Kind::kBindJoin);
  // Ordered by different variables: no merge.
  LogicalPlan other = g.Plan("match (a)-[:link]->(x), (x)-[:link]->(b) return count(*);");
  CHECK(other.steps[1].kind != PlanStep::Kind::kMergeJoin);
}

// A join on a hub: 500 x reach the hub h by `a` (and 500 more reach a node
// of their own), and the hub has 500 `b` objects (each other node one).
// The join has 500·500 + 500 = 250,500 rows; facts spread evenly would
// give 1,000 · 1,000 / 501 ≈ 1,996. The squared degrees see the hub.
TEST_CASE("a join on a hub is estimated from the squared degrees", "[optimizer][stats]") {
  quipu::testing::TempDir dir{"optimizer-hub"};
  {
    auto db = quipu::Database::Open(dir.path());
    REQUIRE(db.ok());
    std::string insert = "insert ";
    for (int i = 0; i < 500; ++i) {
      insert += i ? ", " : "";
      insert += Graph::fmt("(@x{})-[:a]->(@hub), (@hub)-[:b]->(@y{})", i, i);
      insert += Graph::fmt(", (@u{})-[:a]->(@v{}), (@v{})-[:b]->(@w{})", i, i, i, i);
    }
    REQUIRE((*db)->Execute(insert + ";").ok());
    auto count = (*db)->Execute("match (x)-[:a]->(h), (h)-[:b]->(y) return count(*);");
    REQUIRE(count.ok());
    CHECK(count->rows[0][0] == quipu::Value(int64_t{250500}));
  }
  auto store = quipu::storage::OpenRocksDbStore(dir.path(), {});
  REQUIRE(store.ok());
  auto view = (*store)->BeginRead();
  auto stmt = quipu::grammar::ParseStatement("match (x)-[:a]->(h), (h)-[:b]->(y) return x, y;");
  REQUIRE(stmt.ok());
  auto q = quipu::query::BindMatch(stmt->match, view.get(), quipu::Params());
  REQUIRE(q.ok());
  const quipu::query::Estimator est(view.get());
  const LogicalPlan plan =
      quipu::query::Optimize(*q, est, q->num_slots, quipu::query::JoinChoice::kByCost);
  REQUIRE(plan.steps.size() == 2);
  CHECK(plan.steps[0].estimated_rows == 1000);
  CHECK(plan.steps[1].estimated_rows > 250500 / 2);
  CHECK(plan.steps[1].estimated_rows < 250500 * 2);
}

// Without hubs the squared degrees change nothing: `link` gives every node
// about two facts out and two in (a few collide), so the two-hop join is
// the even spread's estimate, the first step's rows times facts per
// subject, within the little spread the collisions leave.
TEST_CASE("even degrees estimate joins as before", "[optimizer][stats]") {
  Graph g;
  const LogicalPlan plan = g.Plan("match (x)-[:link]->(y), (y)-[:link]->(z) return x, z;");
  REQUIRE(plan.steps.size() == 2);
  const quipu::query::Estimator est(g.view.get());
  const double even = est.Rows(g.bound.patterns[plan.steps[1].index], plan.steps[1].bound_before);
  CHECK(plan.steps[1].estimated_rows == Approx(plan.steps[0].estimated_rows * even).epsilon(0.001));
  CHECK(plan.steps[1].estimated_rows == Approx(4000).epsilon(0.01));
}
