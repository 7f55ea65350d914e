/* quipu.h: the C API of Quipu, for C programs and other languages' FFI.
 *
 *   quipu_db* db = NULL;
 *   quipu_error* err = NULL;
 *   if (quipu_open("/tmp/case", NULL, &db, &err) != QUIPU_OK) { ...; quipu_error_free(err); }
 *   quipu_params* params = quipu_params_new();
 *   quipu_params_set_string(params, "name", "Xi Jinping");
 *   quipu_result* result = NULL;
 *   if (quipu_execute(db, "match (p {name: $name}) return p;", params, &result, &err) ==
 *       QUIPU_OK) {
 *     for (size_t row = 0; row < quipu_result_row_count(result); ++row)
 *       puts(quipu_result_text(result, row, 0));
 *     quipu_result_free(result);
 *   }
 *   quipu_params_free(params);
 *   quipu_close(db);
 *
 * Ownership: every object a quipu_* function hands out through an out
 * parameter or returns (quipu_db, quipu_stmt, quipu_result, quipu_params,
 * quipu_error) belongs to the caller, who releases it with the matching
 * *_free (quipu_close for a database). Each *_free accepts NULL. Strings
 * returned as const char* belong to the object they came from and stay
 * valid until it is freed. Strings passed in are copied; the caller keeps
 * them. A quipu_result and a quipu_error do not depend on the database and
 * may outlive it; a quipu_stmt must be freed before its database.
 *
 * Errors: a function that can fail returns a quipu_code; QUIPU_OK is 0. On
 * failure, when `error` is not NULL, *error receives a new quipu_error with
 * the message and, for errors in statement text, the 1-based line and
 * column. On success *error is left untouched.
 *
 * Threads: a quipu_db may be used from several threads at once (see
 * docs/embedding.md): writing statements run one at a time, reading ones
 * alongside, each reading one consistent snapshot. A quipu_stmt, a
 * quipu_result and a quipu_params are used by one thread at a time. */
#ifndef QUIPU_QUIPU_H_
#define QUIPU_QUIPU_H_

#include <stddef.h>
#include <stdint.h>

#include "quipu/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct quipu_db quipu_db;
typedef struct quipu_stmt quipu_stmt;
typedef struct quipu_result quipu_result;
typedef struct quipu_params quipu_params;
typedef struct quipu_error quipu_error;
/* One value inside a result: a cell, an item of a list, a node or an
 * annotation of a path. Borrowed: it belongs to its quipu_result and is
 * valid until that is freed; never freed by itself. */
typedef struct quipu_value quipu_value;

/* The outcome of a call; the same kinds as quipu::Status::Code. */
typedef enum quipu_code {
  QUIPU_OK = 0,
  QUIPU_SYNTAX_ERROR,   /* the statement text does not parse */
  QUIPU_SEMANTIC_ERROR, /* it parses but means nothing (unknown variable, ...) */
  QUIPU_INVALID_ARGUMENT,
  QUIPU_NOT_FOUND,
  QUIPU_IO_ERROR,
  QUIPU_CORRUPTION,
  QUIPU_NOT_SUPPORTED,
  QUIPU_INTERNAL
} quipu_code;

/* The type of a value; the same kinds as quipu::Value::Type. */
typedef enum quipu_type {
  QUIPU_TYPE_NULL = 0,
  QUIPU_TYPE_BOOL,
  QUIPU_TYPE_INT,
  QUIPU_TYPE_DOUBLE,
  QUIPU_TYPE_STRING,
  QUIPU_TYPE_LANG_STRING, /* a string with a language tag */
  QUIPU_TYPE_DATE,
  QUIPU_TYPE_DATETIME,
  QUIPU_TYPE_ENTITY,
  QUIPU_TYPE_LIST,
  QUIPU_TYPE_PATH,
  QUIPU_TYPE_DECIMAL /* exact: unscaled / 10^scale, 18 significant digits */
} quipu_type;

