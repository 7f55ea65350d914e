// The PEGTL grammar of Quipu statements. Rules only: what each rule means in
// the AST is in parser.cc, the message for each commit point in errors.h.
// Every token rule consumes the whitespace and comments after it (ws).
#pragma once

#include <tao/pegtl.hpp>

#include <cstdint>
#include <string>
#include <type_traits>

namespace quipu::grammar {

namespace pegtl = tao::pegtl;
using pegtl::alnum;
using pegtl::alpha;
using pegtl::at;
using pegtl::digit;
using pegtl::eof;
using pegtl::eolf;
using pegtl::if_must;
using pegtl::list;
using pegtl::must;
using pegtl::not_at;
using pegtl::not_one;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::ranges;
using pegtl::seq;
using pegtl::sor;
using pegtl::space;
using pegtl::star;
using pegtl::until;
using pegtl::xdigit;

// --- nesting -----------------------------------------------------------------
// How deep the operands being parsed nest, against QueryLimits::nesting_depth:
// a state of the parse, passed to every rule.
struct Nesting {
  uint32_t limit = 0;  // 0: no limit
  uint32_t depth = 0;
};

// The error past the nesting limit (the parser and the AST builder both
// report it).
std::string NestingMessage(uint32_t limit);

template <typename First, typename... Rest>
Nesting& FindNesting(First& first, Rest&... rest) {
  if constexpr (std::is_same_v<std::decay_t<First>, Nesting>) {
    return first;
  } else {
    return FindNesting(rest...);
  }
}

// nested<R>: R, one level deeper. Every recursion of the grammar passes
// through one (an operand, or `not`), so the parser's stack stays bounded:
// past the limit the parse stops with an error where the level opens. A
// rule of its own (not a Control hook): the parse tree's control does not
// call the hooks of rules it does not keep.
template <typename Rule>
struct nested {
  using rule_t = nested;
  using subs_t = pegtl::type_list<Rule>;

  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    Nesting& nesting = FindNesting(st...);
    if (nesting.limit != 0 && nesting.depth >= nesting.limit) {
      throw pegtl::parse_error(NestingMessage(nesting.limit), in);
    }
    ++nesting.depth;
    const bool matched = Control<Rule>::template match<A, M, Action, Control>(in, st...);
    --nesting.depth;
    return matched;
  }
};

// --- whitespace and comments -------------------------------------------------
struct line_comment : seq<sor<TAO_PEGTL_STRING("--"), TAO_PEGTL_STRING("//")>, until<eolf>> {};
struct ws : star<sor<space, line_comment>> {};

// --- names and keywords ------------------------------------------------------
struct ident_first : ranges<'a', 'z', 'A', 'Z', '_'> {};
struct ident_other : ranges<'a', 'z', 'A', 'Z', '0', '9', '_'> {};
struct name : seq<ident_first, star<ident_other>> {};

