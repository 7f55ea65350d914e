// load csv (nodes and edges) and load jsonl … format ftm on small files
// written here; the real datasets are in import_data_test.cc.
#include "tests/import_util.h"

using quipu::testing::LoadFixture;

TEST_CASE("load csv as nodes: keys, labels, typed and inferred properties", "[import][csv]") {
  LoadFixture f;
  const std::string csv = f.File(
      "companies.csv",
      "\xEF\xBB\xBFid,name,founded:int,capital,listed,since,zip,note:string,\"odd, name\"\r\n"
      "cosco,\"COSCO \"\"Shipping\"\"\",1961,1.5e9,true,2016-02-18,01234,42,x\r\n"
      "enel,\"Enel\nS.p.A.\",1962,,FALSE,2024-06-20T10:00:00Z,,,\r\n"
      "\r\n");
  const quipu::QueryResult r = f.Ok("load csv '" + csv + "' as nodes Company key id");
  CHECK(r.facts_inserted == 14);
  CHECK(f.Rows("match (c:Company) return c, c.name, c.founded, c.capital, c.listed, c.since, "
               "c.zip, c.note order by c") ==
        std::vector<std::string>{
            "@cosco | COSCO \"Shipping\" | 1961 | 1500000000 | true | 2016-02-18 | 01234 | 42",
            "@enel | Enel\nS.p.A. | 1962 | null | false | 2024-06-20T10:00:00Z | null | null"});
  const auto note = f.Ok("match (c {note: \"42\"}) return c.note").rows;
  CHECK(note.size() == 1);  // the string hint kept "42" a string
  CHECK(f.Rows("match (@cosco)-[p]->(v) where v = \"x\" return p") ==
        std::vector<std::string>{"<odd, name>"});
}

TEST_CASE("a node load that gives entities a second label warns, once", "[import][csv]") {
  LoadFixture f;
  const std::string companies = f.File("companies.csv", "id,name\n1,Acme\n2,Beta\n3,Gamma\n");
  const std::string media = f.File("media.csv", "id,name\n2,Radio Two\n3,TV Three\n9,Nine\n");
  CHECK(f.Ok("load csv '" + companies + "' as nodes Company key id").warnings.empty());
  const std::string warning =
      "2 of the 3 Media nodes were already entities with another label, such as <2> (Company): "
      "each is now one entity with both labels; if the keys mean different things, load them "
      "with distinct keys (docs/language.md, \"Keys that collide\")";
  CHECK(f.Ok("load csv '" + media + "' as nodes Media key id").warnings ==
        std::vector<std::string>{warning});
  CHECK(f.Count("(x:Company:Media)") == 2);
  // Loaded again, the nodes already have the label: nothing new to say.
  CHECK(f.Ok("load csv '" + media + "' as nodes Media key id").warnings.empty());
  CHECK(f.Ok("load csv '" + companies + "' as nodes Company key id").warnings.empty());
  // An entity met only as an edge's end has no label to collide with.
  const std::string edges = f.File("edges.csv", "a,b\n7,8\n");
  f.Ok("load csv '" + edges + "' as edges owns from a to b");
  CHECK(f.Ok("load csv '" + f.File("seven.csv", "id\n7\n") + "' as nodes Person key id")
            .warnings.empty());
  // The computed keys of a row mapping keep the kinds apart.
  CHECK(f.Ok("load csv '" + media + "' as rows r insert (@('media', r.id):Outlet {name: r.name})")
            .warnings.empty());
  CHECK(f.Count("(x:Company:Outlet)") == 0);

  // A large file takes the bulk path (SST files): the same check.
  std::string big = "id,name\n";
  for (int i = 0; i < 20000; ++i)
    big += std::to_string(i) + ",name number " + std::to_string(i) + "\n";
  const std::string big_file = f.File("big.csv", big);
  REQUIRE(big.size() >= 256 * 1024);
  CHECK(f.Ok("load csv '" + big_file + "' as nodes Thing key id").warnings ==
        std::vector<std::string>{
            "5 of the 20000 Thing nodes were already entities with another label, such as <1> "
            "(Company): each is now one entity with both labels; if the keys mean different "
            "things, load them with distinct keys (docs/language.md, \"Keys that collide\")"});
}

