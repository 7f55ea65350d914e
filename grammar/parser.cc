// The one translation unit that instantiates PEGTL: parse tree → AST.
#include "grammar/parser.h"

#include <tao/pegtl/contrib/parse_tree.hpp>

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

#include "core/utf8.h"
#include "grammar/errors.h"
#include "grammar/rules.h"

namespace quipu::grammar {
namespace {

namespace pt = pegtl::parse_tree;
using Node = pt::node;

template <typename Rule>
struct Selector
    : pt::selector<
          Rule,
          pt::store_content::on<variable, rel_variable, alias, label_name, prop_key, key_name,
                                iri_body, dq_body, sq_body, decimal_literal, integer_literal,
                                true_literal, false_literal, null_literal, function_name,
                                property_name, mul_op, add_op, comp_op, not_op, count_number,
                                order_direction, return_distinct, distinct_marker>,
          pt::store_content::on<
              list_literal, parameter, param_name, case_expr, case_subject, when_cond, then_value,
              else_value, null_test, is_not, in_test, starts_test, ends_test, contains_test,
              test_operand, explain_stmt, profile_stmt, explained_stmt, query_stmt, union_part,
              union_part_stmt, union_all, optional_match, exists_expr, set_stmt, set_item,
              next_set_item, set_property, set_label, set_value, merge_stmt, show_stmt, show_what,
              describe_stmt, label_iri, property_iri, prop_key_iri, prefix_stmt, prefix_name,
              prefix_iri, next_return_item, next_order_item, next_prop_entry, next_pattern,
              match_stmt, insert_stmt, delete_stmt, match_clause, where_condition, path_pattern,
              node_pattern, next_node, rel_out, rel_in, undirected_end, rel_type, prop_map,
              prop_entry, prop_value, entity_key, iri_ref, string_literal, date_literal,
              datetime_literal, count_star, function_call, negation, return_clause, return_item,
              return_expr, order_clause, order_item, order_expr, skip_clause, limit_clause,
              count_value>,
          pt::store_content::on<why_stmt, as_of_value, during_from, during_to, min_confidence,
                                alternative_name, rel_hops, hops_min, hops_max, hops_exact,
                                hop_condition, path_variable, mode_all_shortest, mode_shortest,
                                mode_acyclic, path_weight_sum>,
          pt::store_content::on<load_stmt, load_csv, load_jsonl, load_rdf, load_path,
                                load_format_name, load_skip, csv_nodes, csv_edges, load_label,
                                load_key_column, load_predicate, load_from_column, load_to_column,
                                csv_rows, rows_variable, key_expr, property_quoted, load_percent,
                                load_percent_column>,
          pt::store_content::on<call_stmt, procedure_name, call_named_arg, call_arg_name,
                                call_arg_value, call_positional_arg, yield_item, next_yield_item,
                                yield_column, call_then>,
          pt::store_content::on<search_stmt, search_text, backup_stmt, backup_path>,
          pt::store_content::on<list_comprehension, comprehension_variable, comprehension_source,
                                comprehension_condition, comprehension_value>,
          pt::fold_one::on<or_expr, and_expr, not_expr, comparison, additive, multiplicative,
                           postfix, property_access>> {};

// An error found while building the AST (a bad literal), with its position.
struct BuildError : std::runtime_error {
  BuildError(const std::string& msg, ast::Pos p) : std::runtime_error(msg), pos(p) {}
  ast::Pos pos;
};

ast::Pos PosOf(const Node& n) {
  const pegtl::position p = n.begin();
  return ast::Pos{static_cast<uint32_t>(p.line), static_cast<uint32_t>(p.column)};
}

// The position of the byte `offset` bytes into the text of `n`.
ast::Pos PosAt(const Node& n, size_t offset) {
  ast::Pos pos = PosOf(n);
  const std::string_view text = n.string_view();
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

// Text that becomes data (a string's or an IRI's body) must be UTF-8 without
// NUL bytes, as \u0000 is refused; the error points at the offending byte.
void CheckText(const Node& n) {
  const std::string_view text = n.string_view();
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    if (text[i] == '\0') throw BuildError("text cannot contain NUL bytes", PosAt(n, at));
    if (NextCodePoint(text, &i) == kNotUtf8) {
      throw BuildError(fmt::format("text must be UTF-8, and byte 0x{:02X} here is not valid UTF-8",
                                   static_cast<unsigned char>(text[at])),
                       PosAt(n, at));
    }
  }
}

// How deep the expression being built nests, against the parser's limit
// (set by ScriptParser::Next for the statement it builds).
struct BuildNesting {
  uint32_t limit = 0;  // 0: no limit
  uint32_t depth = 0;
};
thread_local BuildNesting build_nesting;

// Counts `levels` more levels of nesting while it lives; past the limit it
// throws, before the deeper tree exists (evaluating, binding and freeing an
// expression all recurse on its depth).
class Deeper {
 public:
  Deeper(uint32_t levels, ast::Pos pos) : levels_(levels) {
    if (build_nesting.limit != 0 && build_nesting.depth + uint64_t{levels} > build_nesting.limit) {
      throw BuildError(NestingMessage(build_nesting.limit), pos);
    }
    build_nesting.depth += levels;
  }
  ~Deeper() { build_nesting.depth -= levels_; }
  Deeper(const Deeper&) = delete;
  Deeper& operator=(const Deeper&) = delete;

