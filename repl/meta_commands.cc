// The shell's meta-commands: lines starting with ':' in the interactive loop.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "repl/shell.h"

namespace quipu::repl {
namespace {

struct Command {
  const char* name;
  const char* args;
  const char* help;
};

constexpr Command kCommands[] = {
    {":help", "", "list the meta-commands"},
    {":mode", "[MODE]",
     "show or set the output mode: table [ascii|unicode], csv, tsv, json, jsonl, markdown or "
     "line"},
    {":timer", "on|off", "show each statement's run time (on in the interactive shell)"},
    {":output", "[FILE]", "write results to FILE; without FILE, back to the screen"},
    {":read", "FILE", "run the statements and meta-commands in FILE"},
    {":params", "[NAME=VALUE]", "bind $NAME for later statements; alone, list the bindings"},
    {":limit", "[NAME VALUE]",
     "time SECONDS, path_states N, memory SIZE (512MB, 2GiB), rows N, statement_bytes N or "
     "nesting_depth N (0: none); alone, list them"},
    {":schema", "", "labels and predicates with their counts"},
    {":check", "", "verify that the indexes, dictionary, statistics and name index agree"},
    {":explain", "STATEMENT", "the plan of a match, without running it"},
    {":dot", "FILE[.svg]", "the last result's entities, paths and their facts as Graphviz"},
    {":backup", "DIR", "write a copy of the database as of now into the new directory DIR"},
    {":open", "DB", "close this database and open DB (created if missing)"},
    {":quit", "", "leave the shell (Ctrl-D too)"},
};

}  // namespace

std::vector<std::string> MetaCommandNames() {
  std::vector<std::string> names;
  for (const Command& c : kCommands) names.emplace_back(c.name);
  return names;
}

namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r;");
  return s.substr(b, e - b + 1);
}

