// The shell driven through its streams: scripts, output formats, errors with
// a caret, exit statuses and the interactive loop's continuation prompt.
#include "repl/shell.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "repl/output.h"
#include "repl/running_notice.h"
#include "repl/terminal.h"
#include "repl/tokens.h"
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

TEST_CASE("a statement is pending until ';' outside strings and comments", "[shell]") {
  using quipu::repl::StatementPending;
  CHECK_FALSE(StatementPending("match (n) return n;"));
  CHECK_FALSE(StatementPending("match (n) return n;  \n"));
  CHECK(StatementPending("match (n {name: \";\"}) return n"));
  CHECK(StatementPending("match (n) -- return n;\n"));
  CHECK_FALSE(StatementPending("match (n {name: 'a;b'}) return n; -- done\n"));
  CHECK(StatementPending("match (n {name: 'a;"));
  CHECK(StatementPending("match (n {name: 'a\\';'})"));
  CHECK_FALSE(StatementPending(""));
  CHECK_FALSE(StatementPending("  \n-- only a comment\n"));
  CHECK(StatementPending("return 1; return"));
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
        "    Scan (x {n: 1}) via pos (2 objects)  (estimated 1 rows)\n"
        "quipu> opened " +
            other.path() +
            "\n"
            "quipu> count(*)\n0\n"
            "quipu> ");
  CHECK(f.err.str() ==
        "error: unknown mode 'nonsense' (expected table [ascii|unicode], csv, tsv, json, jsonl, "
        "markdown or line)\n"
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
                        ":check", ":explain", ":dot", ":backup", ":open", ":quit"}) {
    CHECK(("\n" + f.out.str()).find(std::string("\n") + c + " ") != std::string::npos);
  }
  CHECK(f.out.str().find("\n:mode [MODE]           show or set the output mode: table "
                         "[ascii|unicode], csv, tsv, json, jsonl, markdown or line\n") !=
        std::string::npos);
  CHECK(f.out.str().find("\nStatements end with ';' and may span lines. A line starting with ':' "
                         "between statements is a meta-command, in scripts too.\n") !=
        std::string::npos);
}

