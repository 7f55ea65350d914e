// The Python module `quipu` over quipu::Database (docs/embedding.md):
//
//   import quipu
//   db = quipu.connect("/tmp/case")
//   cur = db.execute("match (p:Person {name: $name}) return p, p.role;", {"name": "Xi Jinping"})
//   cur.columns, cur.fetchall(), cur.dicts()
//
// Statements run without the GIL, so other Python threads (one calling
// db.cancel(), say) go on meanwhile.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>

#include "quipu/database.h"

namespace py = pybind11;

namespace {

// Days from 0001-01-01 (proleptic ordinal 1) to 1970-01-01.
constexpr int64_t kEpochOrdinal = 719163;

struct Errors {
  py::object error;           // quipu.Error: every failure
  py::object syntax_error;    // quipu.SyntaxError: the text does not parse
  py::object semantic_error;  // quipu.SemanticError: it parses but means nothing
};

Errors& ErrorClasses() {
  static Errors* errors = new Errors;  // lives as long as the interpreter
  return *errors;
}

[[noreturn]] void Raise(const quipu::Status& status) {
  const Errors& errors = ErrorClasses();
  py::object cls = errors.error;
  if (status.code() == quipu::Status::Code::kSyntaxError) cls = errors.syntax_error;
  if (status.code() == quipu::Status::Code::kSemanticError) cls = errors.semantic_error;
  py::object exc = cls(status.ToString());
  exc.attr("message") = status.message();
  exc.attr("line") = status.line();
  exc.attr("column") = status.column();
  PyErr_SetObject(cls.ptr(), exc.ptr());
  throw py::error_already_set();
}

py::object ToPython(const quipu::Value& value);

py::object PathToPython(const quipu::Path& path) {
  py::list nodes;
  for (const auto& node : path.nodes) nodes.append(ToPython(node));
  py::list hops;
  for (const auto& hop : path.hops) {
    py::dict annotations;
    for (const auto& [key, v] : hop.annotations) annotations[py::str(key)] = ToPython(v);
    py::dict h;
    h["predicate"] = py::cast(hop.predicate);
    h["forward"] = hop.forward;
    h["annotations"] = annotations;
    hops.append(h);
  }
  py::dict out;
  out["nodes"] = nodes;
  out["hops"] = hops;
  return out;
}

py::object ToPython(const quipu::Value& value) {
  using T = quipu::Value::Type;
  switch (value.type()) {
    case T::kNull:
      return py::none();
    case T::kBool:
      return py::bool_(value.as_bool());
    case T::kInt:
      return py::int_(value.as_int());
    case T::kDouble:
      return py::float_(value.as_double());
    case T::kString:
      return py::str(value.as_string());
    case T::kLangString:
      return py::str(value.as_lang_string().text);
    case T::kDate:
      return py::module_::import("datetime")
          .attr("date")
          .attr("fromordinal")(value.as_date().days + kEpochOrdinal);
    case T::kDateTime: {
      py::module_ datetime = py::module_::import("datetime");
      py::object epoch =
          datetime.attr("datetime")(1970, 1, 1, 0, 0, 0, 0, datetime.attr("timezone").attr("utc"));
      return epoch +
             datetime.attr("timedelta")(py::arg("microseconds") = value.as_datetime().micros);
    }
    case T::kEntity:
      return py::cast(value.as_entity());
    case T::kList: {
      py::list out;
      for (const auto& item : value.as_list()) out.append(ToPython(item));
      return out;
    }
    case T::kPath:
      return PathToPython(value.as_path());
    case T::kDecimal:
      return py::module_::import("decimal").attr("Decimal")(value.ToString());
  }
  return py::none();
}

quipu::Value FromPython(const py::handle& obj, const std::string& name) {
  py::module_ datetime = py::module_::import("datetime");
  if (obj.is_none()) return quipu::Value();
  if (py::isinstance<py::bool_>(obj)) return quipu::Value(obj.cast<bool>());
  if (py::isinstance<py::int_>(obj)) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    if (overflow != 0) {
      throw py::value_error("parameter '" + name + "': " + py::str(obj).cast<std::string>() +
                            " does not fit in a 64-bit integer");
    }
    return quipu::Value(static_cast<int64_t>(v));
  }
  if (py::isinstance<py::float_>(obj)) return quipu::Value(obj.cast<double>());
  if (py::isinstance<py::str>(obj)) return quipu::Value(obj.cast<std::string>());
  if (py::isinstance<quipu::Entity>(obj)) return quipu::Value(obj.cast<quipu::Entity>());
  // datetime.datetime is a datetime.date too: test it first.
  if (py::isinstance(obj, datetime.attr("datetime"))) {
    py::object utc = datetime.attr("timezone").attr("utc");
    py::object aware = obj.attr("tzinfo").is_none() ? obj.attr("replace")(py::arg("tzinfo") = utc)
                                                    : py::reinterpret_borrow<py::object>(obj);
    py::object epoch = datetime.attr("datetime")(1970, 1, 1, 0, 0, 0, 0, utc);
    py::object delta = aware - epoch;
    const int64_t micros =
        (delta.attr("days").cast<int64_t>() * 86400 + delta.attr("seconds").cast<int64_t>()) *
            1000000 +
        delta.attr("microseconds").cast<int64_t>();
    return quipu::Value(quipu::DateTime{micros});
  }
  if (py::isinstance(obj, datetime.attr("date"))) {
    return quipu::Value(quipu::Date{obj.attr("toordinal")().cast<int64_t>() - kEpochOrdinal});
  }
  if (py::isinstance(obj, py::module_::import("decimal").attr("Decimal"))) {
    // Through its fixed-point text: str() may use an exponent (Decimal('1E+2')).
    const std::string text = py::str(py::str("{:f}").attr("format")(obj)).cast<std::string>();
    quipu::Decimal d;
    if (!quipu::ParseDecimal(text, &d)) {
      throw py::value_error("parameter '" + name + "': " + text +
                            " is not a decimal of at most 18 significant digits and 18 places");
    }
    return quipu::Value(d);
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    quipu::ValueList items;
    for (const auto& item : obj) items.push_back(FromPython(item, name));
    return quipu::Value(std::move(items));
  }
  throw py::type_error("parameter '" + name + "': cannot pass a value of type " +
                       py::str(obj.get_type().attr("__name__")).cast<std::string>());
}