std::string DotId(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";  // DOT's line break inside a label
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::optional<std::string> Shell::LastResultAsDot() {
  // The entities anywhere in the last result's rows (lists and the nodes of
  // paths included); the facts between them draw a path's hops.
  ValueList entities;
  std::function<void(const Value&)> collect = [&](const Value& v) {
    if (v.type() == Value::Type::kEntity) {
      if (std::find(entities.begin(), entities.end(), v) == entities.end()) entities.push_back(v);
    } else if (v.type() == Value::Type::kList) {
      for (const Value& item : v.as_list()) collect(item);
    } else if (v.type() == Value::Type::kPath) {
      for (const Value& node : v.as_path().nodes) collect(node);
    }
  };
  for (const auto& row : last_result_.rows) {
    for (const Value& v : row) collect(v);
  }
  if (entities.empty()) return std::nullopt;
  std::string out = "digraph quipu {\n  node [shape=box];\n";
  Params params;
  params["nodes"] = Value(entities);
  Result<QueryResult> names =
      db_->Execute("match (n) where n in $nodes return n, n.name order by n;", params);
  if (names.ok()) {
    for (const auto& row : names->rows) {
      const std::string id = row[0].ToString();
      out += "  " + DotId(id) +
             " [label=" + DotId(row[1].is_null() ? id : row[1].ToString() + "\n" + id) + "];\n";
    }
  }
  Result<QueryResult> facts = db_->Execute(
      "match (a)-[r]->(b) where a in $nodes and b in $nodes "
      "return a, r, b, r.source, r.since, r.until order by a, r, b, r.source;",
      params);
  if (facts.ok()) {
    for (const auto& row : facts->rows) {
      std::string label = row[1].ToString();
      if (!row[3].is_null()) label += "\n" + row[3].ToString();
      if (!row[4].is_null() || !row[5].is_null()) {
        label += "\n" + (row[4].is_null() ? std::string("…") : row[4].ToString()) + " – " +
                 (row[5].is_null() ? std::string("…") : row[5].ToString());
      }
      out += "  " + DotId(row[0].ToString()) + " -> " + DotId(row[2].ToString()) +
             " [label=" + DotId(label) + "];\n";
    }
  }
  return out + "}\n";
}

std::string CheckCounts(const CheckReport& r) {
  return fmt::format("{} facts, {} instances, {} terms, {} predicates, {} name entries", r.facts,
                     r.instances, r.terms, r.predicates, r.name_entries);
}

bool Shell::RunCheck(const std::string& error_prefix) {
  Result<CheckReport> report = db_->Check();
  if (!report.ok()) {
    results().flush();
    err_ << error_prefix << report.status().message() << "\n";
    return false;
  }
  const CheckReport& r = *report;
  const std::string counts = CheckCounts(r);
  if (r.ok()) {
    results() << "check: ok (" << counts << ")\n";
    return true;
  }
  for (const std::string& problem : r.problems) results() << "problem: " << problem << "\n";
  if (r.problem_count > r.problems.size()) {
    results() << "problem: … and " << r.problem_count - r.problems.size() << " more\n";
  }
  results().flush();
  err_ << error_prefix
       << fmt::format("check found {} problem{} ({})", r.problem_count,
                      r.problem_count == 1 ? "" : "s", counts)
       << "\n";
  return false;
}

bool Shell::RunMeta(const std::string& line, bool* quit, const std::string& error_prefix) {
  const std::string text = Trim(line);
  const size_t space = text.find(' ');
  const std::string name = text.substr(0, space);
  const std::string arg = space == std::string::npos ? "" : Trim(text.substr(space + 1));
  auto fail = [&](const std::string& message) {
    results().flush();  // what came before the error shows before it
    err_ << error_prefix << message << "\n";
    return false;
  };
  if (name == ":help") {
    for (const Command& c : kCommands) {
      const std::string usage = std::string(c.name) + (*c.args ? " " : "") + c.args;
      out_ << fmt::format("{:<22} {}\n", usage, c.help);
    }
    out_ << "Statements end with ';' and may span lines. A line starting with ':' between "
            "statements is a meta-command, in scripts too.\n";
    return true;
  }
  if (name == ":quit" || name == ":exit") {
    *quit = true;
    return true;
  }
  if (name == ":mode") {
    if (arg.empty()) {
      out_ << OutputModeName(format_, borders_) << "\n";
      return true;
    }
    if (!ParseOutputMode(arg, &format_, &borders_)) {
      return fail("unknown mode '" + arg + "' (expected " + OutputFormatNames() + ")");
    }
    return true;
  }
  if (name == ":timer") {
    if (arg != "on" && arg != "off") return fail(":timer takes on or off");
    timer_ = arg == "on";
    return true;
  }
  if (name == ":output") {
    if (arg.empty()) {
      output_file_.reset();
      return true;
    }
    auto file = std::make_unique<std::ofstream>(arg, std::ios::trunc);
    if (!*file) return fail("cannot write '" + arg + "': " + std::strerror(errno));
    output_file_ = std::move(file);
    return true;
  }
  if (name == ":read") {
    if (arg.empty()) return fail(":read needs a file");
    std::ifstream in(arg, std::ios::binary);
    if (!in) return fail("cannot read '" + arg + "': " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    const bool ok = RunScript(ss.str(), arg) == kExitOk;
    *quit = quit_requested_;  // a :quit in the file leaves the shell too
    return ok;
  }
  if (name == ":params") {
    if (arg.empty()) {
      for (const auto& [key, value] : params_) {
        out_ << "$" << key << " = " << value.ToLiteral() << "\n";
      }
      return true;
    }
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) return fail(":params needs NAME=VALUE");
    std::string error;
    if (!SetParam(Trim(arg.substr(0, eq)), arg.substr(eq + 1), &error)) return fail(error);
    return true;
  }
  if (name == ":limit") {
    QueryLimits limits = db_->limits();
    if (arg.empty()) {
      out_ << "time "
           << (limits.time_seconds > 0 ? fmt::format("{} s", limits.time_seconds)
                                       : std::string("none"))
           << "\npath_states "
           << (limits.path_states > 0 ? std::to_string(limits.path_states) : std::string("none"))
           << "\nmemory " << FormatMemorySize(limits.memory_bytes) << "\nrows "
           << (limits.max_result_rows > 0 ? std::to_string(limits.max_result_rows)
                                          : std::string("none"))
           << "\nstatement_bytes "
           << (limits.statement_bytes > 0 ? std::to_string(limits.statement_bytes)
                                          : std::string("none"))
           << "\nnesting_depth "
           << (limits.nesting_depth > 0 ? std::to_string(limits.nesting_depth)
                                        : std::string("none"))
           << "\n";
      return true;
    }
    const size_t space_at = arg.find(' ');
    const std::string what = arg.substr(0, space_at);
    const std::string value = space_at == std::string::npos ? "" : Trim(arg.substr(space_at + 1));
    char* end = nullptr;
    errno = 0;
    if (what == "time") {
      const double seconds = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || errno != 0 || !(seconds >= 0)) {
        return fail(":limit time takes a number of seconds (0: no limit), not '" + value + "'");
      }
      limits.time_seconds = seconds;
    } else if (what == "path_states") {
      const unsigned long long states = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno != 0 || value[0] == '-') {
        return fail(":limit path_states takes a whole number (0: no limit), not '" + value + "'");
      }
      limits.path_states = states;
    } else if (what == "memory") {
      Result<uint64_t> bytes = ParseMemorySize(value);
      if (!bytes.ok()) return fail(":limit memory: " + bytes.status().message());
      limits.memory_bytes = *bytes;
    } else if (what == "rows") {
      const unsigned long long rows = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno != 0 || value[0] == '-') {
        return fail(":limit rows takes a whole number (0: no limit), not '" + value + "'");
      }
      limits.max_result_rows = rows;
    } else if (what == "statement_bytes" || what == "nesting_depth") {
      const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
      const bool depth = what == "nesting_depth";
      if (value.empty() || *end != '\0' || errno != 0 || value[0] == '-' ||
          (depth && n > UINT32_MAX)) {
        return fail(":limit " + what + " takes a whole number (0: no limit), not '" + value + "'");
      }
      if (depth) {
        limits.nesting_depth = static_cast<uint32_t>(n);
      } else {
        limits.statement_bytes = n;
      }
    } else {
      return fail("unknown limit '" + what +
                  "' (time, path_states, memory, rows, statement_bytes or nesting_depth)");
    }
    db_->SetLimits(limits);
    return true;
  }
  if (name == ":check") {
    if (!arg.empty()) return fail(":check takes no argument");
    return RunCheck(error_prefix);
  }
  if (name == ":schema") return RunScript("show labels; show predicates;", "") == kExitOk;
  if (name == ":explain") {
    if (arg.empty()) return fail(":explain needs a statement");
    return RunScript("explain " + arg + ";", "") == kExitOk;
  }
  if (name == ":dot") {
    if (arg.empty()) return fail(":dot needs a file");
    const std::optional<std::string> dot = LastResultAsDot();
    if (!dot) {
      return fail(
          ":dot has nothing to draw: the last result holds no entities (run a match that returns "
          "nodes, lists of them or paths first)");
    }
    const bool svg = arg.size() > 4 && arg.compare(arg.size() - 4, 4, ".svg") == 0;
    const std::string dot_file = svg ? arg.substr(0, arg.size() - 4) + ".dot" : arg;
    std::ofstream file(dot_file, std::ios::trunc);
    if (!(file << *dot)) return fail("cannot write '" + dot_file + "': " + std::strerror(errno));
    file.close();
    if (svg) {
      if (std::system("command -v dot >/dev/null 2>&1") != 0) {
        return fail("wrote " + dot_file + "; rendering " + arg +
                    " needs Graphviz's dot, which is not installed");
      }
      const std::string cmd = "dot -Tsvg '" + dot_file + "' -o '" + arg + "'";
      if (std::system(cmd.c_str()) != 0) return fail("dot could not render " + arg);
    }
    out_ << "wrote " << arg << "\n";
    return true;
  }
  if (name == ":backup") {
    if (arg.empty()) return fail(":backup needs a directory to create");
    if (Status s = db_->Backup(arg); !s.ok()) return fail(s.message());
    out_ << "backed up to " << arg << "\n";
    return true;
  }
  if (name == ":open") {
    if (arg.empty()) return fail(":open needs a database directory");
    auto opened = OpenDatabase(arg, /*read_only=*/false, durability_, err_);
    if (!opened.ok()) return fail(opened.status().message());
    const QueryLimits limits = db_->limits();
    owned_ = std::move(*opened);
    db_ = owned_.get();
    db_->SetLimits(limits);  // the shell's limits stay as they were
    last_result_ = QueryResult();
    if (database_listener_) database_listener_(db_);
    out_ << "opened " << arg << "\n";
    return true;
  }
  return fail("unknown command '" + name + "' (:help lists them)");
}

}  // namespace quipu::repl
