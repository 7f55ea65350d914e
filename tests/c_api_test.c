/* The C API from C: open, parameters, results of every type, prepared
 * statements, errors with positions, read-only databases, ownership. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quipu/quipu.h"

static int failures = 0;

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                       \
    }                                                                   \
  } while (0)

#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

static quipu_result* Run(quipu_db* db, const char* text, const quipu_params* params) {
  quipu_result* result = NULL;
  quipu_error* err = NULL;
  if (quipu_execute(db, text, params, &result, &err) != QUIPU_OK) {
    fprintf(stderr, "%s\n  failed: %s\n", text, quipu_error_message(err));
    quipu_error_free(err);
    exit(1);
  }
  return result;
}

/* Lists and paths item by item (run by TestValues over its facts). */
static void TestItems(quipu_db* db) {
  quipu_result* r = Run(db, "return [1, \"two\", date '2024-01-02', [3.5]] as l;", NULL);
  const quipu_value* list = quipu_result_value(r, 0, 0);
  CHECK(quipu_value_type(list) == QUIPU_TYPE_LIST);
  CHECK(quipu_value_list_size(list) == 4);
  CHECK(quipu_value_int(quipu_value_list_item(list, 0)) == 1);
  CHECK_STR(quipu_value_string(quipu_value_list_item(list, 1)), "two");
  CHECK(quipu_value_date(quipu_value_list_item(list, 2)) == 19724);
  const quipu_value* inner = quipu_value_list_item(list, 3);
  CHECK(quipu_value_list_size(inner) == 1);
  CHECK(quipu_value_double(quipu_value_list_item(inner, 0)) == 3.5);
  CHECK(quipu_value_list_item(list, 4) == NULL);
  CHECK(quipu_value_type(quipu_value_list_item(list, 4)) == QUIPU_TYPE_NULL);
  /* Text into a buffer, cut with snprintf's contract. */
  char text[8];
  CHECK(quipu_value_text(list, NULL, 0) == strlen("[1, \"two\", date '2024-01-02', [3.5]]"));
  CHECK(quipu_value_text(list, text, sizeof text) > sizeof text);
  CHECK_STR(text, "[1, \"tw");
  CHECK(quipu_value_text(quipu_value_list_item(list, 0), text, sizeof text) == 1);
  CHECK_STR(text, "1");
  /* Not a path: the path accessors give nothing. */
  CHECK(quipu_value_path_length(list) == 0);
  CHECK(quipu_value_path_node(list, 0) == NULL);
  quipu_result_free(r);

  /* Decimals: digits and scale, the nearest double, the exact text. */
  quipu_params* params = quipu_params_new();
  CHECK(quipu_params_set_decimal(params, "d", "12.50") == QUIPU_OK);
  CHECK(quipu_params_set_decimal(params, "bad", "12.5.0") == QUIPU_INVALID_ARGUMENT);
  CHECK(quipu_params_set_decimal(params, "bad", NULL) == QUIPU_INVALID_ARGUMENT);
  r = Run(db, "return $d * 3, $d + 0.25;", params);
  quipu_params_free(params);
  const quipu_value* d = quipu_result_value(r, 0, 0);
  CHECK(quipu_result_column_type(r, 0) == QUIPU_TYPE_DECIMAL);
  int64_t unscaled = 0;
  int32_t scale = 0;
  CHECK(quipu_value_decimal(d, &unscaled, &scale) == 1);
  CHECK(unscaled == 375 && scale == 1); /* 37.5 */
  CHECK(quipu_value_double(d) == 37.5);
  CHECK(quipu_value_text(d, text, sizeof text) == 4);
  CHECK_STR(text, "37.5");
  CHECK(quipu_result_type(r, 0, 1) == QUIPU_TYPE_DOUBLE);
  CHECK(quipu_value_decimal(quipu_result_value(r, 0, 1), &unscaled, &scale) == 0);
  CHECK(unscaled == 375); /* untouched */
  quipu_result_free(r);

  r = Run(db, "match p = (x)<-[:met_with]-(a) return p;", NULL);
  CHECK(quipu_result_row_count(r) == 1);
  const quipu_value* path = quipu_result_value(r, 0, 0);
  CHECK(quipu_value_type(path) == QUIPU_TYPE_PATH);
  CHECK(quipu_value_path_length(path) == 1);
  CHECK_STR(quipu_value_entity_key(quipu_value_path_node(path, 0)), "xi");
  CHECK_STR(quipu_value_entity_key(quipu_value_path_node(path, 1)), "boluarte");
  CHECK(quipu_value_path_node(path, 2) == NULL);
  CHECK_STR(quipu_value_path_predicate(path, 0), "met_with");
  CHECK(quipu_value_path_forward(path, 0) == 0); /* the fact points back along it */
  CHECK(quipu_value_path_annotation_count(path, 0) == 1);
  CHECK_STR(quipu_value_path_annotation_key(path, 0, 0), "since");
  CHECK(quipu_value_date(quipu_value_path_annotation(path, 0, 0)) == 19902); /* 2024-06-28 */
  CHECK(quipu_value_path_annotation(path, 0, 1) == NULL);
  CHECK(quipu_value_path_predicate(path, 1) == NULL);
  CHECK(quipu_value_list_size(path) == 0);
  quipu_result_free(r);
}