 private:
  const uint32_t levels_;
};

// The text of a string literal node (dq_body or sq_body child) unescaped.
std::string Unescape(const Node& literal) {
  const Node* body = literal.children.empty() ? nullptr : literal.children[0].get();
  if (body == nullptr) return "";
  CheckText(*body);
  const std::string_view raw = body->string_view();
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out.push_back(raw[i]);
      continue;
    }
    const char c = raw[++i];  // the grammar guarantees a valid escape follows
    switch (c) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        uint32_t cp = 0;
        std::from_chars(raw.data() + i + 1, raw.data() + i + 5, cp, 16);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDFFF) {
          throw BuildError("\\u escape of a lone surrogate is not a character", PosOf(literal));
        }
        if (cp == 0) throw BuildError("strings cannot contain NUL (\\u0000)", PosOf(literal));
        AppendUtf8(&out, cp);
        break;
      }
      default:
        out.push_back(c);
    }
  }
  return out;
}

ast::ExprPtr BuildExpr(const Node& n);
ast::MatchClause BuildClause(const Node& n);

ast::ExprPtr MakeLiteral(Value v, ast::Pos pos) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::Expr::Kind::kLiteral;
  e->pos = pos;
  e->literal = std::move(v);
  return e;
}

// An integer literal's value; one rule for every place that reads one.
int64_t BuildInteger(const Node& n) {
  const std::string text = n.string();
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw BuildError("integer " + text + " is out of range (at most 9223372036854775807)",
                     PosOf(n));
  }
  return v;
}

Value BuildNumber(const Node& n) {
  if (n.is_type<integer_literal>()) return Value(BuildInteger(n));
  const std::string text = n.string();
  double d = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw BuildError(
        "number " + text + " is out of range for a double (sizes from about 4.9e-324 to 1.8e308)",
        PosOf(n));
  }
  return Value(d);
}

// The prefixes of the statement being built (set by ScriptParser::Next).
thread_local const PrefixMap* current_prefixes = nullptr;

