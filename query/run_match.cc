#include "query/run_match.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string_view>

#include "query/binder.h"
#include "query/expression.h"
#include "query/item_ids.h"
#include "query/match_plan.h"
#include "query/memory_budget.h"
#include "query/output_operators.h"
#include "query/plan_printer.h"
#include "query/planner.h"
#include "query/value_table.h"

namespace quipu::query {
namespace {

// A bound match with the context its operators run in; neither moves, as
// the operators keep pointers to both. The query is the plan's template
// itself when it reads no parameters, else `instantiated`.
struct PreparedMatch {
  std::shared_ptr<const MatchPlan> plan;  // null: `instantiated` was bound alone
  BoundQuery instantiated;
  ExecContext ctx;
  const LogicalPlan* logical() const { return plan != nullptr ? &plan->logical : nullptr; }
};

std::unique_ptr<PreparedMatch> NewPrepared(storage::ReadView* view, const StatementEnv& env,
                                           ValueTable* values) {
  auto prepared = std::make_unique<PreparedMatch>();
  ExecContext& ctx = prepared->ctx;
  ctx.view = view;
  ctx.values = values;
  ctx.env = &env;
  return prepared;
}

// Match part `part` of a statement (0, or a union's part): its plan from
// the statement's cache when one fits, else made now (and cached).
std::unique_ptr<PreparedMatch> Prepare(const ast::MatchStatement& match, size_t part,
                                       storage::ReadView* view, const StatementEnv& env,
                                       ValueTable* values) {
  std::unique_ptr<PreparedMatch> prepared = NewPrepared(view, env, values);
  // Plans are made by cost; the tests' forced joins are planned each time.
  PlanCache* cache = env.joins == JoinChoice::kByCost ? env.plans : nullptr;
  std::shared_ptr<const MatchPlan> plan;
  if (cache != nullptr) plan = cache->Find(part, env.plans_version, *env.params);
  if (plan == nullptr) {
    plan = MakeMatchPlan(match, view, *env.params, env.joins);
    if (cache != nullptr) cache->Add(part, env.plans_version, plan);
  }
  prepared->plan = plan;
  ExecContext& ctx = prepared->ctx;
  ctx.width = plan->width;
  if (plan->query.reads_params) {
    prepared->instantiated = ValueOrThrow(Instantiate(plan->query, view, *env.params));
    ctx.query = &prepared->instantiated;
  } else {
    ctx.query = &plan->query;
  }
  return prepared;
}

// A match bound for this run alone, into a query the caller may change.
std::unique_ptr<PreparedMatch> PrepareOnce(const ast::MatchStatement& match,
                                           storage::ReadView* view, const StatementEnv& env,
                                           ValueTable* values) {
  std::unique_ptr<PreparedMatch> prepared = NewPrepared(view, env, values);
  prepared->instantiated = ValueOrThrow(BindMatch(match, view, *env.params));
  prepared->ctx.query = &prepared->instantiated;
  prepared->ctx.width = std::max<uint32_t>(1, prepared->instantiated.num_slots);
  return prepared;
}

// Runs the plan rooted at `root` (rows of item ids) and returns its first
// `columns` columns as values; explain and profile return the plan instead.
QueryResult RunPlan(Operator* root, const ExecContext& ctx, size_t columns,
                    ast::Statement::Mode mode, std::vector<std::string> names) {
  if (mode == ast::Statement::Mode::kExplain) return PlanResult(*root, false, 0, 0);
  QueryResult result;
  result.is_query = true;
  result.columns = std::move(names);
  Evaluator eval(ctx.view, &ctx.query->facts);
  eval.set_context(&ctx);
  uint64_t decode_nanos = 0;
  // Rows a profile counts are not returned: the row limit does not apply.
  const uint64_t max_rows =
      mode == ast::Statement::Mode::kProfile ? 0 : ctx.env->limits.max_result_rows;
  MemoryCharge charge(ctx.env->memory, "the result", "", "row");
  Chunk chunk;
  while (root->Pull(&chunk)) {
    const auto started = std::chrono::steady_clock::now();
    for (size_t r = 0; r < chunk.rows(); ++r) {
      if (max_rows != 0 && result.rows.size() >= max_rows) {
        throw QueryError(ResultRowsExceeded(max_rows));
      }
      const uint64_t* row = chunk.row(r);
      std::vector<Value> out;
      out.reserve(columns);
      uint64_t bytes = sizeof(out);
      for (size_t c = 0; c < columns; ++c) {
        out.push_back(eval.Decode(row[c]));
        bytes += ValueBytes(out.back());
      }
      charge.Add(bytes);
      result.rows.push_back(std::move(out));
    }
    decode_nanos += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now() - started)
                                              .count());
  }
  if (mode == ast::Statement::Mode::kProfile) {
    return PlanResult(*root, true, decode_nanos, result.rows.size());
  }
  return result;
}