quipu::Params ToParams(const py::object& params) {
  quipu::Params out;
  if (params.is_none()) return out;
  if (!py::isinstance<py::dict>(params)) {
    throw py::type_error("parameters must be a dict of name to value");
  }
  for (const auto& [key, value] : params.cast<py::dict>()) {
    const std::string name = py::str(key).cast<std::string>();
    out[name] = FromPython(value, name);
  }
  return out;
}

// The result of one statement: all its rows, fetched as tuples or dicts.
class Cursor {
 public:
  explicit Cursor(quipu::QueryResult result) : result_(std::move(result)) {}

  py::list Columns() const { return py::cast(result_.columns); }
  py::list ColumnTypes() const {
    py::list out;
    for (auto t : result_.column_types) out.append(py::str(quipu::TypeName(t)));
    return out;
  }
  size_t RowCount() const { return result_.rows.size(); }

  py::tuple Row(size_t i) const {
    const auto& row = result_.rows[i];
    py::tuple out(row.size());
    for (size_t c = 0; c < row.size(); ++c) out[c] = ToPython(row[c]);
    return out;
  }

  py::object FetchOne() {
    if (next_ >= result_.rows.size()) return py::none();
    return Row(next_++);
  }
  py::list FetchMany(size_t n) {
    py::list out;
    while (n-- > 0 && next_ < result_.rows.size()) out.append(Row(next_++));
    return out;
  }
  py::list FetchAll() { return FetchMany(result_.rows.size()); }
  py::list Dicts() {
    py::list out;
    while (next_ < result_.rows.size()) {
      py::tuple row = Row(next_++);
      py::dict d;
      for (size_t c = 0; c < result_.columns.size(); ++c) d[py::str(result_.columns[c])] = row[c];
      out.append(d);
    }
    return out;
  }

  const quipu::QueryResult& result() const { return result_; }

 private:
  quipu::QueryResult result_;
  size_t next_ = 0;
};

class Statement {
 public:
  Statement(std::shared_ptr<quipu::Database> db, std::unique_ptr<quipu::PreparedStatement> stmt)
      : db_(std::move(db)), stmt_(std::move(stmt)) {}

  Cursor Execute(const py::object& params) {
    quipu::Params values = ToParams(params);
    quipu::Result<quipu::QueryResult> r = quipu::Status::Ok();
    {
      py::gil_scoped_release release;
      r = stmt_->Execute(values);
    }
    if (!r.ok()) Raise(r.status());
    return Cursor(std::move(*r));
  }