// <p:local> with a declared or built-in prefix p names the namespace + local.
std::string ExpandIri(const std::string& iri) {
  static const PrefixMap kBuiltIn = {
      {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
      {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
      {"xsd", "http://www.w3.org/2001/XMLSchema#"},
      {"owl", "http://www.w3.org/2002/07/owl#"},
  };
  const size_t colon = iri.find(':');
  if (colon == std::string::npos || iri.compare(colon + 1, 2, "//") == 0) return iri;
  const std::string prefix = iri.substr(0, colon);
  for (const PrefixMap* map : {current_prefixes, &kBuiltIn}) {
    if (map == nullptr) continue;
    if (auto it = map->find(prefix); it != map->end()) return it->second + iri.substr(colon + 1);
  }
  return iri;
}

Entity BuildEntity(const Node& n) {
  // entity_key → key_name child; iri_ref → iri_body child (maybe empty).
  if (n.is_type<entity_key>()) return Entity{n.children.at(0)->string()};
  if (!n.children.empty()) CheckText(*n.children[0]);
  const std::string iri = n.children.empty() ? "" : n.children[0]->string();
  if (iri.empty()) throw BuildError("an IRI cannot be empty", PosOf(n));
  return Entity{ExpandIri(iri)};
}

ast::ExprPtr BuildBinaryChain(const Node& n) {
  // children: operand (op operand)* ; ops are content nodes, or implicit for and/or.
  const bool is_logic = n.is_type<or_expr>() || n.is_type<and_expr>();
  const char* logic_op = n.is_type<or_expr>() ? "or" : "and";
  // The chain becomes a tree as deep as it has operators (BuildExpr counted
  // the first).
  const size_t operators = is_logic ? n.children.size() - 1 : (n.children.size() - 1) / 2;
  const Deeper deeper(static_cast<uint32_t>(std::min<size_t>(operators - 1, UINT32_MAX)), PosOf(n));
  ast::ExprPtr left = BuildExpr(*n.children[0]);
  size_t i = 1;
  while (i < n.children.size()) {
    std::string op;
    if (is_logic) {
      op = logic_op;
    } else {
      op = n.children[i]->string();
      if (op == "!=") op = "<>";
      ++i;
    }
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kBinary;
    e->pos = left->pos;
    e->name = op;
    e->args.push_back(std::move(left));
    e->args.push_back(BuildExpr(*n.children.at(i)));
    ++i;
    left = std::move(e);
  }
  return left;
}

ast::ExprPtr BuildExpr(const Node& n) {
  const ast::Pos pos = PosOf(n);
  if (n.is_type<where_condition>() || n.is_type<hop_condition>() || n.is_type<as_of_value>() ||
      n.is_type<during_from>() || n.is_type<during_to>() || n.is_type<min_confidence>() ||
      n.is_type<path_weight_sum>() || n.is_type<prop_value>() || n.is_type<return_expr>() ||
      n.is_type<order_expr>() || n.is_type<case_subject>() || n.is_type<when_cond>() ||
      n.is_type<then_value>() || n.is_type<else_value>() || n.is_type<test_operand>() ||
      n.is_type<set_value>() || n.is_type<comprehension_source>() ||
      n.is_type<comprehension_condition>() || n.is_type<comprehension_value>()) {
    return BuildExpr(*n.children.at(0));
  }
  const Deeper deeper(1, pos);  // the node built here
  if (n.is_type<comparison>() && n.children.size() == 2) {
    // operand and a test: is [not] null, in, starts with, ends with, contains.
    const Node& test = *n.children[1];
    auto e = std::make_unique<ast::Expr>();
    e->pos = pos;
    e->args.push_back(BuildExpr(*n.children[0]));
    if (test.is_type<null_test>()) {
      e->kind = ast::Expr::Kind::kUnary;
      e->name = test.children.empty() ? "is null" : "is not null";
      return e;
    }
    e->kind = ast::Expr::Kind::kBinary;
    e->name = test.is_type<in_test>()       ? "in"
              : test.is_type<starts_test>() ? "starts with"
              : test.is_type<ends_test>()   ? "ends with"
                                            : "contains";
    e->args.push_back(BuildExpr(*test.children.at(0)));
    return e;
  }
  if (n.is_type<or_expr>() || n.is_type<and_expr>() || n.is_type<comparison>() ||
      n.is_type<additive>() || n.is_type<multiplicative>()) {
    return BuildBinaryChain(n);
  }
  if (n.is_type<list_literal>() || n.is_type<case_expr>()) {
    auto e = std::make_unique<ast::Expr>();
    e->pos = pos;
    e->kind = n.is_type<list_literal>() ? ast::Expr::Kind::kList : ast::Expr::Kind::kCase;
    if (n.is_type<case_expr>()) {
      e->name =
          !n.children.empty() && n.children[0]->is_type<case_subject>() ? "simple" : "searched";
      e->has_else = !n.children.empty() && n.children.back()->is_type<else_value>();
    }
    for (const auto& child : n.children) e->args.push_back(BuildExpr(*child));
    return e;
  }
  if (n.is_type<list_comprehension>()) {
    // Always three arguments (source, condition, value), so what walks the
    // tree meets no hole: no where is `true`, no `| value` the variable.
    auto e = std::make_unique<ast::Expr>();
    e->pos = pos;
    e->kind = ast::Expr::Kind::kComprehension;
    const Node& variable = *n.children.at(0);
    e->name = variable.string();
    e->name_pos = PosOf(variable);
    e->args.push_back(BuildExpr(*n.children.at(1)));
    ast::ExprPtr condition = MakeLiteral(Value(true), pos);
    ast::ExprPtr value = std::make_unique<ast::Expr>();
    value->kind = ast::Expr::Kind::kVariable;
    value->pos = e->name_pos;
    value->name = e->name;
    for (size_t i = 2; i < n.children.size(); ++i) {
      (n.children[i]->is_type<comprehension_condition>() ? condition : value) =
          BuildExpr(*n.children[i]);
    }
    e->args.push_back(std::move(condition));
    e->args.push_back(std::move(value));
    return e;
  }
  if (n.is_type<exists_expr>()) {
    auto e = std::make_unique<ast::Expr>();
    e->pos = pos;
    e->kind = ast::Expr::Kind::kExists;
    e->exists = std::make_shared<ast::MatchClause>(BuildClause(n));
    return e;
  }
  if (n.is_type<parameter>()) {
    auto e = std::make_unique<ast::Expr>();
    e->pos = pos;
    e->kind = ast::Expr::Kind::kParameter;
    e->name = n.children.at(0)->string();
    return e;
  }
  if (n.is_type<not_expr>()) {  // [not_op, operand]
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kUnary;
    e->pos = pos;
    e->name = "not";
    e->args.push_back(BuildExpr(*n.children.at(1)));
    return e;
  }
  if (n.is_type<negation>()) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kUnary;
    e->pos = pos;
    e->name = "-";
    e->args.push_back(BuildExpr(*n.children.at(0)));
    return e;
  }
  if (n.is_type<postfix>()) {  // primary, property_access*
    // Each access wraps the one before: a.b.c is as deep as it has dots
    // (BuildExpr counted the first).
    const Deeper accesses(
        static_cast<uint32_t>(std::min<size_t>(n.children.size() - 2, UINT32_MAX)), pos);
    ast::ExprPtr base = BuildExpr(*n.children.at(0));
    for (size_t i = 1; i < n.children.size(); ++i) {
      const Node& access = *n.children[i];
      const bool direct = access.is_type<property_name>() || access.is_type<property_iri>() ||
                          access.is_type<property_quoted>();
      const Node& prop = direct ? access : *access.children.at(0);
      auto e = std::make_unique<ast::Expr>();
      e->kind = ast::Expr::Kind::kProperty;
      e->pos = base->pos;
      e->name_pos = PosOf(prop);
      e->name = prop.is_type<property_iri>()      ? BuildEntity(prop).key
                : prop.is_type<property_quoted>() ? Unescape(prop)
                                                  : prop.string();
      e->args.push_back(std::move(base));
      base = std::move(e);
    }
    return base;
  }
  if (n.is_type<property_access>()) {  // folded: just the property_name, no base
    throw BuildError("a property access needs a value before '.'", pos);
  }
  if (n.is_type<string_literal>()) return MakeLiteral(Value(Unescape(n)), pos);
  if (n.is_type<integer_literal>() || n.is_type<decimal_literal>()) {
    return MakeLiteral(BuildNumber(n), pos);
  }
  if (n.is_type<true_literal>()) return MakeLiteral(Value(true), pos);
  if (n.is_type<false_literal>()) return MakeLiteral(Value(false), pos);
  if (n.is_type<null_literal>()) return MakeLiteral(Value(), pos);
  if (n.is_type<date_literal>() || n.is_type<datetime_literal>()) {
    const std::string text = Unescape(n);
    if (n.is_type<date_literal>()) {
      Date d;
      if (!ParseDate(text, &d)) {
        throw BuildError("invalid date '" + text + "' (expected YYYY-MM-DD, a real day)", pos);
      }
      return MakeLiteral(Value(d), pos);
    }
    DateTime t;
    if (!ParseDateTime(text, &t)) {
      throw BuildError("invalid datetime '" + text +
                           "' (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM|-HH:MM])",
                       pos);
    }
    return MakeLiteral(Value(t), pos);
  }
  if (n.is_type<entity_key>() || n.is_type<iri_ref>()) {
    auto e = MakeLiteral(Value(BuildEntity(n)), pos);
    e->kind = ast::Expr::Kind::kEntityRef;
    return e;
  }
  if (n.is_type<variable>()) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kVariable;
    e->pos = pos;
    e->name = n.string();
    return e;
  }
  if (n.is_type<count_star>()) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kCountStar;
    e->pos = pos;
    e->name = "count";
    return e;
  }
  if (n.is_type<key_expr>()) {  // the function "@" over the parts
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kFunction;
    e->pos = pos;
    e->name = "@";
    for (const auto& child : n.children) e->args.push_back(BuildExpr(*child));
    return e;
  }
  if (n.is_type<function_call>()) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ast::Expr::Kind::kFunction;
    e->pos = pos;
    for (const auto& child : n.children) {
      if (child->is_type<function_name>()) {
        e->name = child->string();
      } else if (child->is_type<distinct_marker>()) {
        e->distinct = true;
      } else {
        e->args.push_back(BuildExpr(*child));
      }
    }
    return e;
  }
  throw BuildError("unsupported expression", pos);
}