// Adds the binder's warnings about names the database lacks, each name
// once (a union's parts may name it again, at other places).
void AddWarnings(const BoundQuery& q, QueryResult* result) {
  auto what = [](const std::string& w) {
    return std::string_view(w).substr(0, w.rfind(" (line "));
  };
  for (const std::string& w : q.warnings) {
    const bool known = std::any_of(result->warnings.begin(), result->warnings.end(),
                                   [&](const std::string& x) { return what(x) == what(w); });
    if (!known) result->warnings.push_back(w);
  }
}

}  // namespace

QueryResult RunMatch(const ast::MatchStatement& match, ast::Statement::Mode mode,
                     storage::ReadView* view, const StatementEnv& env) {
  ValueTable values(env.memory);
  std::unique_ptr<PreparedMatch> prepared = Prepare(match, 0, view, env, &values);
  const BoundQuery& q = *prepared->ctx.query;
  PhysicalPlan plan = PlanQuery(&prepared->ctx, prepared->logical());
  QueryResult result =
      RunPlan(plan.root.get(), prepared->ctx, q.visible, mode,
              std::vector<std::string>(q.columns.begin(),
                                       q.columns.begin() + static_cast<long>(q.visible)));
  AddWarnings(q, &result);
  return result;
}

QueryResult RunMatchOver(const ast::MatchStatement& match, const QueryResult& input,
                         storage::ReadView* view, const StatementEnv& env) {
  ValueTable values(env.memory);
  std::unique_ptr<PreparedMatch> prepared = NewPrepared(view, env, &values);
  BoundQuery& q = prepared->instantiated;
  q = ValueOrThrow(BindMatchOver(match, view, *env.params, input.columns));
  // The store's id where it has the value (an entity the call found), so
  // patterns join on it; else the id of a computed value.
  q.input_rows.reserve(input.rows.size() * input.columns.size());
  for (const std::vector<Value>& row : input.rows) {
    for (const Value& v : row) {
      uint64_t id = v.is_null() ? 0 : ValueOrThrow(view->FindTerm(v));
      if (id == 0) id = values.Intern(v);
      q.input_rows.push_back(id);
    }
  }
  prepared->ctx.query = &q;
  prepared->ctx.width = std::max<uint32_t>(1, q.num_slots);
  PhysicalPlan plan = PlanQuery(&prepared->ctx);
  QueryResult result =
      RunPlan(plan.root.get(), prepared->ctx, q.visible, ast::Statement::Mode::kRun,
              std::vector<std::string>(q.columns.begin(),
                                       q.columns.begin() + static_cast<long>(q.visible)));
  result.warnings = input.warnings;
  AddWarnings(q, &result);
  return result;
}

namespace {

// A union of matches on one snapshot, as one Union operator over the parts'
// plans. Every part returns the same columns.
QueryResult RunUnion(const ast::Statement& statement, storage::ReadView* view,
                     const StatementEnv& env) {
  ValueTable values(env.memory);
  std::vector<std::unique_ptr<PreparedMatch>> prepared;
  std::vector<UnionPart> parts;
  auto add = [&](const ast::MatchStatement& match, bool all) {
    prepared.push_back(Prepare(match, prepared.size(), view, env, &values));
    const BoundQuery& q = *prepared.back()->ctx.query;
    UnionPart part;
    part.root = PlanQuery(&prepared.back()->ctx, prepared.back()->logical()).root;
    part.all = all;
    for (size_t i = 0; i < q.visible; ++i) part.term_columns.push_back(ItemIds::IsTerm(q.items[i]));
    parts.push_back(std::move(part));
  };
  auto columns_of = [](const BoundQuery& q) {
    return std::vector<std::string>(q.columns.begin(),
                                    q.columns.begin() + static_cast<long>(q.visible));
  };
  add(statement.match, false);
  const std::vector<std::string> first_columns = columns_of(*prepared[0]->ctx.query);
  for (size_t i = 0; i < statement.union_parts.size(); ++i) {
    add(statement.union_parts[i], statement.union_all[i]);
    const std::vector<std::string> columns = columns_of(*prepared.back()->ctx.query);
    if (columns != first_columns) {
      auto list = [](const std::vector<std::string>& c) {
        std::string out;
        for (const std::string& s : c) out += (out.empty() ? "" : ", ") + s;
        return out;
      };
      const ast::Pos pos = statement.union_pos[i];
      throw QueryError(Status::SemanticError(
          "every part of a union must return the same columns: [" + list(first_columns) +
              "] and [" + list(columns) + "] differ (rename with 'as')",
          pos.line, pos.column));
    }
  }
  const ExecContext& ctx = prepared[0]->ctx;
  std::unique_ptr<Operator> root = MakeUnion(&ctx, std::move(parts), first_columns.size());
  root->estimated_rows = 0;
  for (const Operator* child : root->Children()) root->estimated_rows += child->estimated_rows;
  QueryResult result =
      RunPlan(root.get(), ctx, first_columns.size(), statement.mode, first_columns);
  for (const auto& part : prepared) AddWarnings(*part->ctx.query, &result);
  return result;
}

}  // namespace