 private:
  // Declared in this order so the statement goes before the database it
  // refers to, which it keeps open.
  std::shared_ptr<quipu::Database> db_;
  std::unique_ptr<quipu::PreparedStatement> stmt_;
};

// A whole number of at least 0 for the limit `name`.
uint64_t Count(const py::object& value, const char* name) {
  if (!py::isinstance<py::int_>(value) || py::isinstance<py::bool_>(value) ||
      value.cast<py::int_>() < py::int_(0)) {
    throw py::value_error(std::string(name) + " takes a whole number >= 0 (0: no limit)");
  }
  const unsigned long long count = PyLong_AsUnsignedLongLong(value.ptr());
  if (PyErr_Occurred() != nullptr) {  // an OverflowError: said as the other bad values are
    PyErr_Clear();
    throw py::value_error(std::string(name) + ": " + py::str(value).cast<std::string>() +
                          " is out of range (at most 18446744073709551615; 0: no limit)");
  }
  return count;
}

// A number of seconds, at least 0, for time_limit_seconds.
double Seconds(const py::object& value) {
  if (py::isinstance<py::bool_>(value) ||
      !(py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value))) {
    throw py::type_error("time_limit_seconds takes a number of seconds, not " +
                         py::str(value.get_type().attr("__name__")).cast<std::string>());
  }
  const double seconds = PyFloat_AsDouble(value.ptr());
  if (PyErr_Occurred() != nullptr) {  // an int too large for a double
    PyErr_Clear();
    throw py::value_error("time_limit_seconds is out of range (too large for a double)");
  }
  if (!(seconds >= 0)) throw py::value_error("time_limit_seconds must be >= 0 (0: no limit)");
  return seconds;
}

// Sets the limits given (not None) in *limits. memory_limit is bytes (an
// int) or a size such as "512MB" (quipu::ParseMemorySize).
void ApplyLimits(const py::object& time_limit_seconds, const py::object& path_states,
                 const py::object& memory_limit, const py::object& max_rows,
                 const py::object& statement_bytes, const py::object& nesting_depth,
                 quipu::QueryLimits* limits) {
  if (!time_limit_seconds.is_none()) limits->time_seconds = Seconds(time_limit_seconds);
  if (!path_states.is_none()) limits->path_states = Count(path_states, "path_states");
  if (py::isinstance<py::str>(memory_limit)) {
    quipu::Result<uint64_t> bytes = quipu::ParseMemorySize(memory_limit.cast<std::string>());
    if (!bytes.ok()) throw py::value_error("memory_limit: " + bytes.status().message());
    limits->memory_bytes = *bytes;
  } else if (!memory_limit.is_none()) {
    limits->memory_bytes = Count(memory_limit, "memory_limit");
  }
  if (!max_rows.is_none()) limits->max_result_rows = Count(max_rows, "max_rows");
  if (!statement_bytes.is_none()) {
    limits->statement_bytes = Count(statement_bytes, "statement_bytes");
  }
  if (!nesting_depth.is_none()) {
    const uint64_t depth = Count(nesting_depth, "nesting_depth");
    if (depth > UINT32_MAX) throw py::value_error("nesting_depth must be at most 4294967295");
    limits->nesting_depth = static_cast<uint32_t>(depth);
  }
}

class Connection {
 public:
  explicit Connection(std::shared_ptr<quipu::Database> db) : db_(std::move(db)) {}

  // A reference of its own, so a close() from another thread while the
  // statement runs without the GIL leaves the database open until it ends.
  std::shared_ptr<quipu::Database> db() {
    if (db_ == nullptr) throw py::value_error("the database is closed");
    return db_;
  }

  Cursor Execute(const std::string& text, const py::object& params) {
    quipu::Params values = ToParams(params);
    std::shared_ptr<quipu::Database> database = db();
    quipu::Result<quipu::QueryResult> r = quipu::Status::Ok();
    {
      py::gil_scoped_release release;
      r = database->Execute(text, values);
    }
    if (!r.ok()) Raise(r.status());
    return Cursor(std::move(*r));
  }

  void ExecuteScript(const std::string& text, const py::object& params) {
    quipu::Params values = ToParams(params);
    std::shared_ptr<quipu::Database> database = db();
    quipu::Status status;
    {
      py::gil_scoped_release release;
      status = database->ExecuteScript(text, nullptr, values);
    }
    if (!status.ok()) Raise(status);
  }