static void TestValues(quipu_db* db) {
  quipu_result_free(Run(db,
                        "insert (@boluarte:Person {name: \"Dina Boluarte\", age: 62, "
                        "height: 1.6, active: true, born: date '1962-05-31'})"
                        "-[:met_with {since: date '2024-06-28'}]->"
                        "(@xi:Person {name: \"Xi Jinping\"});",
                        NULL));
  quipu_params* params = quipu_params_new();
  quipu_params_set_string(params, "name", "Dina Boluarte");
  quipu_result* r = Run(db,
                        "match (p:Person {name: $name}) return p, p.name, p.age, p.height, "
                        "p.active, p.born, p.missing;",
                        params);
  CHECK(quipu_result_column_count(r) == 7);
  CHECK_STR(quipu_result_column_name(r, 1), "p.name");
  CHECK(quipu_result_column_name(r, 7) == NULL);
  CHECK(quipu_result_row_count(r) == 1);
  CHECK(quipu_result_type(r, 0, 0) == QUIPU_TYPE_ENTITY);
  CHECK_STR(quipu_result_entity_key(r, 0, 0), "boluarte");
  CHECK_STR(quipu_result_text(r, 0, 0), "@boluarte");
  CHECK(quipu_result_column_type(r, 1) == QUIPU_TYPE_STRING);
  CHECK_STR(quipu_result_string(r, 0, 1), "Dina Boluarte");
  CHECK(quipu_result_type(r, 0, 2) == QUIPU_TYPE_INT);
  CHECK(quipu_result_int(r, 0, 2) == 62);
  CHECK(quipu_result_double(r, 0, 2) == 62.0);
  CHECK(quipu_result_type(r, 0, 3) == QUIPU_TYPE_DOUBLE);
  CHECK(quipu_result_double(r, 0, 3) == 1.6);
  CHECK(quipu_result_type(r, 0, 4) == QUIPU_TYPE_BOOL);
  CHECK(quipu_result_bool(r, 0, 4) == 1);
  CHECK(quipu_result_type(r, 0, 5) == QUIPU_TYPE_DATE);
  CHECK(quipu_result_date(r, 0, 5) == -2772); /* 1962-05-31 */
  CHECK_STR(quipu_result_text(r, 0, 5), "1962-05-31");
  CHECK(quipu_result_type(r, 0, 6) == QUIPU_TYPE_NULL);
  CHECK(quipu_result_column_type(r, 6) == QUIPU_TYPE_NULL);
  /* Getters of the wrong type and cells out of range give 0 or NULL. */
  CHECK(quipu_result_int(r, 0, 1) == 0);
  CHECK(quipu_result_string(r, 0, 2) == NULL);
  CHECK(quipu_result_type(r, 1, 0) == QUIPU_TYPE_NULL);
  CHECK(quipu_result_text(r, 5, 0) == NULL);
  quipu_result_free(r);

  quipu_params_set_entity(params, "who", "boluarte");
  r = Run(db, "match p = (a)-[:met_with]->(x) where a = $who return p, x.name;", params);
  CHECK(quipu_result_row_count(r) == 1);
  CHECK(quipu_result_type(r, 0, 0) == QUIPU_TYPE_PATH);
  CHECK_STR(quipu_result_text(r, 0, 0),
            "(@boluarte)-[:met_with {since: date '2024-06-28'}]->(@xi)");
  CHECK_STR(quipu_result_string(r, 0, 1), "Xi Jinping");
  quipu_result_free(r);
  quipu_params_free(params);
  TestItems(db);

  r = Run(db, "set @xi.age = 71;", NULL);
  CHECK(quipu_result_facts_inserted(r) == 1);
  CHECK(quipu_result_facts_deleted(r) == 0);
  CHECK_STR(quipu_result_summary(r), "inserted 1 fact, deleted 0 facts");
  CHECK(quipu_result_column_count(r) == 0);
  quipu_result_free(r);
}