template <typename Word>
struct keyword : seq<Word, not_at<ident_other>> {};
struct kw_match : keyword<TAO_PEGTL_ISTRING("match")> {};
struct kw_insert : keyword<TAO_PEGTL_ISTRING("insert")> {};
struct kw_delete : keyword<TAO_PEGTL_ISTRING("delete")> {};
struct kw_where : keyword<TAO_PEGTL_ISTRING("where")> {};
struct kw_return : keyword<TAO_PEGTL_ISTRING("return")> {};
struct kw_distinct : keyword<TAO_PEGTL_ISTRING("distinct")> {};
struct kw_as : keyword<TAO_PEGTL_ISTRING("as")> {};
struct kw_order : keyword<TAO_PEGTL_ISTRING("order")> {};
struct kw_by : keyword<TAO_PEGTL_ISTRING("by")> {};
struct kw_asc : keyword<sor<TAO_PEGTL_ISTRING("ascending"), TAO_PEGTL_ISTRING("asc")>> {};
struct kw_desc : keyword<sor<TAO_PEGTL_ISTRING("descending"), TAO_PEGTL_ISTRING("desc")>> {};
struct kw_skip : keyword<TAO_PEGTL_ISTRING("skip")> {};
struct kw_limit : keyword<TAO_PEGTL_ISTRING("limit")> {};
struct kw_and : keyword<TAO_PEGTL_ISTRING("and")> {};
struct kw_or : keyword<TAO_PEGTL_ISTRING("or")> {};
struct kw_not : keyword<TAO_PEGTL_ISTRING("not")> {};
struct kw_true : keyword<TAO_PEGTL_ISTRING("true")> {};
struct kw_false : keyword<TAO_PEGTL_ISTRING("false")> {};
struct kw_null : keyword<TAO_PEGTL_ISTRING("null")> {};
struct kw_date : keyword<TAO_PEGTL_ISTRING("date")> {};
struct kw_datetime : keyword<TAO_PEGTL_ISTRING("datetime")> {};
struct kw_count : keyword<TAO_PEGTL_ISTRING("count")> {};
struct kw_is : keyword<TAO_PEGTL_ISTRING("is")> {};
struct kw_in : keyword<TAO_PEGTL_ISTRING("in")> {};
struct kw_starts : keyword<TAO_PEGTL_ISTRING("starts")> {};
struct kw_ends : keyword<TAO_PEGTL_ISTRING("ends")> {};
struct kw_with : keyword<TAO_PEGTL_ISTRING("with")> {};
struct kw_contains : keyword<TAO_PEGTL_ISTRING("contains")> {};
struct kw_case : keyword<TAO_PEGTL_ISTRING("case")> {};
struct kw_when : keyword<TAO_PEGTL_ISTRING("when")> {};
struct kw_then : keyword<TAO_PEGTL_ISTRING("then")> {};
struct kw_else : keyword<TAO_PEGTL_ISTRING("else")> {};
struct kw_end : keyword<TAO_PEGTL_ISTRING("end")> {};
struct kw_optional : keyword<TAO_PEGTL_ISTRING("optional")> {};
struct kw_exists : keyword<TAO_PEGTL_ISTRING("exists")> {};
struct kw_union : keyword<TAO_PEGTL_ISTRING("union")> {};
struct kw_set : keyword<TAO_PEGTL_ISTRING("set")> {};
struct kw_merge : keyword<TAO_PEGTL_ISTRING("merge")> {};
struct kw_all : keyword<TAO_PEGTL_ISTRING("all")> {};
struct kw_shortest : keyword<TAO_PEGTL_ISTRING("shortest")> {};
struct kw_acyclic : keyword<TAO_PEGTL_ISTRING("acyclic")> {};

// Words that cannot name a variable. Infix words (starts, ends, contains,
// with) stay usable as names: they only mean something after an operand.
struct reserved : sor<kw_match, kw_insert, kw_delete, kw_where, kw_return, kw_distinct, kw_as,
                      kw_order, kw_by, kw_asc, kw_desc, kw_skip, kw_limit, kw_and, kw_or, kw_not,
                      kw_true, kw_false, kw_null, kw_is, kw_in, kw_case, kw_when, kw_then, kw_else,
                      kw_end, kw_optional, kw_exists, kw_union, kw_set, kw_merge> {};

// A variable or alias: any name but a reserved word.
struct variable : seq<not_at<reserved>, name> {};
// Labels, property keys and predicate names may be any name.
struct label_name : name {};
struct prop_key : name {};
struct key_name : name {};

// --- literals ----------------------------------------------------------------
struct unicode_escape : seq<one<'u'>, xdigit, xdigit, xdigit, xdigit> {};
struct escaped_char : one<'"', '\'', '\\', '/', 'b', 'f', 'n', 'r', 't'> {};
struct escape_code : sor<escaped_char, unicode_escape> {};
struct escape : if_must<one<'\\'>, escape_code> {};
template <char Q>
struct quoted_char : sor<escape, not_one<Q, '\\'>> {};
struct dq_body : star<quoted_char<'"'>> {};
struct sq_body : star<quoted_char<'\''>> {};
struct dq_close : one<'"'> {};
struct sq_close : one<'\''> {};
struct string_literal
    : sor<if_must<one<'"'>, dq_body, dq_close>, if_must<one<'\''>, sq_body, sq_close>> {};

struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, plus<digit>> {};
struct fraction : seq<one<'.'>, plus<digit>> {};
struct decimal_literal
    : seq<plus<digit>, sor<seq<fraction, opt<exponent>>, exponent>, not_at<ident_other>> {};
struct integer_literal : seq<plus<digit>, not_at<ident_other>> {};
struct date_string : string_literal {};
// `date` and `datetime` are literals only when a quoted string follows, so
// they stay usable as names.
struct date_literal : seq<kw_date, ws, at<one<'\'', '"'>>, must<date_string>> {};
struct datetime_literal : seq<kw_datetime, ws, at<one<'\'', '"'>>, must<date_string>> {};
struct true_literal : kw_true {};
struct false_literal : kw_false {};
struct null_literal : kw_null {};
struct literal : sor<string_literal, decimal_literal, integer_literal, datetime_literal,
                     date_literal, true_literal, false_literal, null_literal> {};

// --- entity references -------------------------------------------------------
struct entity_key : if_must<one<'@'>, key_name> {};
struct iri_body : star<not_one<'>', ' ', '\t', '\r', '\n', '<', '"'>> {};
struct iri_close : one<'>'> {};
struct iri_ref : if_must<one<'<'>, iri_body, iri_close> {};
struct entity_ref : sor<entity_key, iri_ref> {};

// --- expressions -------------------------------------------------------------
struct expression;
struct comma : seq<one<','>, ws> {};
struct close_paren : one<')'> {};
struct paren_expr : if_must<seq<one<'('>, ws>, expression, ws, close_paren> {};
struct star_arg : seq<one<'*'>, ws> {};
struct count_star : seq<kw_count, ws, one<'('>, ws, star_arg, must<close_paren>> {};
struct function_name : name {};
struct distinct_marker : seq<kw_distinct, ws> {};
struct function_arg : seq<expression, ws> {};
struct next_function_arg : function_arg {};
// After a comma another item must follow: a trailing comma is an error there,
// not a silent back-off to the rule before.
struct function_args
    : opt<opt<distinct_marker>, function_arg, star<comma, must<next_function_arg>>> {};
struct function_call : seq<function_name, ws, one<'('>, ws, function_args, must<close_paren>> {};
struct list_close : one<']'> {};
struct list_item : seq<expression, ws> {};
struct next_list_item : list_item {};
struct list_literal
    : if_must<seq<one<'['>, ws>, opt<list_item, star<comma, must<next_list_item>>>, list_close> {};
// [x in list where condition | value]: where and `| value` are optional.
// It is a comprehension once `[name in list` is followed by where, | or ]:
// else `[x in list, 2]` stays a list of a membership test and a number.
struct comprehension_variable : variable {};
struct comprehension_source : seq<expression> {};
struct comprehension_where_word : kw_where {};
struct comprehension_condition : seq<expression> {};
struct comprehension_value : seq<expression> {};
struct comprehension_where : if_must<comprehension_where_word, ws, comprehension_condition, ws> {};
struct comprehension_map : if_must<one<'|'>, ws, comprehension_value, ws> {};
struct comprehension_close : one<']'> {};
struct list_comprehension
    : seq<one<'['>, ws, comprehension_variable, ws, kw_in, ws, comprehension_source, ws,
          at<sor<comprehension_where_word, one<'|'>, one<']'>>>, opt<comprehension_where>,
          opt<comprehension_map>, must<comprehension_close>> {};