TEST_CASE("load csv type hints: decimal is exact, float and double are doubles", "[import][csv]") {
  LoadFixture f;
  const std::string csv = f.File("payments.csv",
                                 "id,amount:decimal,rate:float,fee:double\n"
                                 "p1,1000000.10,0.1,2\n"
                                 "p2,0.20,0.2,3.5\n");
  f.Ok("load csv '" + csv + "' as nodes Payment key id");
  CHECK(f.Rows("match (p:Payment) return sum(p.amount), sum(p.rate), sum(p.fee)") ==
        std::vector<std::string>{"1000000.3 | 0.30000000000000004 | 5.5"});
  const auto amounts = f.Ok("match (p:Payment) return p.amount order by p").rows;
  REQUIRE(amounts.size() == 2);
  CHECK(amounts[0][0].type() == quipu::Value::Type::kDecimal);
  CHECK(amounts[0][0].ToString() == "1000000.1");
  const std::string bad = f.File("bad_amount.csv", "id,amount:decimal\np3,12.3.4\n");
  CHECK_THAT(f.Error("load csv '" + bad + "' as nodes Payment key id"),
             Catch::Matches("error: .*bad_amount\\.csv:2:1: '12\\.3\\.4' in column 'amount' is "
                            "not a decimal \\(at most 18 significant digits and 18 places\\)"));
}

TEST_CASE("load csv as edges: other columns annotate the facts", "[import][csv]") {
  LoadFixture f;
  const std::string csv = f.File("shares.csv",
                                 "owner,company,share,since,source\n"
                                 "csg,lima_power,0.8315,2024-06-21,reuters\n"
                                 "enel,lima_power,0.8315,,\n");
  CHECK(f.Ok("load csv '" + csv + "' as edges owns from owner to company").facts_inserted == 2);
  CHECK(f.Rows("match (a)-[o:owns]->(@lima_power) return a, o.share, o.since, o.source order "
               "by a") == std::vector<std::string>{"@csg | 0.8315 | 2024-06-21 | reuters",
                                                   "@enel | 0.8315 | null | null"});
  const std::string quoted = f.File("q.csv", "\"the owner\",to\nx,y\n");
  f.Ok("load csv '" + quoted + "' as edges <http://ex.org/p> from \"the owner\" to to");
  CHECK(f.Count("(@x)-[:<http://ex.org/p>]->(@y)") == 1);
}

TEST_CASE("CSV errors name the file, line and what is wrong", "[import][csv]") {
  LoadFixture f;
  f.Ok("insert (@keep {name: \"kept\"})");
  const std::string before = f.RawDump();
  const std::string csv = f.File("bad.csv", "id,n:int\na,1\nb,x\nc,2,3\n\"d,4\n");
  CHECK_THAT(f.Error("load csv '" + csv + "' as nodes T key id"),
             Catch::Matches("error: .*bad\\.csv:3:1: 'x' in column 'n' is not an integer"));
  CHECK_THAT(f.Error("load csv '" + csv + "' as nodes T key nope"),
             Catch::Matches("error: cannot load '.*bad\\.csv': no column 'nope' in the header "
                            "\\(the columns are id, n\\)"));
  CHECK(f.RawDump() == before);
  const std::string after_quote = f.File("aq.csv", "id,n\n\"a\"b,1\n");
  CHECK_THAT(f.Error("load csv '" + after_quote + "' as nodes T key id"),
             Catch::Matches("error: .*aq\\.csv:2:4: expected ',' or the end of the line after a "
                            "closing quote"));
  const std::string no_key = f.File("nokey.csv", "id,n\n,1\n");
  CHECK_THAT(f.Error("load csv '" + no_key + "' as nodes T key id"),
             Catch::Matches("error: .*nokey\\.csv:2:1: the key column 'id' is empty"));
  const std::string no_end = f.File("noend.csv", "a,b\nx,\n");
  CHECK_THAT(f.Error("load csv '" + no_end + "' as edges p from a to b"),
             Catch::Matches("error: .*noend\\.csv:2:1: the column 'b' is empty"));
  CHECK_THAT(
      f.Error("load csv '" + f.File("nostart.csv", "a,b\n,y\n") + "' as edges p from a to b"),
      Catch::Matches("error: .*nostart\\.csv:2:1: the column 'a' is empty"));
  const std::string twice = f.File("twice.csv", "id,n,n\na,1,2\n");
  CHECK_THAT(f.Error("load csv '" + twice + "' as nodes T key id"),
             Catch::Matches("error: cannot load '.*twice\\.csv': the column 'n' appears twice in "
                            "the header"));
  const std::string latin1 = f.File("latin1.csv", "id,n\na,caf\xE9\n");
  CHECK_THAT(f.Error("load csv '" + latin1 + "' as nodes T key id"),
             Catch::Matches("error: .*latin1\\.csv:2:\\d+: the field is not valid UTF-8"));
  // As the language refuses "\u0000" in text.
  const std::string nul =
      f.File("nul.csv", std::string("id,n\na,x") + std::string(1, '\0') + "y\n");
  CHECK_THAT(f.Error("load csv '" + nul + "' as nodes T key id"),
             Catch::Matches("error: .*nul\\.csv:2:\\d+: the field holds a NUL byte: text cannot "
                            "contain NUL bytes"));
  const std::string blank = f.File("blank.csv", "\n\n");
  CHECK_THAT(f.Error("load csv '" + blank + "' as nodes T key id"),
             Catch::Matches("error: cannot load '.*blank\\.csv': the file is empty"));
  CHECK(f.RawDump() == before);
  const quipu::QueryResult r = f.Ok("load csv '" + csv + "' as nodes T key id on error skip");
  CHECK(r.facts_inserted == 2);
  CHECK_THAT(r.summary,
             Catch::Matches(".*skipped 3 bad records:\n"
                            "  .*bad\\.csv:3:1: 'x' in column 'n' is not an integer\n"
                            "  .*bad\\.csv:4:1: expected 2 fields as in the header, found 3\n"
                            "  .*bad\\.csv:5:1: a quoted field is not closed before the end of "
                            "the file"));
}

