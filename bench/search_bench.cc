// search_bench: search latency over a generated database of N facts
// (N-Triples, deterministic for a seed). Every entity has an rdfs:label
// of two words drawn from a skewed vocabulary (accented words among them)
// and one of six suffixes, every fourth a skos:altLabel, and 8 more facts:
// 6 links and 2 literals. The file is loaded through `load` (the bulk path), then
// each query runs `runs` times warm; the median and the slowest run are
// printed, with the rows returned and the index entries the words hit.
//
//   build/bench/search_bench [facts=1000000] [runs=20] [seed=42]

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"

namespace fs = std::filesystem;

namespace {

// Pseudo-words of two or three syllables; word i is the i-th combination,
// so the vocabulary is the same for every run.
std::string Word(uint64_t i) {
  static const char* kSyllables[] = {"ka",  "lu", "mi", "ra", "to", "pe", "sa", "no", "ri", "ve",
                                     "qui", "tú", "ña", "zo", "bé", "ch", "da", "fo", "gi", "ló"};
  constexpr uint64_t kCount = sizeof(kSyllables) / sizeof(kSyllables[0]);
  std::string w;
  w += kSyllables[i % kCount];
  w += kSyllables[(i / kCount) % kCount];
  if (i >= kCount * kCount) w += kSyllables[(i / (kCount * kCount)) % kCount];
  if (w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w;
}

constexpr uint64_t kVocabulary = 8000;
const char* const kSuffixes[] = {"Holdings", "Group", "Mining", "Energía", "Shipping", "Ltd"};

void Generate(const fs::path& file, uint64_t facts, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  // Skewed: a few words are in many names, most in a handful.
  auto word = [&] { return Word(static_cast<uint64_t>(unit(rng) * unit(rng) * kVocabulary)); };
  const uint64_t entities = std::max<uint64_t>(10, facts / 10);
  std::ofstream out(file);
  for (uint64_t written = 0, e = 0; written < facts; ++e) {
    const std::string s = "<http://b/e" + std::to_string(e) + "> ";
    for (int k = 0; k < 10 && written < facts; ++k) {
      if (k == 0) {
        out << s << "<http://www.w3.org/2000/01/rdf-schema#label> \"" << word() << ' ' << word()
            << ' ' << kSuffixes[e % 6] << "\" .\n";
      } else if (k == 1) {
        if (e % 4 != 0) continue;
        out << s << "<http://www.w3.org/2004/02/skos/core#altLabel> \"" << word() << "\" .\n";
      } else if (k < 8) {
        out << s << "<http://b/p" << k << "> <http://b/e" << (e * 7919 + k * 104729) % entities
            << "> .\n";
      } else {
        out << s << "<http://b/v" << k << "> \"" << (e * 31 + k) << "\" .\n";
      }
      ++written;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const quipu::bench::Args args = quipu::bench::ParseArgs(argc, argv, 20);
  quipu::bench::GeneratedDatabase graph("quipu-search-bench", args, Generate);
  quipu::Database* db = graph.db();
  if (db == nullptr) return 1;
  // Word i is drawn with density -ln(i / kVocabulary): about 3 names hold the
  // rare word and 200 the frequent one; a suffix is in a sixth of all names.
  const std::string rare = Word(kVocabulary * 9 / 10), common = Word(3), name_of_e5 = [&] {
    auto r = db->Execute("match (<http://b/e5>)-[:<rdfs:label>]->(n) return n");
    return r.ok() && !r->rows.empty() ? r->rows[0][0].ToString() : std::string("?");
  }();
  const std::pair<const char*, std::string> kQueries[] = {
      {"rare word", "search \"" + rare + "\""},
      {"exact name", "search \"" + name_of_e5 + "\" limit 10"},
      {"frequent word", "search \"" + common + "\""},
      {"frequent, limit 10", "search \"" + common + "\" limit 10"},
      {"two words", "search \"" + common + " mining\" limit 10"},
      {"prefix (3 chars)", "search \"" + rare.substr(0, 3) + "\" limit 10"},
      {"suffix word", "search \"holdings\" limit 10"},
      {"suffix, all rows", "search \"holdings\""},
      {"~ over labels", "match (e)-[:<rdfs:label>]->(n) where n ~ \"" + rare + "\" return e"},
  };
  std::printf("%-18s %8s %10s %10s  %s\n", "query", "rows", "median ms", "max ms", "text");
  for (const auto& [name, text] : kQueries) {
    const std::optional<quipu::bench::Timing> t = quipu::bench::TimeStatement(db, text, args.runs);
    if (!t) return 1;
    std::printf("%-18s %8zu %10.2f %10.2f  %s\n", name, t->result.rows.size(), t->median(),
                t->ms.back(), text.c_str());
  }
  return 0;
}