struct param_name : name {};
struct parameter : if_must<one<'$'>, param_name> {};
struct case_subject : seq<expression> {};
struct when_cond : seq<expression> {};
struct then_value : seq<expression> {};
struct else_value : seq<expression> {};
struct when_clause : if_must<kw_when, ws, when_cond, ws, kw_then, ws, then_value, ws> {};
struct else_clause : if_must<kw_else, ws, else_value, ws> {};
struct case_end : kw_end {};
struct case_when : plus<when_clause> {};
struct case_expr : if_must<kw_case, ws, opt<not_at<kw_when>, case_subject, ws>, case_when,
                           opt<else_clause>, case_end> {};
struct exists_body;
struct exists_close : one<'}'> {};
struct exists_open : one<'{'> {};
struct exists_expr : if_must<kw_exists, ws, exists_open, ws, exists_body, ws, exists_close> {};
// @(part, …): the entity whose key is the parts' text joined by '/'.
struct key_part : seq<expression, ws> {};
struct next_key_part : key_part {};
struct key_close : one<')'> {};
struct key_expr
    : if_must<seq<one<'@'>, one<'('>, ws>, key_part, star<comma, must<next_key_part>>, key_close> {
};
// An IRI can start an operand: '<' there cannot be less-than.
struct primary
    : sor<literal, list_comprehension, list_literal, parameter, case_expr, exists_expr, iri_ref,
          count_star, function_call, key_expr, entity_key, variable, paren_expr> {};
struct property_name : name {};
struct property_iri : iri_ref {};
// x."key with spaces": any key as quoted text (CSV columns, say).
struct property_quoted : string_literal {};
struct property_target : sor<property_iri, property_quoted, property_name> {};
// `..` is not a property access: it separates the ends of `during a .. b`.
struct property_access : seq<ws, one<'.'>, not_at<one<'.'>>, ws, must<property_target>> {};
struct postfix : seq<nested<primary>, star<property_access>> {};
struct negation : if_must<seq<one<'-'>, not_at<one<'-', '>', '['>>>, ws, postfix> {};
struct unary : sor<negation, postfix> {};
struct mul_op : one<'*', '/', '%'> {};
struct multiplicative : seq<unary, star<ws, mul_op, ws, must<unary>>> {};
struct add_op : seq<one<'+', '-'>, not_at<one<'-', '>', '['>>> {};
struct additive : seq<multiplicative, star<ws, add_op, ws, must<multiplicative>>> {};
struct comp_op
    : sor<TAO_PEGTL_STRING("=~"), TAO_PEGTL_STRING("<="), TAO_PEGTL_STRING(">="),
          TAO_PEGTL_STRING("<>"), TAO_PEGTL_STRING("!="), one<'='>, one<'<'>, one<'>'>, one<'~'>> {
};
struct comp_tail : seq<comp_op, ws, must<additive>> {};
struct is_not : kw_not {};
struct null_word : kw_null {};
struct null_test : if_must<kw_is, ws, opt<is_not, ws>, null_word> {};
struct test_operand : seq<additive> {};
struct in_test : if_must<kw_in, ws, test_operand> {};
struct with_word : kw_with {};
struct starts_test : if_must<kw_starts, ws, with_word, ws, test_operand> {};
struct ends_test : if_must<kw_ends, ws, with_word, ws, test_operand> {};
struct contains_test : if_must<kw_contains, ws, test_operand> {};
struct comparison
    : seq<additive,
          opt<ws, sor<comp_tail, null_test, in_test, starts_test, ends_test, contains_test>>> {};
struct not_op : kw_not {};
struct not_expr;
struct not_expr : sor<seq<not_op, ws, nested<must<not_expr>>>, comparison> {};
struct and_op : kw_and {};
struct and_expr : seq<not_expr, star<ws, and_op, ws, must<not_expr>>> {};
struct or_op : kw_or {};
struct or_expr : seq<and_expr, star<ws, or_op, ws, must<and_expr>>> {};
// A seq, not a subclass of or_expr, so or_expr is matched as its own rule
// and appears in the parse tree.
struct expression : seq<or_expr> {};

// --- patterns ----------------------------------------------------------------
struct prop_colon : one<':'> {};
struct prop_value : expression {};
struct prop_key_iri : iri_ref {};
struct prop_entry
    : seq<sor<prop_key_iri, prop_key>, ws, must<prop_colon>, ws, must<prop_value>, ws> {};
