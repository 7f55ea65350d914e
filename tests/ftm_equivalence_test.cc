// The donations twice (../shared/data/ftm, skipped loudly when absent): the
// CSV through the row mapping of docs/language.md (load csv … as rows) and
// the FollowTheMoney JSON lines (load jsonl … format ftm) give the same
// people, organisations, companies, addresses and payments. Only the keys
// differ (FtM hashes them), and the countries, which FtM normalises.
#include "tests/import_util.h"

using quipu::testing::LoadFixture;
using quipu::testing::SharedData;

namespace {

// The mapping of docs/language.md ("CSV rows"), with FILE for the path.
constexpr char kDonationsMapping[] = R"(
load csv 'FILE' as rows r
insert (@('donor', trim(r.Donor)) {name: trim(r.Donor), country: r.Country})
         -[:addressEntity]->
         (@('address', coalesce(trim(r.Street), ''), trim(r.City), r.Country):Address
           {street: trim(r.Street), city: trim(r.City), country: r.Country,
            full: trim(coalesce(r.Street, '') + ', ' + r.City)}),
       (@('party', trim(r.Party)):Organization {name: trim(r.Party)})
         <-[:beneficiary]-
         (@('payment', trim(r.Party), trim(r.Donor), r.DonationDate, r.DonationEUR):Payment
           {amountEur: toFloat(r.DonationEUR), date: date(r.DonationDate)})
         -[:payer]->(@('donor', trim(r.Donor))),
       (@('donor', trim(r.Donor)))
         -[:paid {amountEur: toFloat(r.DonationEUR), date: date(r.DonationDate),
                  source: 'donations'}]->
         (@('party', trim(r.Party)));
load csv 'FILE' as rows r where r.DonorType = 'PERSON'
  insert (@('donor', trim(r.Donor)):Person);
load csv 'FILE' as rows r where r.DonorType = 'ORG'
  insert (@('donor', trim(r.Donor)):Organization);
load csv 'FILE' as rows r where r.DonorType = 'COMPANY'
  insert (@('donor', trim(r.Donor)):Company);
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("donations: the CSV row mapping and the FtM entities give the same graph",
          "[import][data][rows]") {
  const std::string dir = SharedData("ftm");
  if (dir.empty()) return;
  LoadFixture csv, ftm;
  const std::string script = Replace(kDonationsMapping, "FILE", dir + "/donations.csv");
  const quipu::Status s = csv.db().ExecuteScript(script, nullptr);
  INFO(quipu::FormatError(s, script));
  REQUIRE(s.ok());
  ftm.Ok("load jsonl '" + dir + "/donations.ijson' format ftm");

  // One query, the same rows on both databases.
  auto same = [&](const std::string& query, size_t rows) {
    INFO(query);
    const std::vector<std::string> from_csv = csv.Rows(query);
    CHECK(from_csv.size() == rows);
    CHECK(from_csv == ftm.Rows(query));
  };
  same(
      "match (p)-[r:paid]->(b) return p.name, b.name, r.amountEur, r.date, r.source "
      "order by p.name, b.name, r.amountEur, r.date",
      290);
  same(
      "match (x:Payment)-[:payer]->(p), (x)-[:beneficiary]->(b) "
      "return p.name, b.name, x.amountEur, x.date order by p.name, b.name, x.amountEur, x.date",
      290);
  same("match (p:Person) return p.name order by p.name", 22);
  same("match (o:Organization) return o.name order by o.name", 17);
  same("match (c:Company) return c.name order by c.name", 56);
  same("match (x:Payment) return count(*)", 1);
  same(
      "match (d)-[:addressEntity]->(a:Address)-[:full]->(f) "
      "return d.name, a.street, a.city, f order by d.name, a.street, a.city, f",
      120);
  same("match (a:Address) return count(*)", 1);
  CHECK(csv.Rows("match (x:Payment) return count(*)") == std::vector<std::string>{"290"});
  CHECK(csv.Rows("match (a:Address) return count(*)") == std::vector<std::string>{"89"});
  CHECK(csv.Rows("match (p:Person {name: 'Frau Lina Dachner'})-[r:paid]->(b) "
                 "return b.name, r.amountEur, r.date, r.source") ==
        std::vector<std::string>{"MLPD | 100000 | 2011-12-29 | donations"});
}