/* Language-tagged strings come from RDF files. */
static void TestLangString(quipu_db* db, const char* dir) {
  char nt[256];
  char load[300];
  snprintf(nt, sizeof nt, "%s.nt", dir);
  snprintf(load, sizeof load, "load '%s';", nt);
  FILE* f = fopen(nt, "w");
  if (f == NULL) {
    ++failures;
    return;
  }
  fputs("<http://e/pe> <http://e/label> \"Per\u00FA\"@es .\n", f);
  fclose(f);
  quipu_result_free(Run(db, load, NULL));
  remove(nt);
  quipu_result* r = Run(db, "match (x)-[:<http://e/label>]->(l) return l;", NULL);
  CHECK(quipu_result_type(r, 0, 0) == QUIPU_TYPE_LANG_STRING);
  CHECK_STR(quipu_result_string(r, 0, 0), "Per\xC3\xBA");
  CHECK_STR(quipu_result_lang(r, 0, 0), "es");
  CHECK(quipu_result_lang(r, 0, 1) == NULL);
  quipu_result_free(r);
}

static void TestPrepared(quipu_db* db) {
  quipu_stmt* stmt = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_prepare(db, "match (p:Person) where p.age > $min return p.name order by p.name;",
                      &stmt, &err) == QUIPU_OK);
  quipu_params* params = quipu_params_new();
  quipu_params_set_int(params, "min", 65);
  quipu_result* r = NULL;
  CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_OK);
  CHECK(quipu_result_row_count(r) == 1);
  CHECK_STR(quipu_result_string(r, 0, 0), "Xi Jinping");
  quipu_result_free(r);
  quipu_params_set_int(params, "min", 60); /* replaces the value */
  CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_OK);
  CHECK(quipu_result_row_count(r) == 2);
  quipu_result_free(r);
  quipu_params_free(params);
  quipu_stmt_free(stmt);
}

/* The error `err` holds: its code, message and position; then frees it. */
static void CheckError(quipu_error* err, quipu_code code, const char* message, uint32_t line,
                       uint32_t column) {
  CHECK(err != NULL);
  CHECK(quipu_error_code(err) == code);
  CHECK_STR(quipu_error_message(err), message);
  CHECK(quipu_error_line(err) == line);
  CHECK(quipu_error_column(err) == column);
  quipu_error_free(err);
}

/* A prepared statement's errors: a bad text at quipu_prepare, a missing
 * parameter and values of the wrong type at quipu_stmt_execute, each with
 * its position, before and after a run that worked (which made the plan the
 * later runs share); the statement keeps working after each. */