struct map_close : one<'}'> {};
struct next_prop_entry : prop_entry {};
struct prop_map
    : if_must<seq<one<'{'>, ws>, opt<prop_entry, star<comma, must<next_prop_entry>>>, map_close> {};

struct node_subject : sor<key_expr, entity_ref, variable> {};
struct label_iri : iri_ref {};
struct label_target : sor<label_iri, label_name> {};
struct label : if_must<seq<one<':'>, ws>, label_target> {};
struct node_close : one<')'> {};
struct node_pattern : if_must<seq<one<'('>, ws>, opt<node_subject, ws>, star<label, ws>,
                              opt<prop_map, ws>, node_close> {};

struct predicate_name : sor<iri_ref, key_name> {};
// -[:owns|operates]->: any of several predicates.
struct alternative_name : sor<iri_ref, key_name> {};
struct rel_alternative : if_must<seq<ws, one<'|'>, ws, opt<one<':'>, ws>>, alternative_name> {};
struct rel_type : if_must<seq<one<':'>, ws>, predicate_name, star<rel_alternative>> {};
struct rel_variable : variable {};
struct rel_close : one<']'> {};
// *, *3, *1..6, *..4, *2..: how many hops a variable-length relationship takes.
struct hops_min : plus<digit> {};
struct hops_max : plus<digit> {};
struct hops_exact : plus<digit> {};
struct hops_dots : TAO_PEGTL_STRING("..") {};
struct hops_range : seq<opt<hops_min>, ws, hops_dots, ws, opt<hops_max>> {};
struct rel_hops : seq<one<'*'>, ws, opt<sor<hops_range, hops_exact>, ws>> {};
struct hop_condition : expression {};
struct hop_where : if_must<kw_where, ws, hop_condition, ws> {};
struct rel_body : if_must<seq<one<'['>, ws>, opt<rel_variable, ws>, opt<rel_type, ws>,
                          opt<rel_hops>, opt<prop_map, ws>, opt<hop_where>, rel_close> {};
struct arrow_head : TAO_PEGTL_STRING("->") {};
struct arrow_tail : one<'-'> {};
// -[…]-> points right; -[…]- has no direction (either way round).
struct undirected_end : one<'-'> {};
struct rel_right_end : sor<arrow_head, undirected_end> {};
struct rel_out : if_must<seq<one<'-'>, ws, at<one<'['>>>, rel_body, ws, rel_right_end> {};
struct rel_in : if_must<seq<TAO_PEGTL_STRING("<-"), ws>, rel_body, ws, arrow_tail> {};
struct next_node : node_pattern {};
struct path_variable : variable {};
struct path_assign : seq<path_variable, ws, one<'='>, ws> {};
struct mode_all_shortest : seq<kw_all, ws, kw_shortest> {};
struct mode_shortest : kw_shortest {};
struct mode_acyclic : kw_acyclic {};
struct path_mode : seq<sor<mode_all_shortest, mode_shortest, mode_acyclic>, ws, at<one<'('>>> {};
struct path_weight_sum : expression {};
struct path_weight : if_must<kw_by, ws, path_weight_sum> {};
struct path_pattern
    : seq<opt<path_assign>, opt<path_mode>, node_pattern,
          star<ws, sor<rel_out, rel_in>, ws, must<next_node>>, opt<ws, path_weight>> {};
struct pattern_item : seq<path_pattern, ws> {};
struct next_pattern : pattern_item {};
struct pattern_list : seq<pattern_item, star<comma, must<next_pattern>>> {};