  Statement Prepare(const std::string& text) {
    auto r = db()->Prepare(text);
    if (!r.ok()) Raise(r.status());
    return Statement(db(), std::move(*r));
  }

  void Cancel() {
    if (db_ != nullptr) db_->Cancel();
  }

  void Backup(const std::string& dir) {
    std::shared_ptr<quipu::Database> database = db();
    quipu::Status status;
    {
      py::gil_scoped_release release;
      status = database->Backup(dir);
    }
    if (!status.ok()) Raise(status);
  }

  // Changes the limits named; None keeps one as it is.
  void SetLimits(const py::object& time_limit_seconds, const py::object& path_states,
                 const py::object& memory_limit, const py::object& max_rows,
                 const py::object& statement_bytes, const py::object& nesting_depth) {
    quipu::QueryLimits limits = db()->limits();
    ApplyLimits(time_limit_seconds, path_states, memory_limit, max_rows, statement_bytes,
                nesting_depth, &limits);
    db()->SetLimits(limits);
  }

  py::dict Limits() {
    const quipu::QueryLimits limits = db()->limits();
    py::dict out;
    out["time_limit_seconds"] = limits.time_seconds;
    out["path_states"] = limits.path_states;
    out["memory_limit"] = limits.memory_bytes;
    out["max_rows"] = limits.max_result_rows;
    out["statement_bytes"] = limits.statement_bytes;
    out["nesting_depth"] = limits.nesting_depth;
    return out;
  }
  // Statements prepared from it keep the database open until they go.
  void Close() { db_.reset(); }

 private:
  std::shared_ptr<quipu::Database> db_;
};

Connection Connect(const std::string& path, bool read_only, bool create_if_missing,
                   const py::object& time_limit_seconds, const py::object& path_states,
                   const py::object& memory_limit, const py::object& max_rows,
                   const py::object& statement_bytes, const py::object& nesting_depth,
                   std::vector<std::string> load_directories, const std::string& durability) {
  quipu::DatabaseOptions options;
  quipu::Result<quipu::Durability> parsed = quipu::ParseDurability(durability);
  if (!parsed.ok()) throw py::value_error(parsed.status().message());
  options.durability = *parsed;
  options.load_directories = std::move(load_directories);
  options.read_only = read_only;
  options.create_if_missing = create_if_missing;
  ApplyLimits(time_limit_seconds, path_states, memory_limit, max_rows, statement_bytes,
              nesting_depth, &options.limits);
  auto db = quipu::Database::Open(path, options);
  if (!db.ok()) Raise(db.status());
  return Connection(std::shared_ptr<quipu::Database>(std::move(*db)));
}

}  // namespace