ast::PropertyMap BuildProps(const Node& map) {
  ast::PropertyMap props;
  for (const auto& entry : map.children) {  // (next_)prop_entry: prop_key, prop_value
    const Node& key = *entry->children.at(0);
    props.emplace_back(key.is_type<prop_key_iri>() ? BuildEntity(key).key : key.string(),
                       BuildExpr(*entry->children.at(1)));
  }
  return props;
}

ast::NodePattern BuildNode(const Node& n) {
  ast::NodePattern node;
  node.pos = PosOf(n);
  for (const auto& child : n.children) {
    if (child->is_type<variable>()) {
      node.variable = child->string();
    } else if (child->is_type<entity_key>() || child->is_type<iri_ref>()) {
      node.entity = BuildEntity(*child);
    } else if (child->is_type<key_expr>()) {
      node.key = BuildExpr(*child);
    } else if (child->is_type<label_name>()) {
      node.labels.push_back(child->string());
    } else if (child->is_type<label_iri>()) {
      node.labels.push_back(BuildEntity(*child).key);
    } else if (child->is_type<prop_map>()) {
      node.properties = BuildProps(*child);
    }
  }
  return node;
}

uint32_t BuildHopCount(const Node& n) {
  uint32_t v = 0;
  const std::string text = n.string();
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v > 1000000) {
    throw BuildError("a hop count of " + text + " is out of range (at most 1000000)", PosOf(n));
  }
  return v;
}

// *: one or more hops; *3: exactly three; *1..6, *..4 (from 1), *2.. (no end).
void BuildHops(const Node& n, ast::RelPattern* rel) {
  rel->var_length = true;
  rel->hops_pos = PosOf(n);
  for (const auto& part : n.children) {
    if (part->is_type<hops_exact>()) {
      rel->min_hops = BuildHopCount(*part);
      rel->max_hops = rel->min_hops;
    } else if (part->is_type<hops_min>()) {
      rel->min_hops = BuildHopCount(*part);
    } else if (part->is_type<hops_max>()) {
      rel->max_hops = BuildHopCount(*part);
    }
  }
  if (rel->max_hops && *rel->max_hops < rel->min_hops) {
    throw BuildError("the hop range " + n.string() + " is empty: its maximum is below its minimum",
                     rel->hops_pos);
  }
}