// --- statements --------------------------------------------------------------
struct where_condition : expression {};
struct where_clause : if_must<kw_where, ws, where_condition, ws> {};
struct match_patterns : pattern_list {};
// After a match's patterns: which facts count. `as of T`: valid at T;
// `during A .. B`: valid at some time in [A, B]; `with confidence >= C`.
struct kw_of : keyword<TAO_PEGTL_ISTRING("of")> {};
struct kw_during : keyword<TAO_PEGTL_ISTRING("during")> {};
struct kw_confidence : keyword<TAO_PEGTL_ISTRING("confidence")> {};
struct as_of_value : additive {};
struct as_of_clause : if_must<seq<kw_as, ws, kw_of>, ws, as_of_value, ws> {};
struct during_from : additive {};
struct during_to : additive {};
struct during_dots : TAO_PEGTL_STRING("..") {};
struct during_clause : if_must<kw_during, ws, during_from, ws, during_dots, ws, during_to, ws> {};
struct at_least : TAO_PEGTL_STRING(">=") {};
struct min_confidence : additive {};
struct confidence_clause
    : if_must<seq<kw_with, ws, kw_confidence>, ws, at_least, ws, min_confidence, ws> {};
struct fact_filters : seq<opt<sor<as_of_clause, during_clause>>, opt<confidence_clause>> {};
struct match_clause : if_must<kw_match, ws, match_patterns, fact_filters, opt<where_clause>> {};
struct optional_match
    : if_must<kw_optional, ws, kw_match, ws, match_patterns, fact_filters, opt<where_clause>> {};
struct exists_patterns : pattern_list {};
struct exists_body : seq<exists_patterns, opt<where_clause>> {};
struct alias : variable {};
struct alias_name : seq<kw_as, ws, must<alias>> {};
struct return_expr : expression {};
struct return_item : seq<return_expr, ws, opt<alias_name, ws>> {};
struct return_distinct : kw_distinct {};
struct next_return_item : return_item {};
struct return_items : seq<return_item, star<comma, must<next_return_item>>> {};
struct return_clause : if_must<kw_return, ws, opt<return_distinct, ws>, return_items> {};
struct order_direction : sor<kw_asc, kw_desc> {};
struct order_expr : expression {};
struct order_item : seq<order_expr, ws, opt<order_direction, ws>> {};
struct next_order_item : order_item {};
struct order_items : seq<order_item, star<comma, must<next_order_item>>> {};
struct order_clause : if_must<kw_order, ws, kw_by, ws, order_items> {};
struct count_number : plus<digit> {};
struct count_value : sor<count_number, parameter> {};
struct skip_clause : if_must<kw_skip, ws, count_value, ws> {};
struct limit_clause : if_must<kw_limit, ws, count_value, ws> {};
// `return 1 + 1` alone is a match over one empty row. Optional clauses
// follow at least one match.
struct match_stmt
    : seq<sor<seq<match_clause, star<sor<match_clause, optional_match>>, must<return_clause>>,
              return_clause>,
          opt<order_clause>, opt<skip_clause>, opt<limit_clause>> {};
struct call_then : seq<at<kw_match>, match_stmt> {};
struct union_all : kw_all {};
struct union_part_stmt : match_stmt {};
struct union_part : if_must<kw_union, ws, opt<union_all, ws>, union_part_stmt> {};
struct query_stmt : seq<match_stmt, star<ws, union_part>> {};

struct insert_patterns : pattern_list {};
struct insert_stmt : if_must<kw_insert, ws, insert_patterns> {};
struct delete_patterns : pattern_list {};
struct delete_stmt : if_must<kw_delete, ws, delete_patterns> {};

struct kw_show : keyword<TAO_PEGTL_ISTRING("show")> {};
struct kw_describe : keyword<TAO_PEGTL_ISTRING("describe")> {};
struct set_target : sor<entity_ref, variable> {};
struct set_equals : one<'='> {};
struct set_value : seq<expression> {};
struct set_property : if_must<seq<one<'.'>, ws>, property_name, ws, set_equals, ws, set_value> {};
struct set_label : if_must<seq<one<':'>, ws>, label_name> {};
struct set_change : sor<set_property, set_label> {};
struct set_item : seq<set_target, ws, must<set_change>, ws> {};
struct next_set_item : set_item {};
struct set_items : seq<set_item, star<comma, must<next_set_item>>> {};
struct set_clause : if_must<kw_set, ws, set_items> {};
struct set_stmt : seq<star<sor<match_clause, optional_match>>, set_clause> {};
struct merge_patterns : pattern_list {};
struct merge_stmt : if_must<kw_merge, ws, merge_patterns> {};
struct show_what
    : sor<keyword<TAO_PEGTL_ISTRING("labels")>, keyword<TAO_PEGTL_ISTRING("predicates")>> {};