static void TestPreparedErrors(quipu_db* db) {
  quipu_stmt* stmt = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_prepare(db, "match (e:Envoy)\nwhere e.age >\nreturn e;", &stmt, &err) ==
        QUIPU_SYNTAX_ERROR);
  CHECK(stmt == NULL);
  CheckError(err, QUIPU_SYNTAX_ERROR, "expected an expression after the comparison", 3, 1);
  err = NULL;
  CHECK(quipu_prepare(db, "", &stmt, &err) == QUIPU_SYNTAX_ERROR);
  CheckError(err, QUIPU_SYNTAX_ERROR,
             "expected a statement (match, insert, delete, set, merge, load, show, describe, "
             "search, prefix, call, backup, explain or profile)",
             1, 1);

  quipu_result_free(Run(db,
                        "insert (@ana:Envoy {name: \"Ana\", age: 62})"
                        "-[:visited {since: date '2024-06-28'}]->(@lima:City {name: \"Lima\"});",
                        NULL));
  err = NULL;
  CHECK(quipu_prepare(db,
                      "match (e:Envoy)-[:visited]->(c)\nas of $day\nwhere e.age + $years > 70\n"
                      "return e.name, c.name;",
                      &stmt, &err) == QUIPU_OK);
  CHECK(err == NULL);
  for (int round = 0; round < 2; ++round) {
    quipu_result* r = NULL;
    quipu_params* params = quipu_params_new();
    CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_SEMANTIC_ERROR);
    CHECK(r == NULL);
    CheckError(err, QUIPU_SEMANTIC_ERROR, "parameter $day has no value", 2, 7);
    err = NULL;
    CHECK(quipu_stmt_execute(stmt, NULL, &r, &err) == QUIPU_SEMANTIC_ERROR);
    CheckError(err, QUIPU_SEMANTIC_ERROR, "parameter $day has no value", 2, 7);
    err = NULL;
    quipu_params_set_date(params, "day", 19905); /* 2024-07-01 */
    CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_SEMANTIC_ERROR);
    CheckError(err, QUIPU_SEMANTIC_ERROR, "parameter $years has no value", 3, 15);
    err = NULL;
    quipu_params_set_string(params, "years", "ten");
    CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_SEMANTIC_ERROR);
    CheckError(err, QUIPU_SEMANTIC_ERROR,
               "type mismatch: integer + string (arithmetic needs numbers)", 3, 7);
    err = NULL;
    quipu_params_set_int(params, "years", 10);
    quipu_params_set_string(params, "day", "2024-07-01");
    CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_SEMANTIC_ERROR);
    CheckError(err, QUIPU_SEMANTIC_ERROR,
               "type mismatch: 'as of' needs a date or datetime, got string", 2, 7);
    err = NULL;
    quipu_params_set_date(params, "day", 19905);
    CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_OK);
    CHECK(quipu_result_row_count(r) == 1);
    CHECK_STR(quipu_result_string(r, 0, 0), "Ana");
    CHECK_STR(quipu_result_string(r, 0, 1), "Lima");
    quipu_result_free(r);
    r = NULL;
    quipu_params_set_date(params, "day", 19723); /* 2024-01-01: before the visit */
    CHECK(quipu_stmt_execute(stmt, params, &r, &err) == QUIPU_OK);
    CHECK(quipu_result_row_count(r) == 0);
    quipu_result_free(r);
    quipu_params_free(params);
  }
  quipu_stmt_free(stmt);
}

static void TestErrors(quipu_db* db) {
  quipu_result* r = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_execute(db, "match (a:Person return a;", NULL, &r, &err) == QUIPU_SYNTAX_ERROR);
  CHECK(r == NULL);
  CHECK(quipu_error_code(err) == QUIPU_SYNTAX_ERROR);
  CHECK_STR(quipu_error_message(err), "expected ')' to close the node pattern");
  CHECK(quipu_error_line(err) == 1);
  CHECK(quipu_error_column(err) == 17);
  quipu_error_free(err);

  quipu_stmt* stmt = NULL;
  err = NULL;
  /* An unknown variable parses: it is an error of meaning, found when it runs. */
  CHECK(quipu_prepare(db, "match (a)\nreturn b;", &stmt, &err) == QUIPU_OK);
  CHECK(quipu_stmt_execute(stmt, NULL, &r, &err) == QUIPU_SEMANTIC_ERROR);
  CHECK(quipu_error_code(err) == QUIPU_SEMANTIC_ERROR);
  CHECK(quipu_error_line(err) == 2);
  quipu_error_free(err);
  quipu_stmt_free(stmt);

  err = NULL;
  CHECK(quipu_execute(db, "match (p) where p.name = $nobody return p;", NULL, &r, &err) ==
        QUIPU_SEMANTIC_ERROR);
  CHECK(strstr(quipu_error_message(err), "$nobody") != NULL);
  quipu_error_free(err);

  /* Errors in the arguments; a NULL error pointer is allowed. */
  err = NULL;
  CHECK(quipu_execute(db, NULL, NULL, &r, &err) == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err),
            "quipu_execute needs a db, a statement and a place for the result");
  quipu_error_free(err);
  CHECK(quipu_execute(NULL, "match (a) return a;", NULL, &r, NULL) == QUIPU_INVALID_ARGUMENT);
  err = NULL;
  CHECK(quipu_prepare(db, NULL, &stmt, &err) == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err),
            "quipu_prepare needs a db, a statement and a place for the statement");
  quipu_error_free(err);
  err = NULL;
  CHECK(quipu_stmt_execute(NULL, NULL, &r, &err) == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err),
            "quipu_stmt_execute needs a statement and a place for the result");
  quipu_error_free(err);
  err = NULL;
  CHECK(quipu_execute_script(db, NULL, &err) == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err), "quipu_execute_script needs a db and a script");
  quipu_error_free(err);
  err = NULL;
  quipu_db* other = NULL;
  CHECK(quipu_open(NULL, NULL, &other, &err) == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err), "quipu_open needs a path and a place for the db");
  quipu_error_free(err);

  /* A script stops at its first error; positions refer to the whole script. */
  err = NULL;
  CHECK(quipu_execute_script(db, "insert (@s1:S);\ninsert (@s2:S;\n", &err) == QUIPU_SYNTAX_ERROR);
  CHECK(quipu_error_line(err) == 2);
  quipu_error_free(err);
  r = Run(db, "match (s:S) return s;", NULL);
  CHECK(quipu_result_row_count(r) == 1);
  quipu_result_free(r);

  /* Every *_free accepts NULL. */
  quipu_error_free(NULL);
  quipu_result_free(NULL);
  quipu_stmt_free(NULL);
  quipu_params_free(NULL);
  quipu_close(NULL);
}

