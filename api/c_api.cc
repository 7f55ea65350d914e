// The C API (include/quipu/quipu.h) over quipu::Database. Every entry point
// catches what the C++ side might throw: nothing unwinds into C.
#include "quipu/quipu.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "quipu/database.h"

struct quipu_db {
  std::unique_ptr<quipu::Database> db;
};

struct quipu_stmt {
  std::unique_ptr<quipu::PreparedStatement> stmt;
};

struct quipu_params {
  quipu::Params params;
};

struct quipu_error {
  quipu::Status status;
};

struct quipu_result {
  quipu::QueryResult result;
  // Texts handed out by quipu_result_text, by row * columns + column; they
  // live as long as the result.
  std::map<size_t, std::string> texts;
};

namespace {

quipu_code CodeOf(const quipu::Status& status) { return static_cast<quipu_code>(status.code()); }

quipu_code Fail(const quipu::Status& status, quipu_error** error) {
  if (error != nullptr) *error = new (std::nothrow) quipu_error{status};
  return CodeOf(status);
}

quipu_code FailInternal(quipu_error** error) {
  return Fail(quipu::Status::Internal("unexpected failure in the C API"), error);
}

const quipu::Value* Cell(const quipu_result* result, size_t row, size_t column) {
  if (result == nullptr || row >= result->result.rows.size() ||
      column >= result->result.rows[row].size()) {
    return nullptr;
  }
  return &result->result.rows[row][column];
}

// A quipu_value is never defined: a handle is the address of a quipu::Value
// inside a result, and only ever turned back into one.
const quipu_value* Handle(const quipu::Value* v) { return reinterpret_cast<const quipu_value*>(v); }
const quipu::Value* ValueOf(const quipu_value* value) {
  return reinterpret_cast<const quipu::Value*>(value);
}
// The value when it has `type`, else nullptr.
const quipu::Value* Typed(const quipu_value* value, quipu::Value::Type type) {
  const quipu::Value* v = ValueOf(value);
  return v != nullptr && v->type() == type ? v : nullptr;
}
const quipu::PathHop* HopOf(const quipu_value* value, size_t hop) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kPath);
  return v != nullptr && hop < v->as_path().hops.size() ? &v->as_path().hops[hop] : nullptr;
}

const quipu::Params& ParamsOf(const quipu_params* params) {
  static const quipu::Params kNone;
  return params == nullptr ? kNone : params->params;
}

quipu_code Finish(quipu::Result<quipu::QueryResult> r, quipu_result** result, quipu_error** error) {
  if (!r.ok()) return Fail(r.status(), error);
  *result = new quipu_result{std::move(*r), {}};
  return QUIPU_OK;
}

void SetParam(quipu_params* params, const char* name, quipu::Value value) {
  if (params == nullptr || name == nullptr) return;
  try {
    params->params[name] = std::move(value);
  } catch (...) {
    // Out of memory: the parameter stays unset and running reports it missing.
  }
}

}  // namespace

