// The message for each commit point of the grammar: when the rule after an
// if_must<>/must<> fails, the parser reports "expected <message>" at the
// position where it was tried. One table, so wording stays consistent.
#pragma once

#include "grammar/rules.h"

namespace quipu::grammar {

template <typename Rule>
inline constexpr const char* kExpected = nullptr;

#define QUIPU_EXPECT(rule, text) \
  template <>                    \
  inline constexpr const char* kExpected<rule> = text

QUIPU_EXPECT(statement,
             "a statement (match, insert, delete, set, merge, load, show, describe, search, "
             "prefix, call, backup, explain or profile)");
QUIPU_EXPECT(explained_stmt, "a match statement to explain or profile");
QUIPU_EXPECT(explain_target, "a match statement, or 'why' and a pattern, after 'explain'");
QUIPU_EXPECT(why_patterns, "a pattern after 'explain why', such as (@a)-[:owns]->(b)");
QUIPU_EXPECT(statement_end, "';' or the end of the statement");
QUIPU_EXPECT(match_patterns, "a pattern such as (n) or (a)-[:p]->(b)");
QUIPU_EXPECT(insert_patterns, "a pattern such as (@key:Label {name: \"...\"})");
QUIPU_EXPECT(delete_patterns, "a pattern such as (@a)-[:p]->(@b)");
QUIPU_EXPECT(return_clause, "'match', 'optional match', 'where', 'return' or 'set'");
QUIPU_EXPECT(set_change, "'.property = value' or ':Label' after the target of set");
QUIPU_EXPECT(set_equals, "'=' after the property");
QUIPU_EXPECT(set_value, "a value after '='");
QUIPU_EXPECT(set_items, "what to set, such as @x.name = \"…\" or n:Label");
QUIPU_EXPECT(next_set_item, "what to set after ','");
QUIPU_EXPECT(merge_patterns, "a pattern such as (@a)-[:owns]->(@b)");
QUIPU_EXPECT(show_what, "'labels' or 'predicates' after 'show'");
QUIPU_EXPECT(describe_target, "an entity such as @chancay_port or <iri> after 'describe'");
QUIPU_EXPECT(search_text, "the text to search for in quotes, as in search \"boluarte\"");
QUIPU_EXPECT(exists_open, "'{' after 'exists' (to test a property, write x.p is not null)");
QUIPU_EXPECT(exists_body, "a pattern inside exists { … }");
QUIPU_EXPECT(exists_close, "'}' to close exists");
QUIPU_EXPECT(union_part_stmt, "a match statement after 'union'");
QUIPU_EXPECT(return_items, "an expression to return");
QUIPU_EXPECT(next_return_item, "an expression to return after ','");
QUIPU_EXPECT(next_order_item, "an expression to order by after ','");
QUIPU_EXPECT(next_prop_entry, "a property name after ','");
QUIPU_EXPECT(next_pattern, "a pattern after ','");
QUIPU_EXPECT(next_function_arg, "an argument after ','");
QUIPU_EXPECT(alias, "a name after 'as'");
QUIPU_EXPECT(kw_by, "'by' after 'order'");
QUIPU_EXPECT(kw_match, "'match' after 'optional'");
QUIPU_EXPECT(order_items, "an expression to order by");
QUIPU_EXPECT(count_value, "a non-negative integer or a $parameter");
QUIPU_EXPECT(where_condition, "a condition after 'where'");
QUIPU_EXPECT(next_node, "a node pattern '(' after the relationship");
QUIPU_EXPECT(node_close, "')' to close the node pattern");
QUIPU_EXPECT(label_target, "a label name or <iri> after ':'");
QUIPU_EXPECT(prefix_name, "a prefix name after 'prefix', as in prefix wd: <http://…/>");
QUIPU_EXPECT(prefix_colon, "':' after the prefix name");
QUIPU_EXPECT(prefix_iri, "the namespace IRI in <…> after the prefix");
QUIPU_EXPECT(rel_body, "'[' to open the relationship");
QUIPU_EXPECT(rel_close, "']' to close the relationship");
QUIPU_EXPECT(kw_of, "'of' after 'as' (as of date '…')");
QUIPU_EXPECT(as_of_value, "a date or datetime after 'as of'");
QUIPU_EXPECT(during_from, "a date or datetime after 'during'");
QUIPU_EXPECT(during_dots, "'..' between the two ends of 'during'");
QUIPU_EXPECT(during_to, "a date or datetime after '..'");
QUIPU_EXPECT(kw_confidence, "'confidence' after 'with' (with confidence >= 0.8)");
QUIPU_EXPECT(at_least, "'>=' after 'with confidence'");
QUIPU_EXPECT(min_confidence, "a number after 'with confidence >='");
QUIPU_EXPECT(hop_condition, "a condition after 'where' (each hop must pass it)");
QUIPU_EXPECT(path_weight_sum, "sum(r.key) after 'by'");
QUIPU_EXPECT(rel_right_end, "'->' or '-' after the relationship");
QUIPU_EXPECT(arrow_tail, "'-' after the relationship");
QUIPU_EXPECT(predicate_name, "a predicate name after ':'");
QUIPU_EXPECT(alternative_name, "a predicate name after '|'");
QUIPU_EXPECT(map_close, "'}' or ',' in the property map");
QUIPU_EXPECT(prop_colon, "':' after the property name");
QUIPU_EXPECT(prop_value, "a value for the property");
QUIPU_EXPECT(key_name, "an entity key after '@'");
QUIPU_EXPECT(key_part, "a part of the key inside @( )");
QUIPU_EXPECT(next_key_part, "a part of the key after ','");
QUIPU_EXPECT(key_close, "')' or ',' in the key @( … )");
QUIPU_EXPECT(iri_close, "'>' to close the IRI");
QUIPU_EXPECT(escape_code, "an escape: \\\" \\' \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
QUIPU_EXPECT(dq_close, "'\"' to close the string");
QUIPU_EXPECT(sq_close, "\"'\" to close the string");
QUIPU_EXPECT(date_string, "a quoted date such as '2024-06-28'");
QUIPU_EXPECT(close_paren, "')'");
QUIPU_EXPECT(list_close, "']' or ',' in the list");
QUIPU_EXPECT(next_list_item, "a list item after ','");
QUIPU_EXPECT(comprehension_condition, "a condition after 'where' in the list comprehension");
QUIPU_EXPECT(comprehension_value, "a value after '|' in the list comprehension");
QUIPU_EXPECT(comprehension_close, "'|' or ']' to close the list comprehension");
QUIPU_EXPECT(param_name, "a parameter name after '$'");
QUIPU_EXPECT(case_when, "'when' in the case expression");
QUIPU_EXPECT(case_subject, "a value or 'when' after 'case'");
QUIPU_EXPECT(when_cond, "a condition after 'when'");
QUIPU_EXPECT(kw_then, "'then' after the condition");
QUIPU_EXPECT(then_value, "a value after 'then'");
QUIPU_EXPECT(else_value, "a value after 'else'");
QUIPU_EXPECT(case_end, "'when', 'else' or 'end' to close the case");
QUIPU_EXPECT(null_word, "'null' or 'not null' after 'is'");
QUIPU_EXPECT(with_word, "'with' after 'starts' or 'ends'");
QUIPU_EXPECT(test_operand, "a value to test against");
QUIPU_EXPECT(expression, "an expression");
QUIPU_EXPECT(property_target, "a property name, <iri> or quoted name after '.'");
QUIPU_EXPECT(postfix, "an expression after '-'");
QUIPU_EXPECT(unary, "an expression after the operator");
QUIPU_EXPECT(multiplicative, "an expression after the operator");
QUIPU_EXPECT(additive, "an expression after the comparison");
QUIPU_EXPECT(not_expr, "a condition after 'not' or 'and'");
QUIPU_EXPECT(and_expr, "a condition after 'or'");
QUIPU_EXPECT(load_source, "a file name in quotes, csv or jsonl after 'load'");
QUIPU_EXPECT(load_path, "a file name in quotes");
QUIPU_EXPECT(load_as, "'as nodes', 'as edges' or 'as rows' after the file name");
QUIPU_EXPECT(csv_mapping, "'nodes', 'edges' or 'rows' after 'as'");
QUIPU_EXPECT(rows_variable, "a name for the row after 'rows', as in rows r");
QUIPU_EXPECT(rows_insert, "'insert' and the patterns to write for each row");
QUIPU_EXPECT(rows_patterns, "a pattern such as (@(r.id):Label {name: r.name})");
QUIPU_EXPECT(load_label, "a label after 'nodes'");
QUIPU_EXPECT(load_key, "'key' after the label");
QUIPU_EXPECT(load_key_column, "a column name after 'key'");
QUIPU_EXPECT(load_predicate, "a predicate after 'edges'");
QUIPU_EXPECT(load_from, "'from' after the predicate");
QUIPU_EXPECT(load_from_column, "a column name after 'from'");
QUIPU_EXPECT(load_to, "'to' after the column");
QUIPU_EXPECT(load_to_column, "a column name after 'to'");
QUIPU_EXPECT(load_format_name, "a format name after 'format'");
QUIPU_EXPECT(jsonl_format, "'format ftm' after the file name");
QUIPU_EXPECT(load_error, "'error' after 'on'");
QUIPU_EXPECT(load_skip_word, "'skip' after 'on error'");
QUIPU_EXPECT(kw_percent, "'percent' after the column and 'in'");
QUIPU_EXPECT(procedure_name, "a procedure name after 'call', such as controllers");
QUIPU_EXPECT(call_open, "'(' after the procedure name");
QUIPU_EXPECT(call_arg_value, "a value after the argument's name and ':'");
QUIPU_EXPECT(next_call_arg, "an argument after ','");
QUIPU_EXPECT(backup_to, "'to' after 'backup', as in backup to 'copy.db'");
QUIPU_EXPECT(backup_path, "the directory to create, in quotes, after 'backup to'");
QUIPU_EXPECT(yield_items, "a column to yield");
QUIPU_EXPECT(next_yield_item, "a column to yield after ','");

#undef QUIPU_EXPECT

// Control: raises a positioned parse_error carrying "expected ..." from the
// table; rules without an entry report the generic message.
template <typename Rule>
struct Control : pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&... /*unused*/) {
    if constexpr (kExpected<Rule> != nullptr) {
      throw pegtl::parse_error(std::string("expected ") + kExpected<Rule>, in);
    } else {
      throw pegtl::parse_error("unexpected input", in);
    }
  }
};

}  // namespace quipu::grammar