/* ---- errors */
QUIPU_EXPORT const char* quipu_error_message(const quipu_error* error);
QUIPU_EXPORT quipu_code quipu_error_code(const quipu_error* error);
/* 1-based position in the statement text; 0 when the error has none. */
QUIPU_EXPORT uint32_t quipu_error_line(const quipu_error* error);
QUIPU_EXPORT uint32_t quipu_error_column(const quipu_error* error);
QUIPU_EXPORT void quipu_error_free(quipu_error* error);

/* ---- opening and closing */
/* When a write statement reports success (quipu::Durability). */
typedef enum quipu_durability {
  QUIPU_DURABILITY_SYNCED = 0, /* its log synced: it survives a machine crash */
  QUIPU_DURABILITY_RELAXED     /* written, not synced: it survives a process crash */
} quipu_durability;

typedef struct quipu_options {
  int read_only;             /* refuse writes, take no lock; default 0 */
  int create_if_missing;     /* default 1 */
  double time_limit_seconds; /* per reading statement; 0 (default): none */
  uint64_t path_states;      /* per statement; default 10,000,000; 0: none */
  /* When load_directory_count > 0, `load` reads only files inside these
   * directories (after resolving symbolic links and ".."); other paths are
   * refused. Default: NULL and 0, any file. The strings are copied. */
  const char* const* load_directories;
  size_t load_directory_count;
  /* Bytes one statement's joins, sorts, groups, path searches and result may
   * hold; default half the physical (or cgroup) memory; 0: none. */
  uint64_t memory_bytes;
  uint64_t max_result_rows; /* rows a statement may return; default 0: none */
  /* What the parser accepts of one statement's text: its bytes (default
   * 1 MiB) and how deep operands nest (default 256); 0: none. Keep
   * nesting_depth on for untrusted text: deep nesting overflows the stack. */
  uint64_t statement_bytes;
  uint32_t nesting_depth;
  quipu_durability durability; /* default QUIPU_DURABILITY_SYNCED */
} quipu_options;

/* Fills `options` with the defaults. */
QUIPU_EXPORT void quipu_options_init(quipu_options* options);
/* `options` may be NULL for the defaults. On success *db is a new database. */
QUIPU_EXPORT quipu_code quipu_open(const char* path, const quipu_options* options, quipu_db** db,
                                   quipu_error** error);
/* Closes the database. Its prepared statements must be freed before. */
QUIPU_EXPORT void quipu_close(quipu_db* db);
/* Asks every statement running now to stop ("the statement was cancelled").
 * Safe to call from any thread. */
QUIPU_EXPORT void quipu_cancel(quipu_db* db);
/* Writes a copy of the database as of one moment into the new directory
 * `dir` (quipu::Database::Backup); statements go on meanwhile. */
QUIPU_EXPORT quipu_code quipu_backup(quipu_db* db, const char* dir, quipu_error** error);

/* ---- parameters: values for the $name parameters of a statement */
QUIPU_EXPORT quipu_params* quipu_params_new(void);
QUIPU_EXPORT void quipu_params_free(quipu_params* params);
/* `name` without the '$'. Setting a name again replaces its value. */
QUIPU_EXPORT void quipu_params_set_null(quipu_params* params, const char* name);
QUIPU_EXPORT void quipu_params_set_bool(quipu_params* params, const char* name, int value);
QUIPU_EXPORT void quipu_params_set_int(quipu_params* params, const char* name, int64_t value);
QUIPU_EXPORT void quipu_params_set_double(quipu_params* params, const char* name, double value);
QUIPU_EXPORT void quipu_params_set_string(quipu_params* params, const char* name,
                                          const char* value);
/* An exact decimal from its text ("12.50", "-0.05"): QUIPU_OK, or
 * QUIPU_INVALID_ARGUMENT when the text is not a decimal of at most 18
 * significant digits (the parameter is then left as it was). */