TEST_CASE("load jsonl format ftm: entities, properties and interval edges", "[import][ftm]") {
  LoadFixture f;
  const std::string json = f.File(
      "case.ftm.json",
      R"({"id": "p1", "schema": "Person", "properties": {"name": ["Ann Li"], "birthDate": ["1970-01-02"]}, "datasets": ["ds_a"]})"
      "\n"
      R"({"id": "c1", "schema": "Company", "properties": {"name": ["Acme"], "addressEntity": ["adr1"]}})"
      "\n\n"
      R"({"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["51.5"], "startDate": ["2020-01-01"], "endDate": ["2021"]}, "datasets": ["ds_a", "ds_b"]})"
      "\n");
  const quipu::QueryResult r = f.Ok("load jsonl '" + json + "' format ftm");
  CHECK(f.Rows("match (p:Person) return p, p.name, p.birthDate") ==
        std::vector<std::string>{"@p1 | Ann Li | 1970-01-02"});
  CHECK(f.Rows("match (@c1)-[:addressEntity]->(a) return a") == std::vector<std::string>{"@adr1"});
  // The Ownership's percentage is the holding's share, a fraction.
  CHECK(f.Rows("match (a)-[o:owns]->(b) return a, b, o.share, o.percentage, o.startDate, "
               "o.endDate, o.source order by o.source") ==
        std::vector<std::string>{"@p1 | @c1 | 0.515 | null | 2020-01-01 | 2021 | ds_a",
                                 "@p1 | @c1 | 0.515 | null | 2020-01-01 | 2021 | ds_b"});
  CHECK(f.Rows("return ownership(@p1, @c1)") == std::vector<std::string>{"0.515"});
  CHECK(r.warnings.empty());
  CHECK(f.Rows("match (o:Ownership) return o.owner, o.percentage") ==
        std::vector<std::string>{"@p1 | 51.5"});
  CHECK(r.facts_inserted == 14);

  const std::string bad = f.File("bad.json",
                                 "{\"id\": \"x\", \"schema\": \"Person\"}\n{oops\n"
                                 "{\"schema\": \"Person\"}\n");
  CHECK_THAT(f.Error("load jsonl '" + bad + "' format ftm"),
             Catch::Matches("error: .*bad\\.json:2:1: invalid JSON: .*"));
  const quipu::QueryResult skipped = f.Ok("load jsonl '" + bad + "' format ftm on error skip");
  CHECK(skipped.facts_inserted == 1);
  CHECK_THAT(skipped.summary,
             Catch::Matches(".*skipped 2 bad records:\n  .*bad\\.json:2:1: invalid JSON: .*\n"
                            "  .*bad\\.json:3:1: an entity needs a string \"id\" and \"schema\""));
  const std::string not_list =
      f.File("nl.json", R"({"id": "x", "schema": "Person", "properties": {"name": "Ann"}})");
  CHECK_THAT(f.Error("load jsonl '" + not_list + "' format ftm"),
             Catch::Matches("error: .*nl\\.json:1:1: property 'name' is not a list"));
}

TEST_CASE("an FtM Ownership without a numeric percentage is a holding without a share",
          "[import][ftm][ownership]") {
  LoadFixture f;
  const std::string json = f.File(
      "holdings.ftm.json",
      R"({"id": "o1", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["c"], "percentage": ["60"]}})"
      "\n"
      R"({"id": "o2", "schema": "Ownership", "properties": {"owner": ["b"], "asset": ["c"]}})"
      "\n"
      R"({"id": "o3", "schema": "Ownership", "properties": {"owner": ["b"], "asset": ["d"], "percentage": ["25-50"]}})"
      "\n");
  const quipu::QueryResult r = f.Ok("load jsonl '" + json + "' format ftm");
  CHECK(r.warnings == std::vector<std::string>{
                          "2 holdings have no share (no number in the 'percentage' of the FtM "
                          "Ownership): they stay facts but add nothing to ownership()"});
  CHECK(f.Rows("match (x)-[o:owns]->(y) return x, y, o.share, o.percentage order by x, y") ==
        std::vector<std::string>{"@a | @c | 0.6 | null", "@b | @c | null | null",
                                 "@b | @d | null | 25-50"});
  CHECK(f.Rows("call controllers(@c)") == std::vector<std::string>{"@a | 0.6 | true"});
}