ast::RelPattern BuildRel(const Node& n) {
  ast::RelPattern rel;
  rel.pos = PosOf(n);
  rel.direction =
      n.is_type<rel_in>() ? ast::RelPattern::Direction::kIn : ast::RelPattern::Direction::kOut;
  if (!n.children.empty() && n.children.back()->is_type<undirected_end>()) {
    rel.direction = ast::RelPattern::Direction::kBoth;
  }
  for (const auto& child : n.children) {
    if (child->is_type<rel_variable>()) {
      rel.variable = child->string();
    } else if (child->is_type<rel_type>()) {
      for (const auto& pred : child->children) {
        const Node& name = pred->is_type<alternative_name>() ? *pred->children.at(0) : *pred;
        Entity e = name.is_type<key_name>() ? Entity{name.string()} : BuildEntity(name);
        if (!rel.predicate) {
          rel.predicate = std::move(e);
        } else {
          rel.alternatives.push_back(std::move(e));
        }
      }
    } else if (child->is_type<prop_map>()) {
      rel.properties = BuildProps(*child);
    } else if (child->is_type<rel_hops>()) {
      BuildHops(*child, &rel);
    } else if (child->is_type<hop_condition>()) {
      rel.hop_where = BuildExpr(*child);
    }
  }
  return rel;
}