namespace {

// Runs `lines` through the interactive loop, then :dot into a file: its text.
std::string DotAfter(Fixture* f, const std::string& lines) {
  quipu::testing::TempDir dot("dot");
  Shell shell(f->db.get(), f->out, f->err);
  std::istringstream in(lines + ":dot " + dot.path() + "\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitOk);
  return quipu::testing::ReadFileOrEmpty(dot.path());
}

}  // namespace

TEST_CASE(":dot writes the last result's entities and their facts as Graphviz", "[shell]") {
  Fixture f;
  CHECK(DotAfter(&f,
                 "insert (@a {name: \"Ana\"})-[:owns {source: \"registry\", since: date "
                 "'2020-01-01'}]->(@b {name: \"B \\\"Co\\\"\"}), (@b)-[:owns]->(@c), "
                 "(@a)-[:met_with]->(@z);\n"
                 "match (x)-[:owns]->(y) where x = @a return x, [y];\n") ==
        "digraph quipu {\n"
        "  node [shape=box];\n"
        "  \"@a\" [label=\"Ana\\n@a\"];\n"
        "  \"@b\" [label=\"B \\\"Co\\\"\\n@b\"];\n"
        "  \"@a\" -> \"@b\" [label=\"@owns\\nregistry\\n2020-01-01 – …\"];\n"
        "}\n");
  CHECK(f.err.str().empty());
}

TEST_CASE(":params with a bare word hints that text needs quotes", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  std::string error;
  CHECK_FALSE(shell.SetParam("who", " Ana ", &error));
  CHECK(error ==
        "error at line 1, column 9: unknown variable 'Ana'\n"
        "  return  Ana ;\n"
        "          ^\n"
        "hint: text needs quotes: who=\"Ana\" (on the command line, -p 'who=\"Ana\"')");
  CHECK_FALSE(shell.SetParam("n", "1 +", &error));
  CHECK(error.find("hint") == std::string::npos);  // only a bare word gets it
}

TEST_CASE("line mode puts a blank line between records, across statements too", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  shell.set_format(OutputFormat::kLine);
  REQUIRE(shell.RunScript("insert (@p {n: 3}), (@q {n: 4}); return 1 as a, 2 as bb; "
                          "match (x {nothing: 1}) return x; match (x) return x.n as a order by a;",
                          "") == quipu::repl::kExitOk);
  CHECK(f.out.str() == " a = 1\nbb = 2\n\na = 3\n\na = 4\n");
}

TEST_CASE(":dot draws a path's nodes and hops", "[shell]") {
  Fixture f;
  CHECK(DotAfter(&f,
                 "insert (@a)-[:owns]->(@b), (@c)-[:funds]->(@b), (@c)-[:owns]->(@d);\n"
                 "match p = (@a)-[:owns|funds*]-(@c) return p;\n") ==
        "digraph quipu {\n"
        "  node [shape=box];\n"
        "  \"@a\" [label=\"@a\"];\n"
        "  \"@b\" [label=\"@b\"];\n"
        "  \"@c\" [label=\"@c\"];\n"
        "  \"@a\" -> \"@b\" [label=\"@owns\"];\n"
        "  \"@c\" -> \"@b\" [label=\"@funds\"];\n"
        "}\n");
  CHECK(f.err.str().empty());
}

TEST_CASE(":dot without entities to draw is an error and writes nothing", "[shell]") {
  Fixture f;
  quipu::testing::TempDir dot("dot");
  Shell shell(f.db.get(), f.out, f.err);
  const std::string file = dot.path() + ".dot";
  std::istringstream in(":dot " + file + "\nreturn 1 as one;\n:dot " + file + "\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitFailed);
  const std::string message =
      "error: :dot has nothing to draw: the last result holds no entities (run a match that "
      "returns nodes, lists of them or paths first)\n";
  CHECK(f.err.str() == message + message);
  CHECK(f.out.str().find("wrote") == std::string::npos);
  CHECK(quipu::testing::ReadFileOrEmpty(file).empty());
}

TEST_CASE("a long statement's notice shows after its delay and is erased at the end", "[shell]") {
  CHECK(quipu::repl::RunningNotice::Render(3) == "running for 3 s; Ctrl-C cancels");
  std::ostringstream quiet;
  {
    quipu::repl::RunningNotice notice(quiet, std::chrono::hours(1));
    notice.Start();
    notice.Stop();
    CHECK_FALSE(notice.shown());
  }
  CHECK(quiet.str().empty());
  std::ostringstream out;
  quipu::repl::RunningNotice notice(out, std::chrono::milliseconds(0));
  notice.Start();
  for (int i = 0; i < 1000 && !notice.shown(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(notice.shown());
  notice.Stop();
  CHECK_FALSE(notice.shown());
  const std::string text = out.str();
  CHECK(std::regex_match(text, std::regex("(\rrunning for [0-9]+ s; Ctrl-C cancels\033\\[K)+"
                                          "\r\033\\[K")));
  notice.Stop();  // stopped already: nothing more
  CHECK(out.str() == text);
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
        "\r[#####               ]  25%  parse  20.0/80.0 MiB  250000 facts  125k facts/s  parse "
        "ETA 6 s\033[K");
  bar.Clear();
  CHECK(out.str().substr(out.str().size() - 4) == "\r\033[K");
  out.str("");
  bar.Clear();  // nothing shown: nothing to erase
  CHECK(out.str().empty());
}

TEST_CASE("the progress bar names each phase after parsing, drawn as it begins", "[shell]") {
  std::ostringstream out;
  quipu::repl::ProgressBar bar(out);
  quipu::LoadProgress p;
  p.total_bytes = p.bytes_read = 80 * 1048576;
  p.facts = 1000000;
  p.seconds = 8.0;
  bar.Update(p);
  CHECK(out.str() ==
        "\r[####################] 100%  parse  80.0/80.0 MiB  1000000 facts  125k facts/s  parse "
        "ETA 0 s\033[K");
  // A new phase is drawn at once, however soon after the last drawing;
  // after parsing there is no rate and no time left, only the time so far.
  const std::vector<std::pair<quipu::LoadPhase, std::string>> phases = {
      {quipu::LoadPhase::kSort, "sort"},
      {quipu::LoadPhase::kWrite, "write"},
      {quipu::LoadPhase::kIngest, "ingest"}};
  for (const auto& [phase, name] : phases) {
    out.str("");
    p.phase = phase;
    p.seconds += 0.01;
    bar.Update(p);
    CHECK(out.str() ==
          "\r[####################] 100%  " + name + "  80.0/80.0 MiB  1000000 facts  8 s\033[K");
  }
  out.str("");
  p.seconds += 0.01;
  bar.Update(p);  // the same phase this soon: not drawn again
  CHECK(out.str().empty());
}

TEST_CASE("a load's summary states one time, also with :timer on", "[shell]") {
  Fixture f;
  quipu::testing::TempDir dir("load-summary");
  std::filesystem::create_directories(dir.path());
  const std::string file = dir.path() + "/two.nt";
  {
    std::ofstream nt(file);
    nt << "<http://x/a> <http://x/p> <http://x/b> .\n<http://x/b> <http://x/p> <http://x/c> .\n";
  }
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(":timer on\nload '" + file + "';\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitOk);
  INFO(f.out.str());
  CHECK(std::regex_match(
      f.out.str(), std::regex("quipu> quipu> loaded 2 facts \\(3 entities\\) from '.*two\\.nt' "
                              "in [0-9]+\\.[0-9][0-9] s\nquipu> \n")));
}

TEST_CASE("tables on a terminal: Unicode lines, cut to its width", "[shell]") {
  Fixture f;
  quipu::testing::TempDir file("table-output");
  Shell shell(f.db.get(), f.out, f.err);
  REQUIRE(shell.RunScript("insert (@a {name: \"Ana María Quispe Huamán\", note: \"short\"});",
                          "") == 0);
  f.out.str("");
  size_t columns = 80;
  shell.set_terminal(/*utf8=*/true, [&] { return columns; });
  auto run = [&](const std::string& text) {
    f.out.str("");
    REQUIRE(shell.RunScript(text, "") == 0);
    return f.out.str();
  };
  const std::string query = "match (p) return p, p.name as name, p.note as note;";
  CHECK(run(query) ==
        "┌────┬─────────────────────────┬───────┐\n"
        "│ p  │ name                    │ note  │\n"
        "├────┼─────────────────────────┼───────┤\n"
        "│ @a │ Ana María Quispe Huamán │ short │\n"
        "└────┴─────────────────────────┴───────┘\n"
        "1 row\n");
  // A narrower window: the widest column gives way, cut with an ellipsis.
  columns = 30;
  CHECK(run(query) ==
        "┌────┬───────────────┬───────┐\n"
        "│ p  │ name          │ note  │\n"
        "├────┼───────────────┼───────┤\n"
        "│ @a │ Ana María Qu… │ short │\n"
        "└────┴───────────────┴───────┘\n"
        "1 row\n");
  // ASCII when chosen, with '~' for the cut; no rows: the header is closed.
  bool quit = false;
  REQUIRE(shell.RunMeta(":mode table ascii", &quit));
  const std::string none = "match (p {note: \"none\"}) return p.name;";
  CHECK(run(query + none) ==
        "+----+---------------+-------+\n"
        "| p  | name          | note  |\n"
        "+----+---------------+-------+\n"
        "| @a | Ana María Qu~ | short |\n"
        "+----+---------------+-------+\n"
        "1 row\n"
        "+--------+\n"
        "| p.name |\n"
        "+--------+\n"
        "0 rows\n");
  REQUIRE(shell.RunMeta(":mode table unicode", &quit));
  CHECK(run(none) == "┌────────┐\n│ p.name │\n└────────┘\n0 rows\n");
  // Results sent to a file are never cut, and auto borders are ASCII there.
  REQUIRE(shell.RunMeta(":mode table", &quit));
  REQUIRE(shell.RunMeta(":output " + file.path(), &quit));
  REQUIRE(run(query).empty());
  REQUIRE(shell.RunMeta(":output", &quit));
  CHECK(quipu::testing::ReadFileOrEmpty(file.path()) ==
        "+----+-------------------------+-------+\n"
        "| p  | name                    | note  |\n"
        "+----+-------------------------+-------+\n"
        "| @a | Ana María Quispe Huamán | short |\n"
        "+----+-------------------------+-------+\n"
        "1 row\n");
  // A window too narrow for every column's minimum: columns keep five cells.
  columns = 12;
  CHECK(run(query).find("│ @a │ Ana … │ short │\n") != std::string::npos);
  CHECK(f.err.str().empty());
}

TEST_CASE("cutting text to a width counts terminal cells", "[shell]") {
  using quipu::repl::TruncateToWidth;
  CHECK(TruncateToWidth("Chancay", 7, "…") == "Chancay");
  CHECK(TruncateToWidth("Chancay", 6, "…") == "Chanc…");
  CHECK(TruncateToWidth("Chancay", 6, "~") == "Chanc~");
  CHECK(TruncateToWidth("Perú Perú", 5, "…") == "Perú…");
  CHECK(TruncateToWidth("習近平", 5, "…") == "習近…");  // two cells each
  CHECK(TruncateToWidth("習近平", 4, "…") == "習…");    // 3 cells; the caller pads
  CHECK(TruncateToWidth("abc", 1, "…") == "…");
  CHECK(quipu::repl::FormatElapsed(0.00004) == "0.04 ms");
  CHECK(quipu::repl::FormatElapsed(0.0042) == "4.2 ms");
  CHECK(quipu::repl::FormatElapsed(2.345) == "2.35 s");
}

TEST_CASE(":mode names the table's borders; --format reads the same words", "[shell]") {
  using quipu::repl::ParseOutputMode;
  using quipu::repl::TableBorders;
  OutputFormat format;
  TableBorders borders;
  CHECK(ParseOutputMode("table", &format, &borders));
  CHECK((format == OutputFormat::kTable && borders == TableBorders::kAuto));
  CHECK(ParseOutputMode("table unicode", &format, &borders));
  CHECK(borders == TableBorders::kUnicode);
  CHECK(ParseOutputMode("  table   ascii ", &format, &borders));
  CHECK(borders == TableBorders::kAscii);
  CHECK(ParseOutputMode("json", &format, &borders));
  CHECK((format == OutputFormat::kJson && borders == TableBorders::kAuto));
  CHECK_FALSE(ParseOutputMode("csv ascii", &format, &borders));
  CHECK_FALSE(ParseOutputMode("table round", &format, &borders));
  CHECK_FALSE(ParseOutputMode("table ascii more", &format, &borders));
  CHECK_FALSE(ParseOutputMode("", &format, &borders));

  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(":mode table unicode\n:mode\n:mode table\n:mode\n:mode csv ascii\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitFailed);
  CHECK(f.out.str() == "quipu> quipu> table unicode\nquipu> quipu> table\nquipu> quipu> \n");
  CHECK(f.err.str() ==
        "error: unknown mode 'csv ascii' (expected table [ascii|unicode], csv, tsv, json, jsonl, "
        "markdown or line)\n");
}

TEST_CASE(":timer shows the run time under a table and on its own line elsewhere", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(
      ":timer on\n"
      "insert (@a {n: 1});\n"
      "match (x) return x.n;\n"
      ":mode csv\n"
      "match (x) return x.n;\n"
      ":timer off\n"
      "match (x) return x.n;\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitOk);
  const std::regex expected(
      "quipu> quipu> inserted 1 fact \\([0-9]+\\.[0-9]+ ms\\)\n"
      "quipu> \\+-----\\+\n\\| x.n \\|\n\\+-----\\+\n\\| 1   \\|\n\\+-----\\+\n"
      "1 row \\([0-9]+\\.[0-9]+ ms\\)\n"
      "quipu> quipu> x.n\n1\nRun time: [0-9]+\\.[0-9]+ ms\n"
      "quipu> quipu> x.n\n1\n"
      "quipu> \n");
  INFO(f.out.str());
  CHECK(std::regex_match(f.out.str(), expected));
}

TEST_CASE("Ctrl-C while typing drops the half-typed statement", "[shell]") {
  using quipu::repl::LineStatus;
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  const std::vector<std::pair<LineStatus, std::string>> lines = {
      {LineStatus::kLine, "match (p {name:"},
      {LineStatus::kLine, "  \"Ana"},
      {LineStatus::kInterrupted, ""},
      {LineStatus::kLine, "return 7 as seven;"},
      {LineStatus::kInterrupted, ""},
      {LineStatus::kLine, ":mode csv"},
      {LineStatus::kLine, "return 8 as eight;"},
  };
  size_t next = 0;
  CHECK(shell.RunInteractive([&](const std::string& prompt, std::string* line) {
    f.out << prompt;
    if (next == lines.size()) return LineStatus::kEnd;
    *line = lines[next].second;
    return lines[next++].first;
  }) == quipu::repl::kExitOk);
  CHECK(f.out.str() ==
        "quipu>    ...>    ...> quipu> +-------+\n"
        "| seven |\n"
        "+-------+\n"
        "| 7     |\n"
        "+-------+\n"
        "1 row\n"
        "quipu> quipu> quipu> eight\n8\n"
        "quipu> \n");
  CHECK(f.err.str().empty());
}

TEST_CASE("scripts run meta-command lines between statements", "[shell]") {
  Fixture f;
  const std::string script =
      "insert (@a:Thing {n: 1});\n"
      ":mode csv\n"
      "match (x {n: 1}) return x;\n"
      "-- a comment; :mode json\n"
      "match (x\n"
      ":Thing) return x.n;\n"
      ":bogus\n"
      "insert (@b {n: 2}); match (y return y;\n"
      "match (z {n: 2}) return z;\n";
  {
    Shell shell(f.db.get(), f.out, f.err);
    CHECK(shell.RunScript(script, "s.qql") == quipu::repl::kExitFailed);
    CHECK(f.out.str() == "inserted 2 facts\nx\n@a\nx.n\n1\n");
    CHECK(f.err.str() == "s.qql: error at line 7: unknown command ':bogus' (:help lists them)\n");
  }
  // --keep-going: every error is reported, the rest runs, and the status says it failed.
  quipu::testing::TempDir dir("keep-going");
  auto other = quipu::Database::Open(dir.path());
  REQUIRE(other.ok());
  std::ostringstream out, err;
  Shell shell(other->get(), out, err);
  shell.set_keep_going(true);
  CHECK(shell.RunScript(script, "s.qql") == quipu::repl::kExitFailed);
  CHECK(out.str() == "inserted 2 facts\nx\n@a\nx.n\n1\nz\n@b\n");
  CHECK(err.str() ==
        "s.qql: error at line 7: unknown command ':bogus' (:help lists them)\n"
        "s.qql: syntax error at line 8, column 30: expected ')' to close the node pattern\n"
        "  insert (@b {n: 2}); match (y return y;\n"
        "                               ^\n");
}

TEST_CASE(":quit ends a script, and the shell when the script was read", "[shell]") {
  Fixture f;
  quipu::testing::TempDir file("quit-script");
  std::ofstream(file.path()) << "return 1 as one;\n:quit\nreturn 2 as two;\n";
  Shell shell(f.db.get(), f.out, f.err);
  shell.set_format(OutputFormat::kCsv);
  std::istringstream in(":read " + file.path() + "\nreturn 3 as three;\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitOk);
  CHECK(f.out.str() == "quipu> one\n1\n");
  CHECK(shell.quit_requested());
}

TEST_CASE(":open tells the listener about the new database", "[shell]") {
  Fixture f;
  quipu::testing::TempDir other("open-listener");
  Shell shell(f.db.get(), f.out, f.err);
  quipu::Database* seen = nullptr;
  shell.set_database_listener([&](quipu::Database* db) { seen = db; });
  bool quit = false;
  REQUIRE(shell.RunMeta(":open " + other.path(), &quit));
  CHECK(seen != nullptr);
  CHECK(seen == shell.database());
  CHECK(seen != f.db.get());
}

TEST_CASE("the locale decides whether the terminal shows UTF-8", "[shell]") {
  using quipu::repl::LocaleIsUtf8;
  CHECK(LocaleIsUtf8(nullptr, nullptr, "en_US.UTF-8"));
  CHECK(LocaleIsUtf8(nullptr, nullptr, "C.utf8"));
  CHECK(LocaleIsUtf8("", "", "es_PE.UTF-8"));
  CHECK_FALSE(LocaleIsUtf8("C", nullptr, "en_US.UTF-8"));  // LC_ALL wins
  CHECK_FALSE(LocaleIsUtf8(nullptr, "POSIX", "en_US.UTF-8"));
  CHECK_FALSE(LocaleIsUtf8(nullptr, nullptr, nullptr));
  CHECK_FALSE(LocaleIsUtf8(nullptr, nullptr, "en_US.ISO-8859-1"));
}

TEST_CASE("a path cell shows each hop's source and dates, JSON every annotation", "[shell]") {
  quipu::Path path;
  path.nodes = {quipu::Value(quipu::Entity{"a"}), quipu::Value(quipu::Entity{"b"})};
  quipu::PathHop hop;
  hop.predicate = quipu::Entity{"owns"};
  hop.annotations = {{"share", quipu::Value(0.5)},
                     {"since", quipu::Value(quipu::Date{0})},
                     {"source", quipu::Value("registry")}};
  path.hops.push_back(hop);
  const quipu::Value value(path);
  CHECK(quipu::repl::CellText(value) ==
        "(@a)-[:owns {since: date '1970-01-01', source: \"registry\"}]->(@b)");
  CHECK(quipu::repl::CellText(quipu::Value(quipu::ValueList{value, quipu::Value("x")})) ==
        "[(@a)-[:owns {since: date '1970-01-01', source: \"registry\"}]->(@b), \"x\"]");
  quipu::QueryResult result;
  result.columns = {"p"};
  result.rows = {{value}};
  std::ostringstream json;
  quipu::repl::PrintText(result, OutputFormat::kJsonl, json);
  CHECK(json.str() ==
        "{\"p\": {\"nodes\": [\"@a\", \"@b\"], \"facts\": [{\"from\": \"@a\", \"predicate\": "
        "\"owns\", \"to\": \"@b\", \"share\": 0.5, \"since\": \"1970-01-01\", \"source\": "
        "\"registry\"}]}}\n");
}

TEST_CASE(":limit shows and sets the statement limits, which :open keeps", "[shell]") {
  Fixture f;
  quipu::testing::TempDir other("limit-other");
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(
      "insert (@a)-[:k]->(@b), (@b)-[:k]->(@a);\n"
      ":limit\n"
      ":limit path_states 1\n"
      ":limit time 2.5\n"
      ":limit memory 1.5GiB\n"
      ":limit rows 7\n"
      ":limit\n"
      "match (x)-[:k*]->(y) return count(*);\n"
      ":limit time x\n"
      ":limit path_states -1\n"
      ":limit speed 3\n"
      ":limit memory lots\n"
      ":limit rows -2\n"
      ":open " +
      other.path() +
      "\n"
      ":limit\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitFailed);
  // The default memory budget depends on the machine (DefaultMemoryBudget).
  CHECK(f.out.str() ==
        "quipu> inserted 2 facts\n"
        "quipu> time none\npath_states 10000000\nmemory " +
            quipu::FormatMemorySize(quipu::DefaultMemoryBudget()) +
            "\nrows none\nstatement_bytes 1048576\nnesting_depth 256\n"
            "quipu> quipu> quipu> quipu> quipu> time 2.5 s\npath_states 1\nmemory 1.5 GiB\n"
            "rows 7\nstatement_bytes 1048576\nnesting_depth 256\n"
            "quipu> quipu> quipu> quipu> quipu> quipu> quipu> opened " +
            other.path() +
            "\n"
            "quipu> time 2.5 s\npath_states 1\nmemory 1.5 GiB\nrows 7\nstatement_bytes 1048576\n"
            "nesting_depth 256\n"
            "quipu> \n");
  CHECK(f.err.str() ==
        "error: path expansion stopped in (x)-[:k*]->(y): it visited more than 1 states (the "
        "limit 'path_states': :limit path_states N in the shell, QueryLimits::path_states in the "
        "API); give the relationship a maximum length or fix one of its ends (as (@x)-[…]->, or "
        "where x = @x), or raise the limit\n"
        "error: :limit time takes a number of seconds (0: no limit), not 'x'\n"
        "error: :limit path_states takes a whole number (0: no limit), not '-1'\n"
        "error: unknown limit 'speed' (time, path_states, memory, rows, statement_bytes or "
        "nesting_depth)\n"
        "error: :limit memory: a memory size is a number with an optional unit, such as 512MB, "
        "1.5GiB or 0 (no budget), not 'lots'\n"
        "error: :limit rows takes a whole number (0: no limit), not '-2'\n");
}

TEST_CASE(":limit memory and :limit rows stop statements with their errors", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(
      "insert (@a)-[:k]->(@b), (@b)-[:k]->(@c), (@c)-[:k]->(@a);\n"
      ":limit memory 100B\n"
      "match (x)-[:k]->(y) return x, y order by y;\n"
      ":limit memory none\n"
      ":limit rows 2\n"
      "match (x)-[:k]->(y) return x, y order by y;\n"
      "match (x)-[:k]->(y) return x, y order by y limit 2;\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitFailed);
  CHECK(f.err.str() ==
        "error: statement memory budget of 100 bytes exceeded by a sort (3 rows); raise it with "
        ":limit memory SIZE in the shell or QueryLimits::memory_bytes in the API, or narrow the "
        "query\n"
        "error: the statement returned more than 2 rows (the limit 'rows': :limit rows N in the "
        "shell, QueryLimits::max_result_rows in the API); add 'limit 2' to keep the first 2, or "
        "raise the limit\n");
  CHECK(f.out.str().find("2 rows") != std::string::npos);  // the last, with limit 2
}

TEST_CASE(":limit sets the parser's limits: statement bytes and nesting depth", "[shell]") {
  Fixture f;
  Shell shell(f.db.get(), f.out, f.err);
  std::istringstream in(
      ":limit nesting_depth 3\n"
      ":limit statement_bytes 20\n"
      ":limit\n"
      "return [[1]];\n"
      "return [[[1]]];\n"
      "return 'twenty-one bytes';\n"
      ":limit nesting_depth 4294967296\n"
      ":limit statement_bytes many\n"
      ":limit nesting_depth 0\n"
      ":limit statement_bytes 0\n"
      "return [[[[1]]]];\n");
  CHECK(shell.RunInteractive(in) == quipu::repl::kExitFailed);
  CHECK(f.out.str() ==
        "quipu> quipu> quipu> time none\npath_states 10000000\nmemory " +
            quipu::FormatMemorySize(quipu::DefaultMemoryBudget()) +
            "\nrows none\nstatement_bytes 20\nnesting_depth 3\n"
            "quipu> +-------+\n| [[1]] |\n+-------+\n| [[1]] |\n+-------+\n1 row\n"
            "quipu> quipu> quipu> quipu> quipu> quipu> quipu> +-----------+\n| [[[[1]]]] |\n"
            "+-----------+\n| [[[[1]]]] |\n+-----------+\n1 row\n"
            "quipu> \n");
  CHECK(f.err.str() ==
        "syntax error at line 1, column 11: operands nest more than 3 deep here (the limit "
        "'nesting_depth': :limit nesting_depth N in the shell, QueryLimits::nesting_depth in "
        "the API)\n"
        "  return [[[1]]];\n"
        "            ^\n"
        "syntax error at line 1, column 1: the statement is 25 bytes long, over the limit of 20 "
        "bytes (the limit 'statement_bytes': :limit statement_bytes N in the shell, "
        "QueryLimits::statement_bytes in the API)\n"
        "  return 'twenty-one bytes';\n"
        "  ^\n"
        "error: :limit nesting_depth takes a whole number (0: no limit), not '4294967296'\n"
        "error: :limit statement_bytes takes a whole number (0: no limit), not 'many'\n");
}
