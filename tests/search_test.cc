// search and ~ over loaded RDF: labels in several languages through rdfs:label,
// skos:prefLabel and skos:altLabel, loaded through the write batch (a small
// file) and through the bulk path (a file over 256 KiB); the index stays
// exact when the same facts are deleted.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/import_util.h"

using quipu::testing::LoadFixture;
using Rows = std::vector<std::string>;

namespace {

constexpr char kLabels[] =
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "<http://ex.org/peru> rdfs:label \"Perú\"@es, \"Peru\"@en ;\n"
    "    skos:altLabel \"República del Perú\"@es .\n"
    "<http://ex.org/lima> skos:prefLabel \"Lima\" ; <http://ex.org/code> \"PERU-LIM\" .\n";

// Enough filler facts to take the bulk path, and labels among them.
std::string BigFile() {
  std::string text;
  for (int i = 0; text.size() < (300u << 10); ++i) {
    text += "<http://ex.org/c" + std::to_string(i) +
            "> <http://www.w3.org/2000/01/rdf-schema#label> \"Compañía " + std::to_string(i) +
            "\"@es .\n";
  }
  return text +
         "<http://ex.org/cusco> <http://www.w3.org/2004/02/skos/core#prefLabel> "
         "\"Cusco\"@qu .\n";
}

}  // namespace

TEST_CASE("search finds RDF labels in any language, loaded either way", "[search][import]") {
  LoadFixture f;
  f.Ok("load '" + f.File("labels.ttl", kLabels) + "'");
  // Two names match exactly; the tie goes to the name that sorts first.
  CHECK(f.Rows("search \"PERU\"") == Rows{"<http://ex.org/peru> | Peru@en | [] | 2"});
  CHECK(f.Rows("search \"republica peru\"") ==
        Rows{"<http://ex.org/peru> | República del Perú@es | [] | 1"});
  CHECK(f.Rows("search \"lima\"") == Rows{"<http://ex.org/lima> | Lima | [] | 2"});
  // The code is not a name: "lim" finds Lima by prefix, not PERU-LIM.
  CHECK(f.Rows("search \"lim\"") == Rows{"<http://ex.org/lima> | Lima | [] | 1"});
  CHECK(f.Rows("match (x)-[:<rdfs:label>]->(l) where l ~ \"PERU\" return l order by l") ==
        Rows{"Peru@en", "Perú@es"});

  f.Ok("load '" + f.File("big.nt", BigFile()) + "'");
  CHECK(f.Rows("search \"cusco\"") == Rows{"<http://ex.org/cusco> | Cusco@qu | [] | 2"});
  CHECK(f.Rows("search \"compania 12\" limit 2") ==
        Rows{"<http://ex.org/c12> | Compañía 12@es | [] | 2",
             "<http://ex.org/c0> | Compañía 0@es | [] | 0.5"});

  // Deleting the entity's facts removes its names from the index.
  f.Ok("delete (<http://ex.org/peru>)");
  CHECK(f.Rows("search \"peru\"").empty());
  CHECK(f.Rows("search \"republica\"").empty());
  CHECK(f.Rows("search \"lima\"") == Rows{"<http://ex.org/lima> | Lima | [] | 2"});
}