struct show_stmt : if_must<kw_show, ws, show_what> {};
struct describe_target : entity_ref {};
struct kw_prefix : keyword<TAO_PEGTL_ISTRING("prefix")> {};
struct prefix_name : name {};
struct prefix_colon : one<':'> {};
struct prefix_iri : iri_ref {};
struct prefix_stmt : if_must<kw_prefix, ws, prefix_name, ws, prefix_colon, ws, prefix_iri> {};
struct describe_stmt : if_must<kw_describe, ws, describe_target> {};
// search "text" [limit n]: a keyword only at the start of a statement.
struct kw_search : keyword<TAO_PEGTL_ISTRING("search")> {};
struct search_text : sor<string_literal, parameter> {};
struct search_stmt : if_must<kw_search, ws, search_text, ws, opt<limit_clause>> {};

// --- call --------------------------------------------------------------------
// call controllers(@x, threshold: 0.5) [yield column [as name], …]
//   [order by …] [skip n] [limit n]
// An argument `name: value` is named; `yield`'s words are only keywords here.
struct kw_call : keyword<TAO_PEGTL_ISTRING("call")> {};
struct kw_yield : keyword<TAO_PEGTL_ISTRING("yield")> {};
struct procedure_name : name {};
struct call_arg_name : name {};
struct call_arg_value : expression {};
struct call_named_arg : seq<call_arg_name, ws, one<':'>, ws, must<call_arg_value>> {};
struct call_positional_arg : expression {};
struct call_arg : seq<sor<call_named_arg, call_positional_arg>, ws> {};
struct next_call_arg : call_arg {};
struct call_open : one<'('> {};
struct call_args : opt<call_arg, star<comma, must<next_call_arg>>> {};
struct yield_column : name {};
struct yield_item : seq<yield_column, ws, opt<alias_name, ws>> {};
struct next_yield_item : yield_item {};
struct yield_items : seq<yield_item, star<comma, must<next_yield_item>>> {};
struct yield_clause : if_must<kw_yield, ws, yield_items> {};
// A match after the call starts from its rows (match_stmt is defined below).
struct call_then;
struct call_stmt
    : if_must<kw_call, ws, procedure_name, ws, call_open, ws, call_args, close_paren, ws,
              opt<yield_clause>,
              sor<call_then, seq<opt<order_clause>, opt<skip_clause>, opt<limit_clause>>>> {};

// --- load --------------------------------------------------------------------
// The words of load are keywords only where load expects them, so they stay
// usable as names everywhere else.
struct kw_load : keyword<TAO_PEGTL_ISTRING("load")> {};
struct kw_csv : keyword<TAO_PEGTL_ISTRING("csv")> {};
struct kw_jsonl : keyword<TAO_PEGTL_ISTRING("jsonl")> {};
struct kw_format : keyword<TAO_PEGTL_ISTRING("format")> {};
struct kw_nodes : keyword<TAO_PEGTL_ISTRING("nodes")> {};
struct kw_edges : keyword<TAO_PEGTL_ISTRING("edges")> {};
struct kw_on : keyword<TAO_PEGTL_ISTRING("on")> {};
struct kw_rows : keyword<TAO_PEGTL_ISTRING("rows")> {};
struct load_as : kw_as {};
struct load_key : keyword<TAO_PEGTL_ISTRING("key")> {};
struct load_from : keyword<TAO_PEGTL_ISTRING("from")> {};
struct load_to : keyword<TAO_PEGTL_ISTRING("to")> {};
struct load_error : keyword<TAO_PEGTL_ISTRING("error")> {};
struct load_skip_word : kw_skip {};
struct load_path : string_literal {};
struct load_format_name : name {};
struct load_format : if_must<kw_format, ws, load_format_name, ws> {};
struct jsonl_format : load_format {};
struct load_skip : if_must<kw_on, ws, load_error, ws, load_skip_word, ws> {};
// A CSV column: a name, or any header text in quotes.
struct load_label : name {};
struct load_key_column : sor<string_literal, name> {};
struct load_predicate : sor<iri_ref, name> {};
struct load_from_column : sor<string_literal, name> {};
struct load_to_column : sor<string_literal, name> {};
struct csv_nodes : if_must<kw_nodes, ws, load_label, ws, load_key, ws, load_key_column, ws> {};
struct csv_edges : if_must<kw_edges, ws, load_predicate, ws, load_from, ws, load_from_column, ws,
                           load_to, ws, load_to_column, ws> {};
