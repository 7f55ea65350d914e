// The shell's tokens over strings: highlighting, statement boundaries and
// how a script splits into statements and meta-command lines.
#include "repl/highlight.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "quipu/language.h"
#include "repl/completion.h"
#include "repl/tokens.h"
#include "tests/test_util.h"

namespace {

using quipu::repl::TokenKind;

// Each token as "kind:text", spaces left out.
std::vector<std::string> Kinds(const std::string& text) {
  static const char* kNames[] = {"space",  "comment", "keyword", "name", "string", "number",
                                 "entity", "iri",     "param",   ";",    "other"};
  std::vector<std::string> out;
  for (const auto& t : quipu::repl::Tokenize(text)) {
    if (t.kind == TokenKind::kSpace) continue;
    out.push_back(std::string(kNames[static_cast<int>(t.kind)]) + ":" +
                  text.substr(t.begin, t.end - t.begin));
  }
  return out;
}

const std::string kKeyword = "\033[1;34m";
const std::string kString = "\033[32m";
const std::string kNumber = "\033[33m";
const std::string kEntity = "\033[36m";
const std::string kParam = "\033[35m";
const std::string kComment = "\033[90m";
const std::string kReset = "\033[0m";

}  // namespace

TEST_CASE("the tokenizer follows the grammar's words, literals and comments", "[highlight]") {
  CHECK(Kinds("MATCH (p:Person)-[o:owns]->(@cosco) where o.share >= 0.5 return p.name;") ==
        std::vector<std::string>{
            "keyword:MATCH", "other:(", "name:p",        "other::",    "name:Person",
            "other:)",       "other:-", "other:[",       "name:o",     "other::",
            "name:owns",     "other:]", "other:-",       "other:>",    "other:(",
            "entity:@cosco", "other:)", "keyword:where", "name:o",     "other:.",
            "name:share",    "other:>", "other:=",       "number:0.5", "keyword:return",
            "name:p",        "other:.", "name:name",     ";:;"});
  // A keyword after '.' or ':' is a property, label or predicate name.
  CHECK(Kinds("x.order, y:match") == std::vector<std::string>{"name:x", "other:.", "name:order",
                                                              "other:,", "name:y",
                                                              "other::", "name:match"});
  CHECK(Kinds("'it\\'s;' \"a\\\"b\" 1e6 42 7x $who <http://x/a;b> -- note; more\n//c") ==
        std::vector<std::string>{"string:'it\\'s;'", "string:\"a\\\"b\"", "number:1e6", "number:42",
                                 "name:7x", "param:$who", "iri:<http://x/a;b>",
                                 "comment:-- note; more", "comment://c"});
  // '<' that does not close on the same word is less-than.
  CHECK(Kinds("a < b") == std::vector<std::string>{"name:a", "other:<", "name:b"});
  CHECK(Kinds("país → ü") ==
        std::vector<std::string>{"name:pa", "other:í", "name:s", "other:→", "other:ü"});
  const auto open = quipu::repl::Tokenize("return \"open");
  CHECK_FALSE(open.back().closed);
}

TEST_CASE("the shell's keywords are the grammar's", "[highlight]") {
  // Read off the grammar (grammar/keywords.h), so words added to it are
  // highlighted without a second list to keep: these once were not.
  for (const char* word : {"call", "search", "yield", "shortest", "acyclic", "why", "of", "during",
                           "match", "load", "backup"}) {
    INFO(word);
    CHECK(quipu::repl::IsKeyword(word));
  }
  CHECK(quipu::repl::IsKeyword("YIELD"));
  // Keywords of load (and backup) only are names elsewhere: completed, not
  // highlighted.
  const quipu::LanguageWords& words = quipu::GetLanguageWords();
  for (const char* word : {"csv", "nodes", "edges", "key", "from", "to", "rows", "percent"}) {
    INFO(word);
    CHECK(std::count(words.load_words.begin(), words.load_words.end(), word) == 1);
    CHECK_FALSE(quipu::repl::IsKeyword(word));
    const std::vector<std::string>& completed = quipu::repl::LanguageWords();
    CHECK(std::count(completed.begin(), completed.end(), word) == 1);
  }
  CHECK(std::is_sorted(words.keywords.begin(), words.keywords.end()));
  CHECK_FALSE(quipu::repl::IsKeyword("person"));
}