PYBIND11_MODULE(quipu, m) {
  m.doc() = "Quipu, an embedded knowledge-graph database (see docs/embedding.md)";

  Errors& errors = ErrorClasses();
  errors.error = py::reinterpret_steal<py::object>(
      PyErr_NewExceptionWithDoc("quipu.Error",
                                "A failed statement or open; .message, .line and .column "
                                "(1-based, 0 when the error has no position).",
                                PyExc_Exception, nullptr));
  errors.syntax_error = py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
      "quipu.SyntaxError", "The statement text does not parse.", errors.error.ptr(), nullptr));
  errors.semantic_error = py::reinterpret_steal<py::object>(
      PyErr_NewExceptionWithDoc("quipu.SemanticError",
                                "The statement parses but means nothing (an unknown variable, a "
                                "missing parameter, ...).",
                                errors.error.ptr(), nullptr));
  m.attr("Error") = errors.error;
  m.attr("SyntaxError") = errors.syntax_error;
  m.attr("SemanticError") = errors.semantic_error;

  py::class_<quipu::Entity>(m, "Entity", "An entity (node) by key, e.g. Entity('cosco') for @cosco")
      .def(py::init([](std::string key) { return quipu::Entity{std::move(key)}; }), py::arg("key"))
      .def_readonly("key", &quipu::Entity::key)
      // An operator: comparing with another type gives NotImplemented, so False.
      .def(
          "__eq__", [](const quipu::Entity& a, const quipu::Entity& b) { return a == b; },
          py::is_operator())
      .def("__hash__", [](const quipu::Entity& e) { return py::hash(py::str("@" + e.key)); })
      .def("__repr__",
           [](const quipu::Entity& e) { return "Entity(" + quipu::QuoteString(e.key) + ")"; })
      .def("__str__", [](const quipu::Entity& e) { return quipu::FormatEntityKey(e.key); });

  py::class_<Cursor>(m, "Cursor", "The rows of one statement")
      .def_property_readonly("columns", &Cursor::Columns, "column names")
      .def_property_readonly("column_types", &Cursor::ColumnTypes,
                             "per column the type of its non-null values ('null' when none or "
                             "mixed)")
      .def_property_readonly("rowcount", &Cursor::RowCount)
      .def_property_readonly("facts_inserted",
                             [](const Cursor& c) { return c.result().facts_inserted; })
      .def_property_readonly("facts_deleted",
                             [](const Cursor& c) { return c.result().facts_deleted; })
      .def_property_readonly("summary", [](const Cursor& c) { return c.result().summary; })
      .def("fetchone", &Cursor::FetchOne, "the next row as a tuple, or None")
      .def("fetchmany", &Cursor::FetchMany, py::arg("size") = 1)
      .def("fetchall", &Cursor::FetchAll, "the remaining rows as a list of tuples")
      .def("dicts", &Cursor::Dicts, "the remaining rows as a list of dicts by column name")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", [](Cursor& c) {
        py::object row = c.FetchOne();
        if (row.is_none()) throw py::stop_iteration();
        return row;
      });

  py::class_<Statement>(m, "Statement",
                        "A statement parsed once, run with new parameters; its plan is made "
                        "on the first run and kept while the database is unchanged")
      .def("execute", &Statement::Execute, py::arg("params") = py::none(),
           "runs it with these values for its $parameters and returns a Cursor; a missing "
           "parameter or a value of the wrong type raises quipu.SemanticError");

  py::class_<Connection>(m, "Database", "An open database; see quipu.connect")
      .def("execute", &Connection::Execute, py::arg("statement"), py::arg("params") = py::none(),
           "runs one statement and returns a Cursor")
      .def("execute_script", &Connection::ExecuteScript, py::arg("script"),
           py::arg("params") = py::none(), "runs each statement of a script, dropping results")
      .def("prepare", &Connection::Prepare, py::arg("statement"),
           "parses one statement for running many times and returns a Statement; a syntax "
           "error raises quipu.SyntaxError here")
      .def("cancel", &Connection::Cancel, "stops the statements running now")
      .def("backup", &Connection::Backup, py::arg("dir"),
           "writes a copy of the database as of one moment into the new directory `dir` "
           "(hard links where possible), while statements go on; it opens with connect(dir)")
      .def("set_limits", &Connection::SetLimits, py::arg("time_limit_seconds") = py::none(),
           py::arg("path_states") = py::none(), py::arg("memory_limit") = py::none(),
           py::arg("max_rows") = py::none(), py::arg("statement_bytes") = py::none(),
           py::arg("nesting_depth") = py::none(),
           "changes the limits given for later statements (see connect)")
      .def_property_readonly("limits", &Connection::Limits,
                             "the limits as a dict: time_limit_seconds, path_states, "
                             "memory_limit (bytes), max_rows, statement_bytes, nesting_depth; 0 "
                             "means none")
      .def("close", &Connection::Close)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](Connection& c, py::args) { c.Close(); });

  m.def("connect", &Connect, py::arg("path"), py::arg("read_only") = false,
        py::arg("create_if_missing") = true, py::arg("time_limit_seconds") = py::none(),
        py::arg("path_states") = py::none(), py::arg("memory_limit") = py::none(),
        py::arg("max_rows") = py::none(), py::arg("statement_bytes") = py::none(),
        py::arg("nesting_depth") = py::none(),
        py::arg("load_directories") = std::vector<std::string>(), py::arg("durability") = "synced",
        "opens (by default creating) the database in directory `path`; the limits (None: the "
        "default) are those of quipu::QueryLimits: time_limit_seconds, path_states, "
        "memory_limit (bytes, or a size such as '512MB'), max_rows, statement_bytes, "
        "nesting_depth; 0 means none; with "
        "`load_directories`, load reads only files inside them; durability 'synced' (each "
        "write survives a machine crash once it returns) or 'relaxed' (faster; a machine "
        "crash may lose the last writes)");
}