QUIPU_EXPORT quipu_code quipu_params_set_decimal(quipu_params* params, const char* name,
                                                 const char* text);
/* Days since 1970-01-01. */
QUIPU_EXPORT void quipu_params_set_date(quipu_params* params, const char* name, int64_t days);
/* An entity by key: "cosco" for @cosco, or an absolute IRI. */
QUIPU_EXPORT void quipu_params_set_entity(quipu_params* params, const char* name, const char* key);

/* ---- running statements */
/* Runs one statement; `params` may be NULL. On success *result is new. */
QUIPU_EXPORT quipu_code quipu_execute(quipu_db* db, const char* statement,
                                      const quipu_params* params, quipu_result** result,
                                      quipu_error** error);
/* Runs the statements of a script in order, each atomically, and drops their
 * results; stops at the first error (positions refer to the whole script). */
QUIPU_EXPORT quipu_code quipu_execute_script(quipu_db* db, const char* script, quipu_error** error);
/* Parses one statement once; a syntax error is reported here. On success
 * *stmt is new. */
QUIPU_EXPORT quipu_code quipu_prepare(quipu_db* db, const char* statement, quipu_stmt** stmt,
                                      quipu_error** error);
/* Runs a prepared statement with `params` (may be NULL); its plan is made on
 * the first run and kept while the database is unchanged. A parameter
 * missing or of the wrong type fails here (QUIPU_SEMANTIC_ERROR, with the
 * position it concerns). On success *result is new. */
QUIPU_EXPORT quipu_code quipu_stmt_execute(quipu_stmt* stmt, const quipu_params* params,
                                           quipu_result** result, quipu_error** error);
QUIPU_EXPORT void quipu_stmt_free(quipu_stmt* stmt);

/* ---- results. Rows and columns count from 0; out of range gives NULL
 * type and zero values. A getter of the wrong type returns 0 or NULL. */
QUIPU_EXPORT size_t quipu_result_column_count(const quipu_result* result);
QUIPU_EXPORT const char* quipu_result_column_name(const quipu_result* result, size_t column);
/* The type of the column's non-null values (int and decimal mixed: decimal;
 * either with double: double);
 * QUIPU_TYPE_NULL when it holds only nulls or several types. */
QUIPU_EXPORT quipu_type quipu_result_column_type(const quipu_result* result, size_t column);
QUIPU_EXPORT size_t quipu_result_row_count(const quipu_result* result);
QUIPU_EXPORT quipu_type quipu_result_type(const quipu_result* result, size_t row, size_t column);
QUIPU_EXPORT int quipu_result_bool(const quipu_result* result, size_t row, size_t column);
QUIPU_EXPORT int64_t quipu_result_int(const quipu_result* result, size_t row, size_t column);
/* Doubles, and ints converted. */
QUIPU_EXPORT double quipu_result_double(const quipu_result* result, size_t row, size_t column);
/* Strings, and the text of a language-tagged string. */
QUIPU_EXPORT const char* quipu_result_string(const quipu_result* result, size_t row, size_t column);
/* The language tag of a language-tagged string ("es" for "Perú"@es). */
QUIPU_EXPORT const char* quipu_result_lang(const quipu_result* result, size_t row, size_t column);
QUIPU_EXPORT const char* quipu_result_entity_key(const quipu_result* result, size_t row,
                                                 size_t column);
/* Days since 1970-01-01. */
QUIPU_EXPORT int64_t quipu_result_date(const quipu_result* result, size_t row, size_t column);
/* Microseconds since 1970-01-01T00:00:00Z. */
QUIPU_EXPORT int64_t quipu_result_datetime(const quipu_result* result, size_t row, size_t column);
/* Any value as text, as the shell prints it: strings raw, entities @key,
 * dates ISO 8601, paths as a pattern (@a)-[:owns]->(@b), null "null". */
QUIPU_EXPORT const char* quipu_result_text(const quipu_result* result, size_t row, size_t column);