struct CancelRun {
  quipu_db* db;
  quipu_code code;
  char message[128];
  atomic_int done;
};

static void* RunLong(void* arg) {
  struct CancelRun* run = arg;
  quipu_result* r = NULL;
  quipu_error* err = NULL;
  /* A billion rows: far longer than it takes to cancel it. */
  run->code = quipu_execute(run->db, "match (a:N), (b:N), (c:N) return count(a);", NULL, &r, &err);
  snprintf(run->message, sizeof run->message, "%s", quipu_error_message(err));
  quipu_error_free(err);
  quipu_result_free(r);
  atomic_store(&run->done, 1);
  return NULL;
}

/* quipu_cancel from another thread stops the running statement. */
static void TestCancel(quipu_db* db) {
  static char script[1000 * 24];
  size_t used = 0;
  for (int i = 0; i < 1000; ++i) {
    used += (size_t)snprintf(script + used, sizeof script - used, "insert (@n%d:N);\n", i);
  }
  quipu_error* err = NULL;
  CHECK(quipu_execute_script(db, script, &err) == QUIPU_OK);
  struct CancelRun run = {db, QUIPU_OK, "", 0};
  pthread_t thread;
  if (pthread_create(&thread, NULL, RunLong, &run) != 0) {
    ++failures;
    return;
  }
  /* A cancel stops only statements already running: repeat until it lands. */
  while (!atomic_load(&run.done)) {
    quipu_cancel(db);
    sched_yield();
  }
  pthread_join(thread, NULL);
  CHECK(run.code == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(run.message, "the statement was cancelled");
}

static void TestReadOnly(const char* path) {
  quipu_options options;
  quipu_options_init(&options);
  CHECK(options.read_only == 0 && options.create_if_missing == 1);
  CHECK(options.path_states == 10000000);
  options.read_only = 1;
  quipu_db* db = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_open(path, &options, &db, &err) == QUIPU_OK);
  quipu_result* r = Run(db, "match (p:Person) return count(p);", NULL);
  CHECK(quipu_result_int(r, 0, 0) == 2);
  quipu_result_free(r);
  CHECK(quipu_execute(db, "insert (@z);", NULL, &r, &err) != QUIPU_OK);
  CHECK(strstr(quipu_error_message(err), "read-only") != NULL);
  quipu_error_free(err);
  quipu_cancel(db); /* nothing running: no effect */
  r = Run(db, "match (p:Person) return count(p);", NULL);
  quipu_result_free(r);
  quipu_close(db);

  options.read_only = 0;
  options.create_if_missing = 0;
  err = NULL;
  CHECK(quipu_open("/nonexistent/quipu-c-api-test", &options, &db, &err) != QUIPU_OK);
  CHECK(quipu_error_message(err)[0] != '\0');
  quipu_error_free(err);
}

