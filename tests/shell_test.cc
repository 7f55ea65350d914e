// The shell driven through its streams: scripts, output formats, errors with
// a caret, exit statuses and the interactive loop's continuation prompt.
#include "repl/shell.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/test_util.h"

namespace {

using quipu::repl::OutputFormat;
using quipu::repl::Shell;

struct Fixture {
  Fixture() {
    auto opened = quipu::Database::Open(dir.path());
    REQUIRE(opened.ok());
    db = std::move(*opened);
  }
  quipu::testing::TempDir dir;
  std::unique_ptr<quipu::Database> db;
  std::ostringstream out, err;
};

const char kSetup[] =
    "insert (@boluarte:Person {name: \"Dina Boluarte\"})-[:met_with {since: date "
    "'2024-06-28'}]->(@xi:Person {name: \"Xi Jinping\"});\n"
    "insert (@cosco:Company {name: \"COSCO, \\\"Shipping\\\"\"});\n";

}  // namespace

TEST_CASE("shell prints a table with a row count", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  REQUIRE(shell.RunScript(kSetup, "") == quipu::repl::kExitOk);
  CHECK(f.out.str() == "inserted 5 facts\ninserted 2 facts\n");
  f.out.str("");
  REQUIRE(shell.RunScript("match (p:Person)-[m:met_with]->(x) return p.name, x.name as who, "
                          "m.since;",
                          "") == 0);
  CHECK(f.out.str() ==
        "+---------------+------------+------------+\n"
        "| p.name        | who        | m.since    |\n"
        "+---------------+------------+------------+\n"
        "| Dina Boluarte | Xi Jinping | 2024-06-28 |\n"
        "+---------------+------------+------------+\n"
        "1 row\n");
  f.out.str("");
  REQUIRE(shell.RunScript("match (p:Agency) return p.name;", "") == 0);
  CHECK(f.out.str() ==
        "+--------+\n"
        "| p.name |\n"
        "+--------+\n"
        "0 rows\n");
  CHECK(f.err.str().empty());
}

TEST_CASE("shell prints csv with a header and RFC 4180 quoting", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  shell.set_format(OutputFormat::kCsv);
  REQUIRE(shell.RunScript(kSetup, "") == 0);
  CHECK(f.out.str().empty());  // writes print nothing in csv
  REQUIRE(shell.RunScript("match (c) return c.name, c.founded order by c.name;", "") == 0);
  CHECK(f.out.str() ==
        "c.name,c.founded\n"
        "\"COSCO, \"\"Shipping\"\"\",\n"
        "Dina Boluarte,\n"
        "Xi Jinping,\n");
}

TEST_CASE("shell stops at the first error and shows a caret", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  const std::string script =
      "insert (@a:Person {name: \"A\"});\n"
      "match (p:Person\n"
      "  return p.name;\n"
      "insert (@b:Person {name: \"B\"});\n";
  CHECK(shell.RunScript(script, "case.qql") == quipu::repl::kExitFailed);
  CHECK(f.out.str() == "inserted 2 facts\n");
  CHECK(f.err.str() ==
        "case.qql: syntax error at line 3, column 3: expected ')' to close the node pattern\n"
        "    return p.name;\n"
        "    ^\n");
  // The statement after the error did not run.
  f.out.str("");
  REQUIRE(shell.RunScript("match (p:Person) return count(*);", "") == 0);
  CHECK(f.out.str().find("| 1        |") != std::string::npos);
}

TEST_CASE("shell reports semantic errors with their position", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  CHECK(shell.RunScript("match (a)-[r]->(b) return c;", "") == 1);
  CHECK(f.err.str() ==
        "error at line 1, column 27: unknown variable 'c'\n"
        "  match (a)-[r]->(b) return c;\n"
        "                            ^\n");
}

