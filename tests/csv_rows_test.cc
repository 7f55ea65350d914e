// load csv … as rows r [where …] insert …: a CSV file mapped to several
// entities per row, on small files written here. The donations mapping over
// the shared data is in ftm_equivalence_test.cc.
#include "tests/import_util.h"

using quipu::testing::LoadFixture;

namespace {

constexpr char kPeople[] =
    "id,name,employer,since,salary:int,\"home town\",note\n"
    "1, Ann Li ,acme,2020-01-02,100,Lima,\n"
    "2,Bo,acme,,200,,x\n"
    "3,Cy,,2021-05-06,300,Cusco,\n";

constexpr char kPeopleMapping[] =
    " as rows r insert (@('person', r.id):Person {name: trim(r.name), salary: r.salary, town: "
    "r.\"home town\", note: r.note})-[:works_for {since: date(r.since), source: $source}]->"
    "(@('company', r.employer):Company {name: upper(r.employer)})";

}  // namespace

TEST_CASE("load csv as rows: several entities per row, computed keys, conversions",
          "[import][csv][rows]") {
  LoadFixture f;
  const std::string csv = f.File("people.csv", kPeople);
  const std::string load = "load csv '" + csv + "'" + kPeopleMapping;
  quipu::Result<quipu::QueryResult> r = f.db().Execute(load, {{"source", quipu::Value("hr")}});
  REQUIRE(r.ok());
  // Row 1: 4 person facts, 2 company facts, the edge; row 2: 4 and the edge
  // (the company is there already); row 3 has no employer: the person only.
  CHECK(r->facts_inserted == 16);
  CHECK_THAT(r->summary, Catch::Matches("loaded 16 facts \\(4 entities\\) from '.*people\\.csv' "
                                        "in \\d+\\.\\d\\d s"));
  CHECK(f.Rows("match (p:Person) return p, p.name, p.salary + 1, p.town, p.note order by p") ==
        std::vector<std::string>{"<person/1> | Ann Li | 101 | Lima | null",
                                 "<person/2> | Bo | 201 | null | x",
                                 "<person/3> | Cy | 301 | Cusco | null"});
  CHECK(f.Rows("match (p)-[w:works_for]->(c:Company) return p.name, c, c.name, w.since, w.source "
               "order by p.name") ==
        std::vector<std::string>{"Ann Li | <company/acme> | ACME | 2020-01-02 | hr",
                                 "Bo | <company/acme> | ACME | null | hr"});
  CHECK(f.Count("(c:Company)") == 1);

  // where keeps the rows whose condition is true; loading again adds nothing new.
  const quipu::QueryResult filtered = f.Ok("load csv '" + csv +
                                           "' as rows row where toInteger(row.id) > 1 and row.note "
                                           "is null insert (@('person', row.id):Checked)");
  CHECK(filtered.facts_inserted == 1);
  CHECK(f.Rows("match (p:Checked) return p") == std::vector<std::string>{"<person/3>"});
  CHECK(f.db().Execute(load, {{"source", quipu::Value("hr")}})->facts_inserted == 0);

  // Constant keys and values mix with the row's.
  f.Ok("load csv '" + csv + "' as rows r insert (@('person', r.id))-[:in]->(@hr {kind: 'dept'})");
  CHECK(f.Count("(p)-[:in]->(@hr)") == 3);
}

TEST_CASE("load csv as rows: the mapping is checked against the header before loading",
          "[import][csv][rows]") {
  LoadFixture f;
  f.Ok("insert (@keep {name: \"kept\"})");
  const std::string before = f.RawDump();
  const std::string csv = f.File("people.csv", kPeople);
  const std::string load = "load csv '" + csv + "' as rows r insert ";
  CHECK_THAT(f.Error(load + "(@(r.id) {name: r.nme})"),
             Catch::Matches("error at line 1, column \\d+: no column 'nme' in '.*people\\.csv' "
                            "\\(the columns are id, name, employer, since, salary, home town, "
                            "note\\)\n[\\s\\S]*"));
  CHECK_THAT(f.Error(load + "(@(r.id) {row: r})"),
             Catch::StartsWith("error at line 1, column ") &&
                 Catch::Contains(": the row 'r' is not a value: read a field as r.Column"));
  CHECK_THAT(f.Error(load + "(@(r.id) {name: x.name})"),
             Catch::Contains(": unknown variable 'x' (the row is 'r')"));
  CHECK_THAT(f.Error(load + "(p:Person {name: r.name})"),
             Catch::Contains(": load … as rows needs an entity key for every node: write "
                             "(@(r.column, ...) ...), (@key ...) or (<iri> ...)"));
  CHECK_THAT(f.Error(load + "(@(r.id))-[w:works_for]->(@(r.employer))"),
             Catch::Contains(": load … as rows takes no relationship variables; write "
                             "-[:works_for]->"));
  CHECK_THAT(f.Error(load + "(@(r.id))-[]->(@(r.employer))"),
             Catch::Contains(": a relationship in load … as rows needs a predicate"));
  CHECK_THAT(f.Error(load + "(@(r.id) {n: r.id, n: r.name})"),
             Catch::Contains(": property 'n' is given twice"));
  CHECK_THAT(f.Error(load + "(@(r.id) {n: foo(r.id)})"),
             Catch::Contains(": unknown function 'foo'"));
  CHECK_THAT(f.Error("load csv '" + csv + "' as rows r where r.nope = 1 insert (@(r.id))"),
             Catch::Contains(": no column 'nope' in"));
  CHECK(f.RawDump() == before);
}