/* A database whose loads are confined to `dir`/in. */
static void TestLoadDirectories(const char* dir) {
  char db_path[256], in[256], inside[300], outside[300], stmt[700];
  snprintf(db_path, sizeof db_path, "%s/confined", dir);
  snprintf(in, sizeof in, "%s/in", dir);
  snprintf(inside, sizeof inside, "%s/a.nt", in);
  snprintf(outside, sizeof outside, "%s/b.nt", dir);
  CHECK(mkdir(in, 0700) == 0);
  const char* fact = "<http://e/a> <http://e/p> \"a\" .\n";
  FILE* f = fopen(inside, "w");
  fputs(fact, f);
  fclose(f);
  f = fopen(outside, "w");
  fputs(fact, f);
  fclose(f);
  quipu_options options;
  quipu_options_init(&options);
  CHECK(options.load_directories == NULL && options.load_directory_count == 0);
  const char* dirs[] = {in};
  options.load_directories = dirs;
  options.load_directory_count = 1;
  quipu_db* db = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_open(db_path, &options, &db, &err) == QUIPU_OK);
  quipu_result* r = NULL;
  snprintf(stmt, sizeof stmt, "load '%s';", outside);
  CHECK(quipu_execute(db, stmt, NULL, &r, &err) != QUIPU_OK);
  char expected[700];
  snprintf(expected, sizeof expected,
           "cannot load '%s': it is outside the directories loads may read (%s)", outside, in);
  CHECK_STR(quipu_error_message(err), expected);
  quipu_error_free(err);
  err = NULL;
  snprintf(stmt, sizeof stmt, "load '%s';", inside);
  CHECK(quipu_execute(db, stmt, NULL, &r, &err) == QUIPU_OK);
  quipu_result_free(r);
  quipu_close(db);
  options.load_directories = NULL;
  CHECK(quipu_open(db_path, &options, &db, &err) != QUIPU_OK);
  CHECK_STR(quipu_error_message(err),
            "quipu_open: load_directory_count is set but load_directories is NULL");
  quipu_error_free(err);
  const char* null_dir[] = {NULL};
  options.load_directories = null_dir;
  CHECK(quipu_open(db_path, &options, &db, &err) != QUIPU_OK);
  CHECK_STR(quipu_error_message(err), "quipu_open: a load directory is NULL");
  quipu_error_free(err);
}

/* The memory budget and the row limit, given when opening. */
static void TestLimits(const char* path) {
  quipu_options options;
  quipu_options_init(&options);
  CHECK(options.memory_bytes > 0); /* half the machine's memory */
  CHECK(options.max_result_rows == 0);
  const uint64_t default_memory = options.memory_bytes;
  options.memory_bytes = 100;
  quipu_db* db = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_open(path, &options, &db, &err) == QUIPU_OK);
  quipu_result* r = NULL;
  CHECK(quipu_execute(db, "match (p:Person) return p order by p.name;", NULL, &r, &err) ==
        QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err),
            "statement memory budget of 100 bytes exceeded by a sort (2 rows); raise it with "
            ":limit memory SIZE in the shell or QueryLimits::memory_bytes in the API, or narrow "
            "the query");
  quipu_error_free(err);
  err = NULL;
  quipu_close(db);

  options.memory_bytes = default_memory;
  options.max_result_rows = 1;
  CHECK(quipu_open(path, &options, &db, &err) == QUIPU_OK);
  CHECK(quipu_execute(db, "match (p:Person) return p.name;", NULL, &r, &err) ==
        QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err),
            "the statement returned more than 1 rows (the limit 'rows': :limit rows N in the "
            "shell, QueryLimits::max_result_rows in the API); add 'limit 1' to keep the first 1, "
            "or raise the limit");
  quipu_error_free(err);
  r = Run(db, "match (p:Person) return count(p);", NULL);
  CHECK(quipu_result_int(r, 0, 0) == 2);
  quipu_result_free(r);
  quipu_close(db);

  /* The parser's limits. */
  quipu_options_init(&options);
  CHECK(options.statement_bytes == 1048576);
  CHECK(options.nesting_depth == 256);
  options.nesting_depth = 2;
  options.statement_bytes = 16;
  CHECK(quipu_open(path, &options, &db, &err) == QUIPU_OK);
  CHECK(quipu_execute(db, "return [[[1]]];", NULL, &r, &err) == QUIPU_SYNTAX_ERROR);
  CHECK_STR(quipu_error_message(err),
            "operands nest more than 2 deep here (the limit 'nesting_depth': :limit "
            "nesting_depth N in the shell, QueryLimits::nesting_depth in the API)");
  quipu_error_free(err);
  err = NULL;
  CHECK(quipu_execute(db, "return 'seventeen bytes';", NULL, &r, &err) == QUIPU_SYNTAX_ERROR);
  CHECK_STR(quipu_error_message(err),
            "the statement is 25 bytes long, over the limit of 16 bytes (the limit "
            "'statement_bytes': :limit statement_bytes N in the shell, "
            "QueryLimits::statement_bytes in the API)");
  quipu_error_free(err);
  quipu_close(db);
}

