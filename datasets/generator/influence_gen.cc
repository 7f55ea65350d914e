// influence_gen: a synthetic influence network of about N facts, the same
// for the same seed, written as CSV (nodes and edges files, annotations as
// columns) and as N-Triples (the triples alone: RDF 1.1 has no place for a
// fact's annotations), so every engine can load the same data (issue 7).
// The as-of query of the comparison needs the validity of `heads` in RDF too:
// heads_reified.nt gives each heads row as an RDF reification (a statement
// node with rdf:subject, rdf:predicate, rdf:object and its since and until
// as xsd:date literals), apart from influence.nt so that the other queries
// run on the plain triples.
//
//   influence_gen [--facts N=1000000] [--seed S=1] [--out DIR=influence]
//
// Entities: countries, agencies, companies, people, assets. Facts: a label
// and a name per entity; `owns` between companies (and from people) with a
// `share`, each company's holders summing to at most 1, mostly from older
// companies (long chains), sometimes two holders of a holder (diamonds) and
// rarely a younger one (cycles); `director_of` and `heads` with `since` and
// `until`; `met` between people on a day; `granted` (agency → company) and
// `invested_in` (company → asset) with an `amount`; `regulates`,
// `based_in`. Every relationship has a `source` and a `confidence`. Ends
// are drawn with a power law, so a few entities are hubs.
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace {

struct Kind {
  const char* label;
  const char* prefix;
  uint64_t count;
};

class Writer {
 public:
  explicit Writer(const std::filesystem::path& dir) : dir_(dir) {
    std::filesystem::create_directories(dir);
    nt_ = Open("influence.nt");
    reified_ = Open("heads_reified.nt");
    nodes_ = Open("nodes.csv");
    std::fputs("id,label,name\n", nodes_);
  }
  ~Writer() {
    for (std::FILE* f : files_) std::fclose(f);
  }

  void Node(const std::string& id, const char* label, const std::string& name) {
    std::fprintf(nodes_, "%s,%s,\"%s\"\n", id.c_str(), label, name.c_str());
    std::fprintf(nt_,
                 "<http://q/%s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://q/%s> "
                 ".\n<http://q/%s> <http://q/name> \"%s\" .\n",
                 id.c_str(), label, id.c_str(), name.c_str());
    facts_ += 2;
  }

  // One relationship: `columns` are the annotation values after source and
  // confidence, in the order of the edge file's header.
  void Edge(const char* predicate, const std::string& from, const std::string& to,
            const std::string& annotations, int source, double confidence) {
    std::FILE* f = EdgeFile(predicate);
    std::fprintf(f, "%s,%s,src%d,%.2f%s\n", from.c_str(), to.c_str(), source, confidence,
                 annotations.c_str());
    std::fprintf(nt_, "<http://q/%s> <http://q/%s> <http://q/%s> .\n", from.c_str(), predicate,
                 to.c_str());
    ++facts_;
    if (!std::strcmp(predicate, "heads")) Reify(predicate, from, to, annotations);
  }

  uint64_t facts() const { return facts_; }

 private:
  // `annotations` is ",since,until", either date possibly empty (open).
  void Reify(const char* predicate, const std::string& from, const std::string& to,
             const std::string& annotations) {
    constexpr const char* kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    const std::string node =
        "<http://q/" + std::string(predicate) + "/" + std::to_string(reified_count_++) + ">";
    std::fprintf(reified_,
                 "%s <%ssubject> <http://q/%s> .\n%s <%spredicate> <http://q/%s> .\n"
                 "%s <%sobject> <http://q/%s> .\n",
                 node.c_str(), kRdf, from.c_str(), node.c_str(), kRdf, predicate, node.c_str(),
                 kRdf, to.c_str());
    const size_t comma = annotations.find(',', 1);
    const std::string since = annotations.substr(1, comma - 1);
    const std::string until = annotations.substr(comma + 1);
    for (const auto& [key, day] : {std::pair{"since", since}, std::pair{"until", until}}) {
      if (day.empty()) continue;
      std::fprintf(reified_, "%s <http://q/%s> \"%s\"^^<http://www.w3.org/2001/XMLSchema#date> .\n",
                   node.c_str(), key, day.c_str());
    }
  }

  std::FILE* Open(const std::string& name) {
    std::FILE* f = std::fopen((dir_ / name).c_str(), "w");
    if (f == nullptr) {
      std::fprintf(stderr, "influence_gen: cannot write %s: %s\n", (dir_ / name).c_str(),
                   std::strerror(errno));
      std::exit(1);
    }
    files_.push_back(f);
    return f;
  }

  std::FILE* EdgeFile(const char* predicate) {
    for (auto& [name, file] : edges_) {
      if (name == predicate) return file;
    }
    std::FILE* f = Open(std::string(predicate) + ".csv");
    std::string header = "from,to,source,confidence";
    if (!std::strcmp(predicate, "owns")) header += ",share";
    if (!std::strcmp(predicate, "director_of") || !std::strcmp(predicate, "heads")) {
      header += ",since,until";
    }
    if (!std::strcmp(predicate, "met")) header += ",since,until";
    if (!std::strcmp(predicate, "granted") || !std::strcmp(predicate, "invested_in")) {
      header += ",amount";
    }
    std::fprintf(f, "%s\n", header.c_str());
    edges_.emplace_back(predicate, f);
    return f;
  }

  std::filesystem::path dir_;
  std::vector<std::FILE*> files_;
  std::FILE* nt_ = nullptr;
  std::FILE* nodes_ = nullptr;
  std::FILE* reified_ = nullptr;
  uint64_t reified_count_ = 0;
  std::vector<std::pair<std::string, std::FILE*>> edges_;
  uint64_t facts_ = 0;
};

std::string Day(int64_t days_since_2000) {
  // Civil date from days since 2000-01-01 (Howard Hinnant's algorithm).
  int64_t z = days_since_2000 + 10957 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  char out[48];
  std::snprintf(out, sizeof out, "%04" PRId64 "-%02" PRId64 "-%02" PRId64, y, m, d);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t facts = 1000000;
  uint32_t seed = 1;
  std::string out = "influence";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--facts") {
      facts = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--seed") {
      seed = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
    } else if (flag == "--out") {
      out = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: influence_gen [--facts N] [--seed S] [--out DIR]\n");
      return 2;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: influence_gen [--facts N] [--seed S] [--out DIR]\n");
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  // About 2 facts per entity for labels and names, the rest relationships.
  const uint64_t entities = std::max<uint64_t>(50, facts / 8);
  const Kind kinds[] = {{"Country", "country", 20},
                        {"Agency", "agency", std::max<uint64_t>(5, entities / 100)},
                        {"Company", "company", std::max<uint64_t>(10, entities * 45 / 100)},
                        {"Person", "person", std::max<uint64_t>(10, entities * 40 / 100)},
                        {"Asset", "asset", std::max<uint64_t>(5, entities / 8)}};
  Writer w{std::filesystem::path(out)};
  for (const Kind& k : kinds) {
    for (uint64_t i = 0; i < k.count; ++i) {
      w.Node(std::string(k.prefix) + std::to_string(i), k.label,
             std::string(k.label) + " " + std::to_string(i));
    }
  }
  const Kind &countries = kinds[0], &agencies = kinds[1], &companies = kinds[2], &people = kinds[3],
             &assets = kinds[4];
  // A power law: low numbers (the hubs) far more often.
  auto pick = [&](const Kind& k) {
    const double u = unit(rng);
    return std::string(k.prefix) + std::to_string(static_cast<uint64_t>(u * u * u * k.count));
  };
  auto any = [&](const Kind& k) { return std::string(k.prefix) + std::to_string(rng() % k.count); };
  auto source = [&] { return static_cast<int>(rng() % 50); };
  auto confidence = [&] { return 0.5 + 0.5 * unit(rng); };
  // What is still unheld of each company, so its holders sum to at most 1.
  std::vector<double> unheld(companies.count, 1.0);
  while (w.facts() < facts) {
    const uint64_t kind = rng() % 100;
    if (kind < 40) {  // owns: mostly an older company holds a younger one
      const uint64_t held = 1 + rng() % (companies.count - 1);
      const double share = std::round(unheld[held] * (0.2 + 0.6 * unit(rng)) * 1000) / 1000;
      if (share < 0.001) continue;
      unheld[held] -= share;
      std::string holder;
      if (rng() % 10 == 0) {
        holder = any(people);
      } else if (rng() % 100 == 0) {
        holder = any(companies);  // now and then a younger one: cycles
      } else {
        holder = "company" + std::to_string(static_cast<uint64_t>(unit(rng) * held));
      }
      char annotation[32];
      std::snprintf(annotation, sizeof annotation, ",%.3f", share);
      w.Edge("owns", holder, "company" + std::to_string(held), annotation, source(), confidence());
    } else if (kind < 55) {
      const int64_t since = static_cast<int64_t>(rng() % 9000);
      const std::string until = rng() % 3 == 0 ? "" : Day(since + 30 + rng() % 3000);
      w.Edge("director_of", any(people), pick(companies), "," + Day(since) + "," + until, source(),
             confidence());
    } else if (kind < 58) {
      const int64_t since = static_cast<int64_t>(rng() % 9000);
      const std::string until = rng() % 2 == 0 ? "" : Day(since + 200 + rng() % 2000);
      w.Edge("heads", any(people), any(agencies), "," + Day(since) + "," + until, source(),
             confidence());
    } else if (kind < 80) {
      const std::string day = Day(static_cast<int64_t>(rng() % 9000));
      w.Edge("met", pick(people), any(people), "," + day + "," + day, source(), confidence());
    } else if (kind < 85) {
      w.Edge("granted", pick(agencies), pick(companies),
             "," + std::to_string(1000 * (1 + rng() % 100000)), source(), confidence());
    } else if (kind < 92) {
      w.Edge("invested_in", pick(companies), any(assets),
             "," + std::to_string(1000 * (1 + rng() % 100000)), source(), confidence());
    } else if (kind < 95) {
      w.Edge("regulates", any(agencies), pick(assets), "", source(), confidence());
    } else {
      w.Edge("based_in", any(companies), pick(countries), "", source(), confidence());
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("wrote %" PRIu64 " facts (%" PRIu64 " entities) to %s in %.1f s\n", w.facts(),
              countries.count + agencies.count + companies.count + people.count + assets.count,
              out.c_str(), seconds);
  return 0;
}