TEST_CASE("interactive shell joins lines until ';' and goes on after errors", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(
      "insert (@a:Person {name: \"A\"});\n"
      "match (p:Person)\n"
      "return p.name;\n"
      "match (;\n"
      "match (p) -- a comment; not the end\n"
      "return count(*) as n;\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitFailed);
  CHECK(f.out.str() ==
        "quipu> inserted 2 facts\n"
        "quipu>    ...> +--------+\n"
        "| p.name |\n"
        "+--------+\n"
        "| A      |\n"
        "+--------+\n"
        "1 row\n"
        "quipu> quipu>    ...> +---+\n"
        "| n |\n"
        "+---+\n"
        "| 1 |\n"
        "+---+\n"
        "1 row\n"
        "quipu> \n");
  CHECK(f.err.str().find("syntax error at line 1, column 8") != std::string::npos);
}

TEST_CASE("statement completeness ignores ';' in strings and comments", "[shell]") {
  using quipu::repl::StatementComplete;
  CHECK(StatementComplete("match (n) return n;"));
  CHECK(StatementComplete("match (n) return n;  \n"));
  CHECK_FALSE(StatementComplete("match (n {name: \";\"}) return n"));
  CHECK_FALSE(StatementComplete("match (n) -- return n;\n"));
  CHECK(StatementComplete("match (n {name: 'a;b'}) return n; -- done\n"));
  CHECK_FALSE(StatementComplete("match (n {name: 'a;"));
}

TEST_CASE("every output mode prints the same result", "[shell]") {
  Fixture f;
  Shell setup(f.db.get(), f.out, f.err);
  REQUIRE(setup.RunScript("insert (@a {name: \"Ana \\\"A\\\"\", age: 41, tags: \"x|y\"}), "
                          "(@b {name: \"Bo\\tB\", age: 7});",
                          "") == 0);
  const std::string query =
      "match (p) return p, p.name as name, p.age as age, p.tags as tags order by age;";
  auto run = [&](OutputFormat format) {
    std::ostringstream out, err;
    Shell shell(f.db.get(), out, err);
    shell.set_format(format);
    REQUIRE(shell.RunScript(query, "") == 0);
    return out.str();
  };
  CHECK(run(OutputFormat::kCsv) ==
        "p,name,age,tags\n"
        "@b,Bo\tB,7,\n"
        "@a,\"Ana \"\"A\"\"\",41,x|y\n");
  CHECK(run(OutputFormat::kTsv) ==
        "p\tname\tage\ttags\n"
        "@b\tBo\\tB\t7\t\n"
        "@a\tAna \"A\"\t41\tx|y\n");
  CHECK(run(OutputFormat::kJson) ==
        "[\n"
        " {\"p\": \"@b\", \"name\": \"Bo\\tB\", \"age\": 7, \"tags\": null},\n"
        " {\"p\": \"@a\", \"name\": \"Ana \\\"A\\\"\", \"age\": 41, \"tags\": \"x|y\"}\n"
        "]\n");
  CHECK(run(OutputFormat::kJsonl) ==
        "{\"p\": \"@b\", \"name\": \"Bo\\tB\", \"age\": 7, \"tags\": null}\n"
        "{\"p\": \"@a\", \"name\": \"Ana \\\"A\\\"\", \"age\": 41, \"tags\": \"x|y\"}\n");
  CHECK(run(OutputFormat::kMarkdown) ==
        "| p | name | age | tags |\n"
        "|---|---|---|---|\n"
        "| @b | Bo\tB | 7 | null |\n"
        "| @a | Ana \"A\" | 41 | x\\|y |\n");
  CHECK(run(OutputFormat::kLine) ==
        "   p = @b\n"
        "name = Bo\tB\n"
        " age = 7\n"
        "tags = null\n"
        "\n"
        "   p = @a\n"
        "name = Ana \"A\"\n"
        " age = 41\n"
        "tags = x|y\n");
  // An empty result: headers where the mode has them, nothing else.
  std::ostringstream out, err;
  Shell shell(f.db.get(), out, err);
  shell.set_format(OutputFormat::kJson);
  REQUIRE(shell.RunScript("match (p {age: 99}) return p;", "") == 0);
  CHECK(out.str() == "[]\n");
}

TEST_CASE("output mode names", "[shell]") {
  OutputFormat f;
  for (const char* name : {"table", "csv", "tsv", "json", "jsonl", "markdown", "line"}) {
    CHECK(quipu::repl::ParseOutputFormat(name, &f));
  }
  CHECK_FALSE(quipu::repl::ParseOutputFormat("xml", &f));
  CHECK_FALSE(quipu::repl::ParseOutputFormat("JSON", &f));
}

TEST_CASE("meta-commands change the mode, time, output, params and database", "[shell]") {
  Fixture f;
  quipu::testing::TempDir other("meta-other");
  quipu::testing::TempDir file("meta-output");
  std::ofstream(file.path() + ".qql") << "insert (@r {name: \"from read\"});\n";
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(
      "insert (@a {name: \"A\", n: 1});\n"
      ":mode csv\n"
      ":mode\n"
      "match (x {n: 1}) return x;\n"
      ":params who = \"A\"\n"
      ":params\n"
      "match (x {name: $who}) return x.n;\n"
      ":read " +
      file.path() +
      ".qql\n"
      ":output " +
      file.path() +
      "\n"
      "match (x {name: \"from read\"}) return x;\n"
      ":output\n"
      ":mode nonsense\n"
      ":timer maybe\n"
      ":bogus\n"
      ":explain match (x {n: 1}) return x\n"
      ":open " +
      other.path() +
      "\n"
      "match (x) return count(*);\n"
      ":quit\n"
      "match (x) return x;\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitFailed);
  CHECK(f.out.str() ==
        "quipu> inserted 2 facts\n"
        "quipu> quipu> csv\n"
        "quipu> x\n@a\n"
        "quipu> quipu> $who = \"A\"\n"
        "quipu> x.n\n1\n"
        "quipu> quipu> quipu> quipu> quipu> quipu> quipu> quipu> "
        "plan\nProject [x]  (estimated 1 rows)\n  Filter (1 condition)  (estimated 1 rows)\n"
        "    Scan (x {n: 1}) via pos  (estimated 1 rows)\n"
        "quipu> opened " +
            other.path() +
            "\n"
            "quipu> count(*)\n0\n"
            "quipu> ");
  CHECK(f.err.str() ==
        "error: unknown mode 'nonsense' (expected table, csv, tsv, json, jsonl, markdown or "
        "line)\n"
        "error: :timer takes on or off\n"
        "error: unknown command ':bogus' (:help lists them)\n");
  CHECK(quipu::testing::ReadFileOrEmpty(file.path()) == "x\n@r\n");
  std::remove((file.path() + ".qql").c_str());
}

TEST_CASE(":help lists every meta-command", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  bool quit = false;
  REQUIRE(shell.RunMeta(":help", &quit));
  for (const char* c : {":help", ":mode", ":timer", ":output", ":read", ":params", ":schema",
                        ":explain", ":open", ":quit"}) {
    CHECK(("\n" + f.out.str()).find(std::string("\n") + c + " ") != std::string::npos);
  }
}

TEST_CASE(":dot writes the last result's entities and their facts as Graphviz", "[shell]") {
  Fixture f;
  quipu::testing::TempDir dot("dot");
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(
      "insert (@a {name: \"Ana\"})-[:owns {source: \"registry\", since: date '2020-01-01'}]->"
      "(@b {name: \"B \\\"Co\\\"\"}), (@b)-[:owns]->(@c), (@a)-[:met_with]->(@z);\n"
      "match (x)-[:owns]->(y) where x = @a return x, [y];\n"
      ":dot " +
      dot.path() + "\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitOk);
  CHECK(quipu::testing::ReadFileOrEmpty(dot.path()) ==
        "digraph quipu {\n"
        "  node [shape=box];\n"
        "  \"@a\" [label=\"Ana\\n@a\"];\n"
        "  \"@b\" [label=\"B \\\"Co\\\"\\n@b\"];\n"
        "  \"@a\" -> \"@b\" [label=\"@owns\\nregistry\\n2020-01-01 – …\"];\n"
        "}\n");
  CHECK(f.err.str().empty());
}

TEST_CASE("the load progress bar stays silent for a second, then draws and clears", "[shell]") {
  std::ostringstream out;
  quipu::repl::ProgressBar bar(out);
  quipu::LoadProgress p;
  p.total_bytes = 80 * 1048576;
  p.bytes_read = 20 * 1048576;
  p.facts = 250000;
  p.seconds = 0.5;
  bar.Update(p);
  CHECK(out.str().empty());
  p.seconds = 2.0;
  bar.Update(p);
  CHECK(out.str() ==
        "\r[#####               ]  25%  20.0/80.0 MiB  250000 facts  125k facts/s  ETA 6 s"
        "\033[K");
  bar.Clear();
  CHECK(out.str().substr(out.str().size() - 4) == "\r\033[K");
  out.str("");
  bar.Clear();  // nothing shown: nothing to erase
  CHECK(out.str().empty());
}