std::vector<ast::PathPattern> BuildPatterns(const Node& list) {
  std::vector<ast::PathPattern> out;
  for (const auto& item : list.children) {
    // A path_pattern, or a next_pattern (after a comma) wrapping one.
    const Node* path = item.get();
    if (path->is_type<next_pattern>()) path = path->children.at(0).get();
    if (!path->is_type<path_pattern>()) continue;
    ast::PathPattern p;
    for (const auto& part : path->children) {
      if (part->is_type<path_variable>()) {
        p.variable = part->string();
        p.variable_pos = PosOf(*part);
      } else if (part->is_type<mode_all_shortest>() || part->is_type<mode_shortest>() ||
                 part->is_type<mode_acyclic>()) {
        p.mode = part->is_type<mode_all_shortest>() ? ast::PathPattern::Mode::kAllShortest
                 : part->is_type<mode_shortest>()   ? ast::PathPattern::Mode::kShortest
                                                    : ast::PathPattern::Mode::kAcyclic;
        p.mode_pos = PosOf(*part);
      } else if (part->is_type<path_weight_sum>()) {
        p.weight = BuildExpr(*part);
      } else if (part->is_type<node_pattern>()) {
        p.nodes.push_back(BuildNode(*part));
      } else if (part->is_type<next_node>()) {
        p.nodes.push_back(BuildNode(*part));
      } else if (part->is_type<rel_out>() || part->is_type<rel_in>()) {
        p.rels.push_back(BuildRel(*part));
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

// skip_clause or limit_clause: its count, a number or a $parameter.
ast::Count BuildCount(const Node& clause) {
  const Node& value = *clause.children.at(0)->children.at(0);
  ast::Count count;
  count.pos = PosOf(value);
  if (value.is_type<parameter>()) {
    count.param = value.children.at(0)->string();
  } else {
    count.value = static_cast<uint64_t>(BuildInteger(value));
  }
  return count;
}

// match_clause, optional_match or exists_expr: path patterns and where.
ast::MatchClause BuildClause(const Node& n) {
  ast::MatchClause clause;
  clause.pos = PosOf(n);
  clause.patterns = BuildPatterns(n);
  for (const auto& part : n.children) {
    if (part->is_type<where_condition>()) {
      clause.where.push_back(BuildExpr(*part));
    } else if (part->is_type<as_of_value>() || part->is_type<during_from>()) {
      clause.valid_from = BuildExpr(*part);
      clause.during = part->is_type<during_from>();
    } else if (part->is_type<during_to>()) {
      clause.valid_to = BuildExpr(*part);
    } else if (part->is_type<min_confidence>()) {
      clause.min_confidence = BuildExpr(*part);
    }
  }
  return clause;
}

std::vector<ast::OrderItem> BuildOrder(const Node& clause) {
  std::vector<ast::OrderItem> order;
  for (const auto& item : clause.children) {
    ast::OrderItem oi;
    oi.expr = BuildExpr(*item->children.at(0));
    if (item->children.size() > 1) {
      const std::string dir = item->children[1]->string();
      oi.descending = dir[0] == 'd' || dir[0] == 'D';
    }
    order.push_back(std::move(oi));
  }
  return order;
}

void BuildMatch(const Node& n, ast::MatchStatement* m) {
  for (const auto& child : n.children) {
    if (child->is_type<match_clause>() || child->is_type<optional_match>()) {
      m->clauses.push_back(BuildClause(*child));
      m->clauses.back().optional = child->is_type<optional_match>();
    } else if (child->is_type<return_clause>()) {
      for (const auto& item : child->children) {
        if (item->is_type<return_distinct>()) {
          m->distinct = true;
          continue;
        }
        ast::ReturnItem ri;
        const Node& expr = *item->children.at(0);
        ri.expr = BuildExpr(expr);
        ri.pos = PosOf(expr);
        ri.name = item->children.size() > 1 ? item->children[1]->string() : expr.string();
        m->items.push_back(std::move(ri));
      }
    } else if (child->is_type<order_clause>()) {
      m->order = BuildOrder(*child);
    } else if (child->is_type<skip_clause>()) {
      m->skip = BuildCount(*child);
    } else if (child->is_type<limit_clause>()) {
      m->limit = BuildCount(*child);
    }
  }
}

void BuildCall(const Node& n, ast::CallStatement* call) {
  for (const auto& child : n.children) {
    const Node& c = *child;
    if (c.is_type<procedure_name>()) {
      call->procedure = c.string();
      call->procedure_pos = PosOf(c);
    } else if (c.is_type<call_named_arg>() || c.is_type<call_positional_arg>()) {
      const bool named = c.is_type<call_named_arg>();
      const Node& value = named ? *c.children.at(1)->children.at(0) : *c.children.at(0);
      ast::CallStatement::Argument arg;
      if (named) arg.name = c.children.at(0)->string();
      arg.name_pos = PosOf(c);
      arg.pos = PosOf(value);
      arg.value = BuildExpr(value);
      call->args.push_back(std::move(arg));
    } else if (c.is_type<yield_item>() || c.is_type<next_yield_item>()) {
      ast::CallStatement::YieldItem item;
      item.column = c.children.at(0)->string();
      item.name = c.children.size() > 1 ? c.children[1]->string() : item.column;
      item.pos = PosOf(c);
      call->yield.push_back(std::move(item));
    } else if (c.is_type<order_clause>()) {
      call->order = BuildOrder(c);
    } else if (c.is_type<skip_clause>()) {
      call->skip = BuildCount(c);
    } else if (c.is_type<limit_clause>()) {
      call->limit = BuildCount(c);
    } else if (c.is_type<call_then>()) {
      call->then = std::make_unique<ast::MatchStatement>();
      BuildMatch(*c.children.at(0), call->then.get());
    }
  }
}

// A CSV column: a quoted string or a bare name.
std::string BuildColumn(const Node& n) {
  if (!n.children.empty() && n.children[0]->is_type<string_literal>()) {
    return Unescape(*n.children[0]);
  }
  return n.string();
}

void BuildLoad(const Node& n, ast::LoadStatement* load) {
  const Node& source = *n.children.at(0);  // load_csv, load_jsonl or load_rdf
  if (source.is_type<load_jsonl>()) {
    load->source = ast::LoadStatement::Source::kJsonl;
  } else if (source.is_type<load_rdf>()) {
    load->source = ast::LoadStatement::Source::kRdf;
  }
  for (const auto& child : source.children) {
    const Node& c = *child;
    if (c.is_type<load_path>()) {
      load->path = Unescape(c);
      load->path_pos = PosOf(c);
      if (load->path.empty()) throw BuildError("the file name is empty", PosOf(c));
    } else if (c.is_type<load_format_name>()) {
      load->format = c.string();
      const bool jsonl = source.is_type<load_jsonl>();
      const bool known = jsonl ? load->format == "ftm"
                               : load->format == "ntriples" || load->format == "nquads" ||
                                     load->format == "turtle";
      if (!known) {
        throw BuildError("unknown format '" + load->format + "' (expected " +
                             (jsonl ? "ftm" : "ntriples, nquads or turtle") + ")",
                         PosOf(c));
      }
    } else if (c.is_type<load_skip>()) {
      load->skip_errors = true;
    } else if (c.is_type<csv_rows>()) {
      load->source = ast::LoadStatement::Source::kCsvRows;
      load->row_variable = c.children.at(0)->string();
      load->row_patterns = BuildPatterns(c);
      for (const auto& part : c.children) {
        if (part->is_type<where_condition>()) load->row_filter = BuildExpr(*part);
      }
    } else if (c.is_type<load_percent>()) {
      if (load->source == ast::LoadStatement::Source::kCsvRows) {
        throw BuildError(
            "'in percent' goes with 'as nodes' and 'as edges'; a row mapping converts its "
            "fields itself, as toFloat(r.share) / 100",
            PosOf(c));
      }
      load->percent_column = BuildColumn(*c.children.at(0));
    } else if (c.is_type<csv_nodes>() || c.is_type<csv_edges>()) {
      load->source = c.is_type<csv_nodes>() ? ast::LoadStatement::Source::kCsvNodes
                                            : ast::LoadStatement::Source::kCsvEdges;
      for (const auto& part : c.children) {
        if (part->is_type<load_label>()) load->label = part->string();
        if (part->is_type<load_key_column>()) load->key_column = BuildColumn(*part);
        if (part->is_type<load_from_column>()) load->from_column = BuildColumn(*part);
        if (part->is_type<load_to_column>()) load->to_column = BuildColumn(*part);
        if (part->is_type<load_predicate>()) {
          load->predicate =
              part->children.empty() ? part->string() : BuildEntity(*part->children[0]).key;
        }
      }
    }
  }
}

// A query: its first match, then the union parts.
void BuildQuery(const Node& n, ast::Statement* out) {
  out->kind = ast::Statement::Kind::kMatch;
  BuildMatch(*n.children.at(0), &out->match);
  for (size_t i = 1; i < n.children.size(); ++i) {
    const Node& part = *n.children[i];
    out->union_all.push_back(part.children.size() > 1);
    out->union_pos.push_back(PosOf(part));
    out->union_parts.emplace_back();
    BuildMatch(*part.children.back(), &out->union_parts.back());
  }
}

void BuildSet(const Node& n, ast::SetStatement* out) {
  for (const auto& child : n.children) {
    if (child->is_type<match_clause>() || child->is_type<optional_match>()) {
      out->match.clauses.push_back(BuildClause(*child));
      out->match.clauses.back().optional = child->is_type<optional_match>();
      continue;
    }
    // set_item: target, then set_property (property_name, set_value) or set_label.
    const Node& target = *child->children.at(0);
    const Node& change = *child->children.at(1);
    ast::SetStatement::Item item;
    item.pos = PosOf(target);
    ast::ReturnItem target_item, value_item;
    target_item.expr = BuildExpr(target);
    target_item.pos = item.pos;
    target_item.name = "_target" + std::to_string(out->items.size());
    if (change.is_type<set_property>()) {
      item.property = change.children.at(0)->string();
      value_item.expr = BuildExpr(*change.children.at(1));
      value_item.pos = PosOf(*change.children.at(1));
    } else {
      item.label = change.children.at(0)->string();
      value_item.expr = MakeLiteral(Value(true), item.pos);
      value_item.pos = item.pos;
    }
    value_item.name = "_value" + std::to_string(out->items.size());
    out->match.items.push_back(std::move(target_item));
    out->match.items.push_back(std::move(value_item));
    out->items.push_back(std::move(item));
  }
}

void BuildStatement(const Node& n, ast::Statement* out) {
  out->pos = PosOf(n);
  out->text = n.string();
  if (n.is_type<why_stmt>()) {
    out->kind = ast::Statement::Kind::kExplainWhy;
    ast::MatchClause clause = BuildClause(n);
    // Name what the pattern leaves anonymous, so every end and fact can be
    // returned; '#' cannot be typed in a name.
    int count = 0;
    for (ast::PathPattern& path : clause.patterns) {
      for (ast::NodePattern& node : path.nodes) {
        if (!node.entity && !node.key && node.variable.empty()) {
          node.variable = "why#" + std::to_string(++count);
        }
      }
      for (ast::RelPattern& rel : path.rels) {
        if (rel.variable.empty()) rel.variable = "why#" + std::to_string(++count);
      }
    }
    out->match.clauses.push_back(std::move(clause));
    return;
  }
  if (n.is_type<explain_stmt>() || n.is_type<profile_stmt>()) {
    if (n.children.at(0)->is_type<why_stmt>()) {
      BuildStatement(*n.children[0], out);
      out->pos = PosOf(n);
      out->text = n.string();
      return;
    }
    out->mode =
        n.is_type<explain_stmt>() ? ast::Statement::Mode::kExplain : ast::Statement::Mode::kProfile;
    BuildQuery(*n.children.at(0), out);
    return;
  }
  if (n.is_type<query_stmt>()) {
    BuildQuery(n, out);
  } else if (n.is_type<prefix_stmt>()) {
    out->kind = ast::Statement::Kind::kPrefix;
    out->prefix_name = n.children.at(0)->string();
    out->prefix_namespace = n.children.at(1)->children.empty()
                                ? std::string()
                                : n.children.at(1)->children[0]->string();
  } else if (n.is_type<set_stmt>()) {
    out->kind = ast::Statement::Kind::kSet;
    BuildSet(n, &out->set);
  } else if (n.is_type<merge_stmt>()) {
    out->kind = ast::Statement::Kind::kMerge;
    out->merge.patterns = BuildPatterns(n);
  } else if (n.is_type<show_stmt>() || n.is_type<describe_stmt>()) {
    out->kind = ast::Statement::Kind::kShow;
    out->show.pos = PosOf(n);
    if (n.is_type<describe_stmt>()) {
      out->show.what = ast::ShowStatement::What::kDescribe;
      out->show.entity = BuildEntity(*n.children.at(0));
    } else {
      const std::string what = n.children.at(0)->string();
      out->show.what = (what[0] == 'l' || what[0] == 'L') ? ast::ShowStatement::What::kLabels
                                                          : ast::ShowStatement::What::kPredicates;
    }
  } else if (n.is_type<call_stmt>()) {
    out->kind = ast::Statement::Kind::kCall;
    BuildCall(n, &out->call);
  } else if (n.is_type<search_stmt>()) {
    out->kind = ast::Statement::Kind::kSearch;
    out->search.text = BuildExpr(*n.children.at(0)->children.at(0));
    if (n.children.size() > 1) out->search.limit = BuildCount(*n.children[1]);
  } else if (n.is_type<backup_stmt>()) {
    out->kind = ast::Statement::Kind::kBackup;
    const Node& path = *n.children.at(0);
    out->backup.dir = Unescape(path);
    out->backup.dir_pos = PosOf(path);
    // Engine::Backup's message, here with the position.
    if (out->backup.dir.empty()) {
      throw BuildError("cannot back up: the directory name is empty", out->backup.dir_pos);
    }
  } else if (n.is_type<load_stmt>()) {
    out->kind = ast::Statement::Kind::kLoad;
    BuildLoad(n, &out->load);
  } else if (n.is_type<insert_stmt>()) {
    out->kind = ast::Statement::Kind::kInsert;
    out->insert.patterns = BuildPatterns(n);
  } else {
    out->kind = ast::Statement::Kind::kDelete;
    out->del.patterns = BuildPatterns(n);
  }
}

// The error for a statement longer than QueryLimits::statement_bytes.
Status TooLong(uint64_t bytes, uint64_t limit, uint32_t line, uint32_t column) {
  return Status::SyntaxError(
      fmt::format("the statement is {} bytes long, over the limit of {} bytes (the limit "
                  "'statement_bytes': :limit statement_bytes N in the shell, "
                  "QueryLimits::statement_bytes in the API)",
                  bytes, limit),
      line, column);
}

}  // namespace

std::string NestingMessage(uint32_t limit) {
  return fmt::format(
      "operands nest more than {} deep here (the limit 'nesting_depth': :limit nesting_depth N "
      "in the shell, QueryLimits::nesting_depth in the API)",
      limit);
}

struct ScriptParser::Impl {
  Impl(std::string_view text, const PrefixMap* p, const QueryLimits& l)
      : in(text.data(), text.data() + text.size(), "query"), prefixes(p), limits(l) {}
  pegtl::memory_input<> in;
  const PrefixMap* prefixes;
  const QueryLimits limits;
};

ScriptParser::ScriptParser(std::string_view text, const PrefixMap* prefixes,
                           const QueryLimits& limits)
    : impl_(std::make_unique<Impl>(text, prefixes, limits)) {}
ScriptParser::~ScriptParser() = default;

Result<bool> ScriptParser::Next(ast::Statement* out) {
  auto& in = impl_->in;
  current_prefixes = impl_->prefixes;
  build_nesting = BuildNesting{impl_->limits.nesting_depth, 0};
  struct Reset {
    ~Reset() {
      current_prefixes = nullptr;
      build_nesting = BuildNesting{};
    }
  } reset;
  try {
    pegtl::parse<leading>(in);
    if (in.empty()) return false;
    const pegtl::position start = in.position();
    Nesting nesting{impl_->limits.nesting_depth, 0};  // the rules nested<> count
    std::unique_ptr<Node> root =
        pt::parse<statement_unit, Selector, pegtl::nothing, Control>(in, nesting);
    if (!root || root->children.empty()) {
      const pegtl::position p = in.position();
      return Status::SyntaxError("expected a statement", static_cast<uint32_t>(p.line),
                                 static_cast<uint32_t>(p.column));
    }
    const Node& statement = *root->children[0];
    const uint64_t bytes = statement.end().byte - start.byte;
    if (impl_->limits.statement_bytes != 0 && bytes > impl_->limits.statement_bytes) {
      return TooLong(bytes, impl_->limits.statement_bytes, static_cast<uint32_t>(start.line),
                     static_cast<uint32_t>(start.column));
    }
    *out = ast::Statement();
    BuildStatement(statement, out);
    return true;
  } catch (const pegtl::parse_error& e) {
    const pegtl::position& p = e.positions().front();
    return Status::SyntaxError(std::string(e.message()), static_cast<uint32_t>(p.line),
                               static_cast<uint32_t>(p.column));
  } catch (const BuildError& e) {
    return Status::SyntaxError(e.what(), e.pos.line, e.pos.column);
  }
}

Result<ast::Statement> ParseStatement(std::string_view text, const PrefixMap* prefixes,
                                      const QueryLimits& limits) {
  // One statement: its whole text counts, and longer text is not parsed.
  if (limits.statement_bytes != 0 && text.size() > limits.statement_bytes) {
    return TooLong(text.size(), limits.statement_bytes, 1, 1);
  }
  ScriptParser parser(text, prefixes, limits);
  ast::Statement stmt;
  Result<bool> got = parser.Next(&stmt);
  if (!got.ok()) return got.status();
  if (!*got)
    return Status::SyntaxError(
        "expected a statement (match, insert, delete, set, merge, load, show, describe, search, "
        "prefix, call, backup, explain or profile)",
        1, 1);
  ast::Statement extra;
  Result<bool> more = parser.Next(&extra);
  if (!more.ok()) return more.status();
  if (*more) {
    return Status::SyntaxError("only one statement is allowed here; run several as a script",
                               extra.pos.line, extra.pos.column);
  }
  return stmt;
}

}  // namespace quipu::grammar