extern "C" {

const char* quipu_error_message(const quipu_error* error) {
  return error == nullptr ? "" : error->status.message().c_str();
}
quipu_code quipu_error_code(const quipu_error* error) {
  return error == nullptr ? QUIPU_OK : CodeOf(error->status);
}
uint32_t quipu_error_line(const quipu_error* error) {
  return error == nullptr ? 0 : error->status.line();
}
uint32_t quipu_error_column(const quipu_error* error) {
  return error == nullptr ? 0 : error->status.column();
}
void quipu_error_free(quipu_error* error) { delete error; }

void quipu_options_init(quipu_options* options) {
  if (options == nullptr) return;
  const quipu::DatabaseOptions defaults;
  options->read_only = defaults.read_only ? 1 : 0;
  options->create_if_missing = defaults.create_if_missing ? 1 : 0;
  options->time_limit_seconds = defaults.limits.time_seconds;
  options->path_states = defaults.limits.path_states;
  options->load_directories = nullptr;
  options->load_directory_count = 0;
  options->memory_bytes = defaults.limits.memory_bytes;
  options->max_result_rows = defaults.limits.max_result_rows;
  options->statement_bytes = defaults.limits.statement_bytes;
  options->nesting_depth = defaults.limits.nesting_depth;
  options->durability = defaults.durability == quipu::Durability::kRelaxed
                            ? QUIPU_DURABILITY_RELAXED
                            : QUIPU_DURABILITY_SYNCED;
}

quipu_code quipu_open(const char* path, const quipu_options* options, quipu_db** db,
                      quipu_error** error) {
  if (path == nullptr || db == nullptr) {
    return Fail(quipu::Status::InvalidArgument("quipu_open needs a path and a place for the db"),
                error);
  }
  try {
    quipu::DatabaseOptions opts;
    if (options != nullptr) {
      opts.read_only = options->read_only != 0;
      opts.create_if_missing = options->create_if_missing != 0;
      opts.limits.time_seconds = options->time_limit_seconds;
      opts.limits.path_states = options->path_states;
      if (options->load_directory_count > 0 && options->load_directories == nullptr) {
        return Fail(quipu::Status::InvalidArgument(
                        "quipu_open: load_directory_count is set but load_directories is NULL"),
                    error);
      }
      for (size_t i = 0; i < options->load_directory_count; ++i) {
        if (options->load_directories[i] == nullptr) {
          return Fail(quipu::Status::InvalidArgument("quipu_open: a load directory is NULL"),
                      error);
        }
        opts.load_directories.emplace_back(options->load_directories[i]);
      }
      opts.limits.memory_bytes = options->memory_bytes;
      opts.limits.max_result_rows = options->max_result_rows;
      opts.limits.statement_bytes = options->statement_bytes;
      opts.limits.nesting_depth = options->nesting_depth;
      // Read as its integer: a C caller may store any int in the enum, which
      // C++ may not load as the enum type (undefined behaviour, UBSan says).
      std::underlying_type_t<quipu_durability> durability;
      std::memcpy(&durability, &options->durability, sizeof durability);
      switch (durability) {
        case QUIPU_DURABILITY_SYNCED:
          opts.durability = quipu::Durability::kSynced;
          break;
        case QUIPU_DURABILITY_RELAXED:
          opts.durability = quipu::Durability::kRelaxed;
          break;
        default:
          return Fail(
              quipu::Status::InvalidArgument("quipu_open: durability is QUIPU_DURABILITY_SYNCED or "
                                             "QUIPU_DURABILITY_RELAXED, not " +
                                             std::to_string(static_cast<long long>(durability))),
              error);
      }
    }
    auto opened = quipu::Database::Open(path, opts);
    if (!opened.ok()) return Fail(opened.status(), error);
    *db = new quipu_db{std::move(*opened)};
    return QUIPU_OK;
  } catch (...) {
    return FailInternal(error);
  }
}

void quipu_close(quipu_db* db) { delete db; }

quipu_code quipu_backup(quipu_db* db, const char* dir, quipu_error** error) {
  if (db == nullptr || dir == nullptr) {
    return Fail(quipu::Status::InvalidArgument("quipu_backup needs a db and a directory"), error);
  }
  try {
    quipu::Status status = db->db->Backup(dir);
    if (!status.ok()) return Fail(status, error);
    return QUIPU_OK;
  } catch (...) {
    return FailInternal(error);
  }
}

void quipu_cancel(quipu_db* db) {
  if (db != nullptr) db->db->Cancel();
}

quipu_params* quipu_params_new(void) { return new (std::nothrow) quipu_params; }
void quipu_params_free(quipu_params* params) { delete params; }
void quipu_params_set_null(quipu_params* params, const char* name) {
  SetParam(params, name, quipu::Value());
}
void quipu_params_set_bool(quipu_params* params, const char* name, int value) {
  SetParam(params, name, quipu::Value(value != 0));
}
void quipu_params_set_int(quipu_params* params, const char* name, int64_t value) {
  SetParam(params, name, quipu::Value(value));
}
void quipu_params_set_double(quipu_params* params, const char* name, double value) {
  SetParam(params, name, quipu::Value(value));
}
void quipu_params_set_string(quipu_params* params, const char* name, const char* value) {
  SetParam(params, name, value == nullptr ? quipu::Value() : quipu::Value(value));
}
quipu_code quipu_params_set_decimal(quipu_params* params, const char* name, const char* text) {
  quipu::Decimal d;
  if (text == nullptr || !quipu::ParseDecimal(text, &d)) return QUIPU_INVALID_ARGUMENT;
  SetParam(params, name, quipu::Value(d));
  return QUIPU_OK;
}
void quipu_params_set_date(quipu_params* params, const char* name, int64_t days) {
  SetParam(params, name, quipu::Value(quipu::Date{days}));
}
void quipu_params_set_entity(quipu_params* params, const char* name, const char* key) {
  SetParam(params, name,
           key == nullptr ? quipu::Value() : quipu::Value(quipu::Entity{std::string(key)}));
}

quipu_code quipu_execute(quipu_db* db, const char* statement, const quipu_params* params,
                         quipu_result** result, quipu_error** error) {
  if (db == nullptr || statement == nullptr || result == nullptr) {
    return Fail(quipu::Status::InvalidArgument(
                    "quipu_execute needs a db, a statement and a place for the result"),
                error);
  }
  try {
    return Finish(db->db->Execute(statement, ParamsOf(params)), result, error);
  } catch (...) {
    return FailInternal(error);
  }
}

quipu_code quipu_execute_script(quipu_db* db, const char* script, quipu_error** error) {
  if (db == nullptr || script == nullptr) {
    return Fail(quipu::Status::InvalidArgument("quipu_execute_script needs a db and a script"),
                error);
  }
  try {
    quipu::Status status = db->db->ExecuteScript(script, nullptr);
    return status.ok() ? QUIPU_OK : Fail(status, error);
  } catch (...) {
    return FailInternal(error);
  }
}

quipu_code quipu_prepare(quipu_db* db, const char* statement, quipu_stmt** stmt,
                         quipu_error** error) {
  if (db == nullptr || statement == nullptr || stmt == nullptr) {
    return Fail(quipu::Status::InvalidArgument(
                    "quipu_prepare needs a db, a statement and a place for the statement"),
                error);
  }
  try {
    auto prepared = db->db->Prepare(statement);
    if (!prepared.ok()) return Fail(prepared.status(), error);
    *stmt = new quipu_stmt{std::move(*prepared)};
    return QUIPU_OK;
  } catch (...) {
    return FailInternal(error);
  }
}

quipu_code quipu_stmt_execute(quipu_stmt* stmt, const quipu_params* params, quipu_result** result,
                              quipu_error** error) {
  if (stmt == nullptr || result == nullptr) {
    return Fail(quipu::Status::InvalidArgument(
                    "quipu_stmt_execute needs a statement and a place for the result"),
                error);
  }
  try {
    return Finish(stmt->stmt->Execute(ParamsOf(params)), result, error);
  } catch (...) {
    return FailInternal(error);
  }
}

void quipu_stmt_free(quipu_stmt* stmt) { delete stmt; }

size_t quipu_result_column_count(const quipu_result* result) {
  return result == nullptr ? 0 : result->result.columns.size();
}
const char* quipu_result_column_name(const quipu_result* result, size_t column) {
  if (result == nullptr || column >= result->result.columns.size()) return nullptr;
  return result->result.columns[column].c_str();
}
quipu_type quipu_result_column_type(const quipu_result* result, size_t column) {
  if (result == nullptr || column >= result->result.column_types.size()) return QUIPU_TYPE_NULL;
  return static_cast<quipu_type>(result->result.column_types[column]);
}
size_t quipu_result_row_count(const quipu_result* result) {
  return result == nullptr ? 0 : result->result.rows.size();
}
quipu_type quipu_result_type(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_type(quipu_result_value(result, row, column));
}
int quipu_result_bool(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_bool(quipu_result_value(result, row, column));
}
int64_t quipu_result_int(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_int(quipu_result_value(result, row, column));
}
double quipu_result_double(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_double(quipu_result_value(result, row, column));
}
const char* quipu_result_string(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_string(quipu_result_value(result, row, column));
}
const char* quipu_result_lang(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_lang(quipu_result_value(result, row, column));
}
const char* quipu_result_entity_key(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_entity_key(quipu_result_value(result, row, column));
}
int64_t quipu_result_date(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_date(quipu_result_value(result, row, column));
}
int64_t quipu_result_datetime(const quipu_result* result, size_t row, size_t column) {
  return quipu_value_datetime(quipu_result_value(result, row, column));
}
const char* quipu_result_text(const quipu_result* result, size_t row, size_t column) {
  const quipu::Value* v = Cell(result, row, column);
  if (v == nullptr) return nullptr;
  try {
    // The cache is not part of the result's observable state.
    auto& texts = const_cast<quipu_result*>(result)->texts;
    const size_t key = row * result->result.columns.size() + column;
    auto it = texts.find(key);
    if (it == texts.end()) it = texts.emplace(key, v->ToString()).first;
    return it->second.c_str();
  } catch (...) {
    return nullptr;
  }
}
const quipu_value* quipu_result_value(const quipu_result* result, size_t row, size_t column) {
  return Handle(Cell(result, row, column));
}
quipu_type quipu_value_type(const quipu_value* value) {
  const quipu::Value* v = ValueOf(value);
  return v == nullptr ? QUIPU_TYPE_NULL : static_cast<quipu_type>(v->type());
}
int quipu_value_bool(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kBool);
  return v != nullptr && v->as_bool() ? 1 : 0;
}
int64_t quipu_value_int(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kInt);
  return v != nullptr ? v->as_int() : 0;
}
double quipu_value_double(const quipu_value* value) {
  const quipu::Value* v = ValueOf(value);
  return v != nullptr && v->is_numeric() ? v->as_number() : 0.0;
}
const char* quipu_value_string(const quipu_value* value) {
  const quipu::Value* v = ValueOf(value);
  if (v == nullptr) return nullptr;
  if (v->type() == quipu::Value::Type::kString) return v->as_string().c_str();
  if (v->type() == quipu::Value::Type::kLangString) return v->as_lang_string().text.c_str();
  return nullptr;
}
const char* quipu_value_lang(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kLangString);
  return v != nullptr ? v->as_lang_string().lang.c_str() : nullptr;
}
const char* quipu_value_entity_key(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kEntity);
  return v != nullptr ? v->as_entity().key.c_str() : nullptr;
}
int quipu_value_decimal(const quipu_value* value, int64_t* unscaled, int32_t* scale) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kDecimal);
  if (v == nullptr) return 0;
  if (unscaled != nullptr) *unscaled = v->as_decimal().unscaled;
  if (scale != nullptr) *scale = v->as_decimal().scale;
  return 1;
}
int64_t quipu_value_date(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kDate);
  return v != nullptr ? v->as_date().days : 0;
}
int64_t quipu_value_datetime(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kDateTime);
  return v != nullptr ? v->as_datetime().micros : 0;
}
size_t quipu_value_text(const quipu_value* value, char* buffer, size_t size) {
  const quipu::Value* v = ValueOf(value);
  std::string text;
  try {
    if (v != nullptr) text = v->ToString();
  } catch (...) {
    text.clear();
  }
  if (buffer != nullptr && size > 0) {
    const size_t n = std::min(text.size(), size - 1);
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
  }
  return text.size();
}
size_t quipu_value_list_size(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kList);
  return v != nullptr ? v->as_list().size() : 0;
}
const quipu_value* quipu_value_list_item(const quipu_value* value, size_t index) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kList);
  return v != nullptr && index < v->as_list().size() ? Handle(&v->as_list()[index]) : nullptr;
}
size_t quipu_value_path_length(const quipu_value* value) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kPath);
  return v != nullptr ? v->as_path().hops.size() : 0;
}
const quipu_value* quipu_value_path_node(const quipu_value* value, size_t index) {
  const quipu::Value* v = Typed(value, quipu::Value::Type::kPath);
  return v != nullptr && index < v->as_path().nodes.size() ? Handle(&v->as_path().nodes[index])
                                                           : nullptr;
}
const char* quipu_value_path_predicate(const quipu_value* value, size_t hop) {
  const quipu::PathHop* h = HopOf(value, hop);
  return h != nullptr ? h->predicate.key.c_str() : nullptr;
}
int quipu_value_path_forward(const quipu_value* value, size_t hop) {
  const quipu::PathHop* h = HopOf(value, hop);
  return h != nullptr && h->forward ? 1 : 0;
}
size_t quipu_value_path_annotation_count(const quipu_value* value, size_t hop) {
  const quipu::PathHop* h = HopOf(value, hop);
  return h != nullptr ? h->annotations.size() : 0;
}
const char* quipu_value_path_annotation_key(const quipu_value* value, size_t hop, size_t index) {
  const quipu::PathHop* h = HopOf(value, hop);
  return h != nullptr && index < h->annotations.size() ? h->annotations[index].first.c_str()
                                                       : nullptr;
}
const quipu_value* quipu_value_path_annotation(const quipu_value* value, size_t hop, size_t index) {
  const quipu::PathHop* h = HopOf(value, hop);
  return h != nullptr && index < h->annotations.size() ? Handle(&h->annotations[index].second)
                                                       : nullptr;
}
uint64_t quipu_result_facts_inserted(const quipu_result* result) {
  return result == nullptr ? 0 : result->result.facts_inserted;
}
uint64_t quipu_result_facts_deleted(const quipu_result* result) {
  return result == nullptr ? 0 : result->result.facts_deleted;
}
const char* quipu_result_summary(const quipu_result* result) {
  return result == nullptr ? "" : result->result.summary.c_str();
}
void quipu_result_free(quipu_result* result) { delete result; }

}  // extern "C"