// as rows r [where …] insert patterns: the patterns are written once per row.
struct rows_variable : variable {};
struct rows_patterns : pattern_list {};
struct rows_insert : if_must<kw_insert, ws, rows_patterns> {};
struct csv_rows : if_must<kw_rows, ws, rows_variable, ws, opt<where_clause>, rows_insert> {};
struct csv_mapping : sor<csv_nodes, csv_edges, csv_rows> {};
// `share in percent`: the column's numbers are percentages, stored as fractions.
struct kw_percent : keyword<TAO_PEGTL_ISTRING("percent")> {};
struct load_percent_column : sor<string_literal, name> {};
struct load_percent : seq<load_percent_column, ws, kw_in, ws, must<kw_percent>, ws> {};
struct load_csv : if_must<kw_csv, ws, load_path, ws, load_as, ws, csv_mapping, opt<load_percent>,
                          opt<load_skip>> {};
struct load_jsonl : if_must<kw_jsonl, ws, load_path, ws, jsonl_format, opt<load_skip>> {};
struct load_rdf : seq<load_path, ws, opt<load_format>, opt<load_skip>> {};
struct load_source : sor<load_csv, load_jsonl, load_rdf> {};
struct load_stmt : if_must<kw_load, ws, load_source> {};

// --- backup ------------------------------------------------------------------
// backup to 'dir': like load, its words are keywords only here.
struct kw_backup : keyword<TAO_PEGTL_ISTRING("backup")> {};
struct backup_to : keyword<TAO_PEGTL_ISTRING("to")> {};
struct backup_path : string_literal {};
struct backup_stmt : if_must<kw_backup, ws, backup_to, ws, backup_path> {};

struct kw_explain : keyword<TAO_PEGTL_ISTRING("explain")> {};
struct kw_profile : keyword<TAO_PEGTL_ISTRING("profile")> {};
struct explained_stmt : query_stmt {};
// explain why (a)-[:p]->(b) …: every fact instance behind the pattern.
struct kw_why : keyword<TAO_PEGTL_ISTRING("why")> {};
struct why_patterns : pattern_list {};
struct why_stmt : if_must<kw_why, ws, why_patterns, fact_filters> {};
struct explain_target : sor<why_stmt, explained_stmt> {};
struct explain_stmt : if_must<kw_explain, ws, explain_target> {};
struct profile_stmt : if_must<kw_profile, ws, explained_stmt> {};
struct statement
    : sor<explain_stmt, profile_stmt, set_stmt, query_stmt, insert_stmt, delete_stmt, load_stmt,
          merge_stmt, show_stmt, describe_stmt, search_stmt, prefix_stmt, call_stmt, backup_stmt> {
};
struct statement_end : sor<one<';'>, eof> {};
// One statement and its terminator; parsed repeatedly over a script.
struct statement_unit : seq<must<statement>, ws, must<statement_end>, ws> {};
// Leading whitespace before the next statement (or the end).
struct leading : ws {};

}  // namespace quipu::grammar
