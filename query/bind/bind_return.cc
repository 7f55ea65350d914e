// The output: return items, order by, aggregates, column names, and what
// they allow of the patterns (query/bind/binder.h).
#include "query/bind/binder.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

#include "query/expression.h"

namespace quipu::query {
namespace {

bool SameText(const std::string& a, const std::string& b) {
  auto strip = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(c);
    }
    return out;
  };
  return strip(a) == strip(b);
}

// A canonical text of an expression, to match order by items with returns.
std::string ExprText(const ast::Expr& e) {
  switch (e.kind) {
    case ast::Expr::Kind::kLiteral:
    case ast::Expr::Kind::kEntityRef:
      return e.literal.ToLiteral();
    case ast::Expr::Kind::kVariable:
      return e.name;
    case ast::Expr::Kind::kProperty:
      return ExprText(*e.args[0]) + "." + e.name;
    case ast::Expr::Kind::kCountStar:
      return "count(*)";
    case ast::Expr::Kind::kUnary:
      return "(" + e.name + " " + ExprText(*e.args[0]) + ")";
    case ast::Expr::Kind::kBinary:
      return "(" + ExprText(*e.args[0]) + " " + e.name + " " + ExprText(*e.args[1]) + ")";
    case ast::Expr::Kind::kParameter:
      return "$" + e.name;
    case ast::Expr::Kind::kExists:  // never equal to another expression
      return fmt::format("exists@{}:{}", e.pos.line, e.pos.column);
    case ast::Expr::Kind::kComprehension:
      return "[" + e.name + " in " + ExprText(*e.args[0]) + " where " + ExprText(*e.args[1]) +
             " | " + ExprText(*e.args[2]) + "]";
    case ast::Expr::Kind::kList:
    case ast::Expr::Kind::kCase: {
      std::string out = e.kind == ast::Expr::Kind::kList ? "[" : "case(" + e.name + ";";
      for (size_t i = 0; i < e.args.size(); ++i) {
        out += (i ? "," : "") + ExprText(*e.args[i]);
      }
      return out + (e.has_else ? ";else" : "") + (e.kind == ast::Expr::Kind::kList ? "]" : ")");
    }
    case ast::Expr::Kind::kFunction: {
      std::string out;
      for (char c : e.name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out += "(" + std::string(e.distinct ? "distinct " : "");
      for (size_t i = 0; i < e.args.size(); ++i) {
        out += (i ? "," : "") + ExprText(*e.args[i]);
      }
      return out + ")";
    }
  }
  return "";
}

}  // namespace

void Binder::BindReturn(const ast::MatchStatement& m) {
  for (const ast::ReturnItem& item : m.items) {
    BoundExpr e = BindExpr(*item.expr);
    if (e.HasAggregate()) {
      if (e.kind != BoundExpr::Kind::kAggregate) {
        FailAt("an aggregate must be the whole return item (write it as its own column)", item.pos);
      }
      q_.aggregate = true;
    }
    for (const std::string& existing : q_.columns) {
      if (existing == item.name) {
        FailAt("column name '" + item.name + "' is used twice; rename one with 'as'", item.pos);
      }
    }
    q_.items.push_back(std::move(e));
    q_.columns.push_back(item.name);
  }
  q_.visible = q_.items.size();
  q_.distinct = m.distinct;
  for (const ast::OrderItem& o : m.order) {
    std::optional<uint32_t> column;
    const ast::Expr& e = *o.expr;
    if (e.kind == ast::Expr::Kind::kVariable) {
      for (size_t i = 0; i < m.items.size(); ++i) {
        if (m.items[i].name == e.name) column = static_cast<uint32_t>(i);
      }
    }
    if (!column) {
      // Text of the order expression equal to a returned expression's text?
      const std::string text = ExprText(e);
      for (size_t i = 0; i < m.items.size(); ++i) {
        if (SameText(ExprText(*m.items[i].expr), text)) column = static_cast<uint32_t>(i);
      }
    }
    if (!column) {
      BoundExpr bound = BindExpr(e);
      if (q_.aggregate || q_.distinct || bound.HasAggregate()) {
        FailAt(
            "order by must name a returned column when the result is aggregated or "
            "distinct",
            e.pos);
      }
      column = static_cast<uint32_t>(q_.items.size());
      q_.items.push_back(std::move(bound));
      q_.columns.push_back(ExprText(e));  // not returned; named in plans
    }
    q_.order.push_back(SortKey{*column, o.descending});
  }
}

// comes: each is `distinct`, min or max, and none is nested in another
// item (count(*) and plain count, sum, avg, collect count repeats).
bool Binder::AggregatesIgnoreRepeats() const {
  for (const BoundExpr& item : q_.items) {
    if (item.kind != BoundExpr::Kind::kAggregate) {
      if (item.HasAggregate()) return false;
      continue;
    }
    if (item.args.empty()) return false;  // count(*)
    if (!item.distinct && item.aggregate != AggregateFunction::kMin &&
        item.aggregate != AggregateFunction::kMax) {
      return false;
    }
    for (const BoundExpr& arg : item.args) {
      if (arg.HasAggregate()) return false;
    }
  }
  return true;
}

// With `return distinct` (no aggregate), or aggregates that ignore
// repeated rows (count(distinct x), min, max), how many walks reach an end
// changes nothing; an exists body needs one. A pattern whose walks nothing
// reads may then list each reachable end once (VarLength::ends_only).
void Binder::MarkEndsOnly() {
  auto mark = [](std::vector<BoundPattern>* patterns) {
    for (BoundPattern& p : *patterns) {
      if (!p.var || p.var->path_slot >= 0 || p.var->min_hops > 1) continue;
      if (p.var->mode != VarLength::Mode::kTrail && p.var->mode != VarLength::Mode::kAcyclic) {
        continue;
      }
      p.var->ends_only = true;
    }
  };
  q_.rows_as_set = (q_.distinct && !q_.aggregate) || (q_.aggregate && AggregatesIgnoreRepeats());
  if (q_.rows_as_set) {
    mark(&q_.patterns);
    for (BoundGroup& g : q_.optionals) mark(&g.patterns);
  }
  for (BoundGroup& g : q_.exists_groups) mark(&g.patterns);
}

}  // namespace quipu::query