// explain why PATTERN: for each relationship of the pattern, every instance
// of every fact it matches, with its source, validity and confidence; one
// union part per relationship over the same bound pattern, made distinct.
QueryResult RunExplainWhy(const ast::Statement& statement, storage::ReadView* view,
                          const StatementEnv& env) {
  const ast::MatchClause& clause = statement.match.clauses.at(0);
  std::vector<const ast::RelPattern*> rels;
  for (const ast::PathPattern& path : clause.patterns) {
    if (!path.variable.empty() || path.mode != ast::PathPattern::Mode::kTrail) {
      FailAt("explain why takes a pattern of facts: no path variable, shortest or acyclic",
             path.variable.empty() ? path.mode_pos : path.variable_pos);
    }
    for (const ast::RelPattern& rel : path.rels) {
      if (rel.var_length) {
        FailAt("explain why takes relationships of one fact, not -[*]->", rel.hops_pos);
      }
      if (rel.direction == ast::RelPattern::Direction::kBoth) {
        FailAt("explain why needs each relationship's direction: -[:p]-> or <-[:p]-", rel.pos);
      }
      rels.push_back(&rel);
    }
  }
  if (rels.empty()) {
    FailAt("explain why needs a relationship, such as (@a)-[:owns]->(b)", statement.pos);
  }
  ValueTable values(env.memory);
  const std::vector<std::string> columns = {"from",  "predicate", "to",        "source",
                                            "since", "until",     "confidence"};
  std::vector<std::unique_ptr<PreparedMatch>> prepared;
  std::vector<UnionPart> parts;
  for (size_t k = 0; k < rels.size(); ++k) {
    prepared.push_back(PrepareOnce(statement.match, view, env, &values));
    BoundQuery& q = prepared.back()->instantiated;
    // Every relationship is named, so fact variable k is relationship k.
    const FactVar& fact = q.facts.at(k);
    auto end = [&](const Ref& r) {
      BoundExpr e;
      if (r.is_slot) {
        e.kind = BoundExpr::Kind::kSlot;
        e.slot = r.slot;
      } else {
        e.constant = ValueOrThrow(view->DecodeTerm(r.id));
      }
      return e;
    };
    auto annotation = [&](const char* key) {
      BoundExpr e;
      e.kind = BoundExpr::Kind::kFactProperty;
      e.fact = static_cast<int>(k);
      e.name = key;
      e.key_id = ValueOrThrow(view->FindTerm(Value(Entity{key})));
      return e;
    };
    BoundExpr predicate;
    predicate.kind = BoundExpr::Kind::kFact;
    predicate.fact = static_cast<int>(k);
    q.items = {end(fact.s),
               std::move(predicate),
               end(fact.o),
               annotation("source"),
               annotation("since"),
               annotation("until"),
               annotation("confidence")};
    q.columns = columns;
    q.visible = columns.size();
    q.distinct = true;  // a fact behind several matches shows once
    UnionPart part;
    part.root = PlanQuery(&prepared.back()->ctx).root;
    for (const BoundExpr& item : q.items) part.term_columns.push_back(ItemIds::IsTerm(item));
    parts.push_back(std::move(part));
  }
  const ExecContext& ctx = prepared[0]->ctx;
  std::unique_ptr<Operator> root = MakeUnion(&ctx, std::move(parts), columns.size());
  QueryResult result =
      RunPlan(root.get(), ctx, columns.size(), ast::Statement::Mode::kRun, columns);
  for (const auto& part : prepared) AddWarnings(*part->ctx.query, &result);
  return result;
}

QueryResult RunMatchStatement(const ast::Statement& statement, storage::ReadView* view,
                              const StatementEnv& env) {
  if (statement.union_parts.empty()) return RunMatch(statement.match, statement.mode, view, env);
  return RunUnion(statement, view, env);
}

Status ResultRowsExceeded(uint64_t limit) {
  return Status::InvalidArgument(fmt::format(
      "the statement returned more than {} rows (the limit 'rows': :limit rows N in the shell, "
      "QueryLimits::max_result_rows in the API); add 'limit {}' to keep the first {}, or raise "
      "the limit",
      limit, limit, limit));
}

}  // namespace quipu::query