TEST_CASE("load csv as rows: a bad row is FILE:LINE, all or nothing, or skipped",
          "[import][csv][rows]") {
  LoadFixture f;
  f.Ok("insert (@keep {name: \"kept\"})");
  const std::string before = f.RawDump();
  const std::string csv = f.File("days.csv",
                                 "id,day\n"
                                 "a,2024-01-01\n"
                                 "b,2024-02-30\n"
                                 "c,2024-03-01\n"
                                 "d,2024-03-02,extra\n");
  const std::string load = "load csv '" + csv + "' as rows r insert (@(r.id) {day: date(r.day)})";
  CHECK_THAT(f.Error(load),
             Catch::Matches("error: .*days\\.csv:3:1: date\\(\\): '2024-02-30' is not a date "
                            "\\(YYYY-MM-DD\\) \\(at line 1, column \\d+ of the statement\\)"));
  CHECK_THAT(
      f.Error("load csv '" + csv + "' as rows r insert (@(r.id) {parts: split(r.day, '-')})"),
      Catch::Matches("error: .*days\\.csv:2:1: a list cannot be stored as a value; store its "
                     "items \\(at line 1, column \\d+ of the statement\\)"));
  CHECK(f.RawDump() == before);

  // Skipped rows write nothing of themselves, not even the facts before the error.
  const quipu::QueryResult r =
      f.Ok("load csv '" + csv +
           "' as rows r insert (@(r.id):Day {id: r.id, day: date(r.day)}) on error skip");
  CHECK(r.facts_inserted == 6);
  CHECK_THAT(r.summary,
             Catch::Matches("loaded 6 facts \\(2 entities\\) from '.*days\\.csv' in .* s; "
                            "skipped 2 bad records:\n"
                            "  .*days\\.csv:3:1: date\\(\\): '2024-02-30' is not a date .*\n"
                            "  .*days\\.csv:5:1: expected 2 fields as in the header, found 3"));
  CHECK(f.Rows("match (d:Day) return d, d.day order by d") ==
        std::vector<std::string>{"@a | 2024-01-01", "@c | 2024-03-01"});
}

TEST_CASE("load csv as rows: empty fields and empty keys are absent", "[import][csv][rows]") {
  LoadFixture f;
  const std::string csv = f.File("gaps.csv",
                                 "from,to,w\n"
                                 "a,b,\n"
                                 "a,,1\n"
                                 "  ,c,2\n");
  const quipu::QueryResult r = f.Ok(
      "load csv '" + csv +
      "' as rows r insert (@(trim(r.from)) {w: r.w, blank: trim(' ')})-[:to {w: r.w}]->(@(r.to))");
  // a -> b (no weight), a with w 1 (no edge: no target), c alone has no
  // facts (its source key is blank text, so the edge is left out too).
  CHECK(r.facts_inserted == 2);
  CHECK(f.Rows("match (x)-[t:to]->(y) return x, y, t.w") ==
        std::vector<std::string>{"@a | @b | null"});
  CHECK(f.Rows("match (@a)-[:w]->(w) return w") == std::vector<std::string>{"1"});
}

TEST_CASE("load csv as rows: a large file takes the bulk path with the same facts",
          "[import][csv][rows]") {
  LoadFixture f;
  std::string text = "id,name,boss\n";
  for (int i = 0; i < 20000; ++i) {
    text += std::to_string(i) + ",Employee number " + std::to_string(i) + " of the company," +
            std::to_string(i / 10) + "\n";
  }
  REQUIRE(text.size() >= (256u << 10));
  const std::string csv = f.File("staff.csv", text);
  const quipu::QueryResult r = f.Ok(
      "load csv '" + csv +
      "' as rows r insert (@('e', r.id):Employee {name: r.name})-[:reports_to]->(@('e', r.boss))");
  CHECK(r.facts_inserted == 60000);
  CHECK(f.Count("(e:Employee)") == 20000);
  CHECK(f.Rows("match (@('e', '12345'))-[:reports_to]->(b) return b, b.name") ==
        std::vector<std::string>{"<e/1234> | Employee number 1234 of the company"});
}