/* ---- values one by one: what a list or a path holds, item by item. Every
 * quipu_value_* accessor accepts NULL and a value of another type, and then
 * gives QUIPU_TYPE_NULL, 0 or NULL like the quipu_result_* getters. */
/* The cell as a value; NULL out of range. */
QUIPU_EXPORT const quipu_value* quipu_result_value(const quipu_result* result, size_t row,
                                                   size_t column);
QUIPU_EXPORT quipu_type quipu_value_type(const quipu_value* value);
QUIPU_EXPORT int quipu_value_bool(const quipu_value* value);
QUIPU_EXPORT int64_t quipu_value_int(const quipu_value* value);
/* Doubles, and ints converted. */
QUIPU_EXPORT double quipu_value_double(const quipu_value* value);
/* Strings, and the text of a language-tagged string. */
QUIPU_EXPORT const char* quipu_value_string(const quipu_value* value);
QUIPU_EXPORT const char* quipu_value_lang(const quipu_value* value);
QUIPU_EXPORT const char* quipu_value_entity_key(const quipu_value* value);
/* A decimal as its unscaled integer and scale (value = unscaled / 10^scale,
 * scale 0..18, no trailing zeros); returns 1 for a decimal, else 0 and leaves
 * both untouched. quipu_value_double gives its nearest double and
 * quipu_value_text its exact digits. */
QUIPU_EXPORT int quipu_value_decimal(const quipu_value* value, int64_t* unscaled, int32_t* scale);
/* Days since 1970-01-01. */
QUIPU_EXPORT int64_t quipu_value_date(const quipu_value* value);
/* Microseconds since 1970-01-01T00:00:00Z. */
QUIPU_EXPORT int64_t quipu_value_datetime(const quipu_value* value);
/* The value as text (as quipu_result_text) into `buffer` of `size` bytes,
 * cut and NUL-terminated when it does not fit (snprintf's contract); returns
 * the length of the whole text, so a second call with a buffer one byte
 * longer than that gets it all. `buffer` may be NULL when `size` is 0. */
QUIPU_EXPORT size_t quipu_value_text(const quipu_value* value, char* buffer, size_t size);
/* A list's items, from 0. */
QUIPU_EXPORT size_t quipu_value_list_size(const quipu_value* value);
QUIPU_EXPORT const quipu_value* quipu_value_list_item(const quipu_value* value, size_t index);
/* A path of n hops has n + 1 nodes (entities), node i and node i + 1 joined by
 * hop i. A hop is a fact: its predicate's key ("owns"), whether it points
 * along the path (1: node i -> node i + 1) or back (0), and the annotations
 * of the fact instance it used, sorted by key. */
QUIPU_EXPORT size_t quipu_value_path_length(const quipu_value* value);
QUIPU_EXPORT const quipu_value* quipu_value_path_node(const quipu_value* value, size_t index);
QUIPU_EXPORT const char* quipu_value_path_predicate(const quipu_value* value, size_t hop);
QUIPU_EXPORT int quipu_value_path_forward(const quipu_value* value, size_t hop);
QUIPU_EXPORT size_t quipu_value_path_annotation_count(const quipu_value* value, size_t hop);
QUIPU_EXPORT const char* quipu_value_path_annotation_key(const quipu_value* value, size_t hop,
                                                         size_t index);
QUIPU_EXPORT const quipu_value* quipu_value_path_annotation(const quipu_value* value, size_t hop,
                                                            size_t index);

/* For writes: fact instances added and removed, and a line for people. */
QUIPU_EXPORT uint64_t quipu_result_facts_inserted(const quipu_result* result);
QUIPU_EXPORT uint64_t quipu_result_facts_deleted(const quipu_result* result);
QUIPU_EXPORT const char* quipu_result_summary(const quipu_result* result);
QUIPU_EXPORT void quipu_result_free(quipu_result* result);

#ifdef __cplusplus
}
#endif

#endif /* QUIPU_QUIPU_H_ */