TEST_CASE("highlighting colours keywords, strings, numbers and entity keys", "[highlight]") {
  using quipu::repl::Highlight;
  CHECK(Highlight("match (p {name: \"Ana\"})-[:owns]->(@cosco) return p, 42; -- done") ==
        kKeyword + "match" + kReset + " (p {name: " + kString + "\"Ana\"" + kReset +
            "})-[:owns]->(" + kEntity + "@cosco" + kReset + ") " + kKeyword + "return" + kReset +
            " p, " + kNumber + "42" + kReset + "; " + kComment + "-- done" + kReset);
  CHECK(Highlight("where x = $who or x = <urn:a>") ==
        kKeyword + "where" + kReset + " x = " + kParam + "$who" + kReset + " " + kKeyword + "or" +
            kReset + " x = " + kEntity + "<urn:a>" + kReset);
  CHECK(Highlight("p.name") == "p.name");
  CHECK(Highlight("") == "");
}

TEST_CASE("a line is highlighted in the context of the lines before it", "[highlight]") {
  using quipu::repl::HighlightLine;
  CHECK(HighlightLine("", "return 1;") ==
        kKeyword + "return" + kReset + " " + kNumber + "1" + kReset + ";");
  // A string opened on an earlier line goes on.
  CHECK(HighlightLine("match (p {name: \"Ana\n", "María\"}) return p;") ==
        kString + "María\"" + kReset + "}) " + kKeyword + "return" + kReset + " p;");
  // A meta-command: its name.
  CHECK(HighlightLine("", ":mode csv") == kKeyword + ":mode" + kReset + " csv");
  CHECK(HighlightLine("-- a comment\n", ":quit") == kKeyword + ":quit" + kReset);
  // Inside a statement, ':' starts a label, not a meta-command.
  CHECK(HighlightLine("match (p\n", ":Person) return p;") ==
        ":Person) " + kKeyword + "return" + kReset + " p;");
}

TEST_CASE("colour only on a terminal that has it and when NO_COLOR is not set", "[highlight]") {
  using quipu::repl::ColorWanted;
  CHECK(ColorWanted(true, "xterm-256color", nullptr));
  CHECK(ColorWanted(true, "xterm", ""));  // NO_COLOR empty counts as unset
  CHECK_FALSE(ColorWanted(true, "xterm", "1"));
  CHECK_FALSE(ColorWanted(true, "dumb", nullptr));
  CHECK_FALSE(ColorWanted(true, nullptr, nullptr));
  CHECK_FALSE(ColorWanted(false, "xterm", nullptr));
}

TEST_CASE("a script splits into statements and meta-command lines", "[highlight]") {
  const std::string script =
      "insert (@a);:mode csv\n"
      ":mode csv\n"
      "-- comment\n"
      "match (x\n"
      ":Thing) return x; return ';'\n"
      "  :not meta\n"
      ";\n"
      ":quit";
  std::vector<std::string> parts;
  for (const auto& p : quipu::repl::SplitScript(script)) {
    parts.push_back((p.meta ? "meta " : "stmt ") + script.substr(p.begin, p.end - p.begin));
  }
  CHECK(parts == std::vector<std::string>{"stmt insert (@a);",
                                          "stmt :mode csv\n:mode csv\n"
                                          "-- comment\nmatch (x\n:Thing) return x;",
                                          "stmt return ';'\n  :not meta\n;", "meta :quit"});
  // The last statement may lack its ';'.
  CHECK(quipu::repl::SplitScript("return 1").size() == 1);
  CHECK(quipu::repl::SplitScript(" -- nothing\n").empty());
}