/* Durability: synced by default; relaxed writes (tests/power_loss_test.cc
 * shows what each keeps of a machine crash); anything else is refused. */
static void TestDurability(const char* path) {
  quipu_options options;
  quipu_options_init(&options);
  CHECK(options.durability == QUIPU_DURABILITY_SYNCED);
  options.durability = QUIPU_DURABILITY_RELAXED;
  quipu_db* db = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_open(path, &options, &db, &err) == QUIPU_OK);
  quipu_result* r = Run(db, "insert (@relaxed {n: 1});", NULL);
  quipu_result_free(r);
  r = Run(db, "match (@relaxed {n: 1}) return count(*);", NULL);
  CHECK(quipu_result_int(r, 0, 0) == 1);
  quipu_result_free(r);
  quipu_close(db);
  options.durability = (quipu_durability)7;
  CHECK(quipu_open(path, &options, &db, &err) == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err),
            "quipu_open: durability is QUIPU_DURABILITY_SYNCED or QUIPU_DURABILITY_RELAXED, "
            "not 7");
  quipu_error_free(err);
}

/* A backup opens as a database; its errors come back as errors. */
static void TestBackup(const char* path) {
  quipu_db* db = NULL;
  quipu_error* err = NULL;
  CHECK(quipu_open(path, NULL, &db, &err) == QUIPU_OK);
  char copy[256];
  snprintf(copy, sizeof copy, "%s-copy", path);
  CHECK(quipu_backup(db, copy, &err) == QUIPU_OK);
  CHECK(quipu_backup(db, copy, &err) == QUIPU_INVALID_ARGUMENT);
  char expected[600];
  snprintf(expected, sizeof expected,
           "cannot back up to '%s': it exists (name a directory to create)", copy);
  CHECK_STR(quipu_error_message(err), expected);
  quipu_error_free(err);
  err = NULL;
  CHECK(quipu_backup(db, NULL, &err) == QUIPU_INVALID_ARGUMENT);
  CHECK_STR(quipu_error_message(err), "quipu_backup needs a db and a directory");
  quipu_error_free(err);
  quipu_close(db);
  quipu_db* restored = NULL;
  CHECK(quipu_open(copy, NULL, &restored, &err) == QUIPU_OK);
  quipu_result* r = Run(restored, "match (@relaxed {n: 1}) return count(*);", NULL);
  CHECK(quipu_result_int(r, 0, 0) == 1);
  quipu_result_free(r);
  quipu_close(restored);
  char command[300];
  snprintf(command, sizeof command, "rm -rf %s", copy);
  if (system(command) != 0) ++failures;
}

int main(void) {
  char path[] = "/tmp/quipu-c-api-XXXXXX";
  if (mkdtemp(path) == NULL) return 1;
  quipu_db* db = NULL;
  quipu_error* err = NULL;
  if (quipu_open(path, NULL, &db, &err) != QUIPU_OK) {
    fprintf(stderr, "open failed: %s\n", quipu_error_message(err));
    return 1;
  }
  TestValues(db);
  TestPrepared(db);
  TestPreparedErrors(db);
  TestErrors(db);
  TestLangString(db, path);
  TestCancel(db);
  quipu_close(db);
  TestReadOnly(path);
  TestLoadDirectories(path);
  TestLimits(path);
  TestDurability(path);
  TestBackup(path);
  char command[64];
  snprintf(command, sizeof command, "rm -rf %s", path);
  if (system(command) != 0) ++failures;
  if (failures == 0) printf("c_api_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