TEST_CASE("Tab offers the statement's variables and file paths after load", "[shell]") {
  using quipu::repl::InLoadPath;
  using quipu::repl::PathCandidates;
  using quipu::repl::StatementVariables;
  CHECK(StatementVariables("match (person:Person)-[r:owns]->(c), p = (c)-[:x*]->(d) where pe") ==
        std::vector<std::string>{"c", "d", "p", "person", "r"});
  CHECK(StatementVariables("match (@a)-[:owns]->( x {n: 1}) return count(y), x.name") ==
        std::vector<std::string>{"x", "y"});
  CHECK(StatementVariables("match p = shortest (a)-[*]-(b) where a.n == 1") ==
        std::vector<std::string>{"a", "b", "p"});
  CHECK(StatementVariables("").empty());
  CHECK(InLoadPath("load '"));
  CHECK(InLoadPath("LOAD csv 'data/"));
  CHECK(InLoadPath("  load jsonl \"x/"));
  CHECK_FALSE(InLoadPath("load 'a.nt' format '"));
  CHECK_FALSE(InLoadPath("match (x {name: '"));
  CHECK_FALSE(InLoadPath("load 'a.nt'"));
  CHECK_FALSE(InLoadPath("reload '"));
  quipu::testing::TempDir dir("complete");
  std::filesystem::create_directories(dir.path() + "/sub");
  std::ofstream(dir.path() + "/seed.qql") << "x";
  std::ofstream(dir.path() + "/seed.nt") << "x";
  std::ofstream(dir.path() + "/.hidden") << "x";
  CHECK(PathCandidates(dir.path() + "/s") == std::vector<std::string>{dir.path() + "/seed.nt",
                                                                      dir.path() + "/seed.qql",
                                                                      dir.path() + "/sub/"});
  CHECK(PathCandidates(dir.path() + "/.h") == std::vector<std::string>{dir.path() + "/.hidden"});
  CHECK(PathCandidates(dir.path() + "/nothing").empty());
  CHECK(PathCandidates("/no/such/dir/x").empty());
}

// Tab offers what fits where the word stands (issue 24: after `(x:` it
// offered all 219 words, `:mo` gave mode and month, and every completion
// appended a space, `return  p`).
TEST_CASE("Tab offers labels, predicates, properties and commands by context", "[shell]") {
  using quipu::repl::CompleteWord;
  using V = std::vector<std::string>;
  quipu::repl::CompletionWords words;
  words.keywords = {"match", "month", "return", "where"};
  words.labels = {"Company", "Person"};
  words.predicates = {"name", "owns", "share"};
  words.entities = {"@ana", "@bo"};
  words.meta_commands = {":help", ":limit", ":mode", ":open"};
  words.modes = {"csv", "line", "table"};
  words.limits = {"memory", "time"};
  auto candidates = [&](const std::string& statement, const std::string& before,
                        const std::string& prefix) {
    return CompleteWord(words, statement, before, prefix, true).candidates;
  };
  // A label inside a node or after `where x:`; not the keywords.
  CHECK(candidates("", "match (x:", "") == V{"Company", "Person"});
  CHECK(candidates("", "match (x:", "P") == V{"Person"});
  CHECK(candidates("", "match (x) where x:", "C") == V{"Company"});
  // A predicate inside a relationship, after ':' or '|'; the bracket may
  // open on an earlier line of the statement.
  CHECK(candidates("", "match (a)-[r:", "o") == V{"owns"});
  CHECK(candidates("", "match (a)-[:owns|", "") == V{"name", "owns", "share"});
  CHECK(candidates("match (a)-[\n", "  :", "s") == V{"share"});
  // A property after a variable's '.'.
  CHECK(candidates("", "match (p) return p.", "n") == V{"name"});
  // Entities after '@'; keywords and the statement's variables elsewhere.
  CHECK(candidates("", "match (", "@a") == V{"@ana"});
  CHECK(candidates("", "match (mine) ", "m") == V{"match", "mine", "month"});
  CHECK(candidates("", "match (mine) return ", "mi") == V{"mine"});
  // Meta-commands at the start of a line between statements, then their
  // first argument; a ':' inside a statement is a label.
  CHECK(candidates("", ":", "mo") == V{"mode"});
  CHECK(candidates("", ":mode ", "") == V{"csv", "line", "table"});
  CHECK(candidates("", ":limit ", "t") == V{"time"});
  CHECK(candidates("", ":limit time ", "").empty());
  CHECK(candidates("match (x\n", ":", "P") == V{"Person"});
  // A space only after a keyword or command at the end of the line.
  CHECK(CompleteWord(words, "", "", "ret", true).append_space);
  CHECK_FALSE(CompleteWord(words, "", "", "ret", false).append_space);
  CHECK(CompleteWord(words, "", ":", "he", true).append_space);
  CHECK_FALSE(CompleteWord(words, "", "match (x:", "Pe", true).append_space);
  CHECK_FALSE(CompleteWord(words, "", "match (mine) return ", "mi", true).append_space);
  CHECK_FALSE(CompleteWord(words, "", "match (p) return p.", "na", true).append_space);
}
