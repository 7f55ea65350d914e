#include "tests/crash_workload.h"

#include <fstream>
#include <iostream>
#include <stdexcept>
#include <utility>

namespace quipu::testing {

namespace {

using Kind = CrashKind;

constexpr int kSmallLoadLines = 40;
constexpr int kBulkLoadLines = 2600;  // over 256 KiB, so the bulk path runs
constexpr int kInsertFacts = 5;

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int LoadLines(Kind kind) { return kind == Kind::kSmallLoad ? kSmallLoadLines : kBulkLoadLines; }

// The N-Triples file of load k: its own predicate on every line, and a
// schema.org name (a name fact, so the name index is written) every tenth.
std::string LoadFile(const std::string& dir, Kind kind, uint64_t k) {
  const std::string path = dir + "/load" + std::to_string(k) + ".nt";
  std::ofstream out(path, std::ios::trunc);
  for (int i = 0; i < LoadLines(kind); ++i) {
    out << "<http://ex.org/k" << k << "/e" << i << "> <http://ex.org/p" << k << "> \"value " << i
        << " of load " << k << ", padded to make the file long enough for the bulk path\" .\n";
    if (i % 10 == 0) {
      out << "<http://ex.org/k" << k << "/e" << i << "> <http://schema.org/name> \"entity " << i
          << " of load " << k << "\" .\n";
    }
  }
  return path;
}

int NameLines(Kind kind) { return (LoadLines(kind) + 9) / 10; }

class Verifier {
 public:
  Verifier(Database* db, uint64_t workload) : db_(db), workload_(workload) {}

  int64_t Count(const std::string& statement) {
    auto r = db_->Execute(statement);
    if (!r.ok()) throw std::runtime_error(statement + ": " + r.status().message());
    return r->rows.at(0).at(0).as_int();
  }

  // How many facts of statement k the database holds, and how many it has
  // when the statement is whole. A delete counts the fact it removes, held
  // when the statement did not run.
  std::pair<int64_t, int64_t> Held(uint64_t k) {
    const std::string n = std::to_string(k);
    switch (KindOf(workload_, k)) {
      case Kind::kInsert:
        return {Count("match (@s" + n + ")-[p]->(y) return count(*)") + TmpHeld(k), kInsertFacts};
      case Kind::kDelete:
        return {0, 0};  // seen through the fact of t(k-1): see Present
      case Kind::kSmallLoad:
      case Kind::kBulkLoad: {
        const Kind kind = KindOf(workload_, k);
        return {Count("match (x)-[:<http://ex.org/p" + n + ">]->(y) return count(*)") +
                    Count("match (x)-[:<http://ex.org/p" + n +
                          ">]->(v), (x)-[:<http://schema.org/name>]->(y) return count(*)"),
                LoadLines(kind) + NameLines(kind)};
      }
    }
    return {0, 0};
  }

  int64_t TmpHeld(uint64_t k) {
    return Count("match (@t" + std::to_string(k) + ")-[p]->(y) return count(*)");
  }

  // Facts the statements 1..n leave, given those of 1..n-1.
  int64_t Delta(uint64_t k) {
    switch (KindOf(workload_, k)) {
      case Kind::kInsert:
        return kInsertFacts;
      case Kind::kDelete:
        return KindOf(workload_, k - 1) == Kind::kInsert ? -1 : 0;
      case Kind::kSmallLoad:
      case Kind::kBulkLoad:
        return LoadLines(KindOf(workload_, k)) + NameLines(KindOf(workload_, k));
    }
    return 0;
  }

  // Whether statement k (k >= 1) is in the database, whole; throws on a torn one.
  bool Present(uint64_t k) {
    const Kind kind = KindOf(workload_, k);
    if (kind == Kind::kDelete) {
      if (KindOf(workload_, k - 1) != Kind::kInsert) return true;  // nothing to tell; see total
      return TmpHeld(k - 1) == 0;
    }
    auto [held, whole] = Held(k);
    if (kind == Kind::kInsert && held == whole - 1 && KindOf(workload_, k + 1) == Kind::kDelete) {
      held += 1 - TmpHeld(k);  // the next statement deleted its tmp fact
    }
    if (held != 0 && held != whole) {
      throw std::runtime_error("statement " + std::to_string(k) +
                               " is torn: " + std::to_string(held) + " of its " +
                               std::to_string(whole) + " facts are there");
    }
    return held == whole;
  }

 private:
  Database* db_;
  uint64_t workload_;
};

}  // namespace

Kind KindOf(uint64_t workload, uint64_t k) {
  if (k == 1) return Kind::kInsert;
  const uint64_t r = Mix(workload ^ (k * 0x9e3779b97f4a7c15ULL)) % 100;
  // A bulk load takes some 300 ms here (it syncs about ten files), an insert
  // well under 1 ms: a few bulk loads keep most kills out of them.
  if (r < 78) return Kind::kInsert;
  if (r < 88) return Kind::kDelete;
  if (r < 96) return Kind::kSmallLoad;
  return Kind::kBulkLoad;
}

std::string CrashStatement(uint64_t workload, uint64_t k, const std::string& dir) {
  const std::string n = std::to_string(k);
  switch (KindOf(workload, k)) {
    case Kind::kInsert:
      return "insert (@s" + n + ":Stmt {name: \"statement " + n + "\", p" + n + ": " + n +
             "})-[:p" + n + " {at: " + n + ", source: \"crash\"}]->(@s" + std::to_string(k - 1) +
             "), (@t" + n + " {tmp: " + n + "})";
    case Kind::kDelete:
      return "delete (@t" + std::to_string(k - 1) + ")";
    case Kind::kSmallLoad:
    case Kind::kBulkLoad:
      return "load '" + LoadFile(dir, KindOf(workload, k), k) + "'";
  }
  return "";
}

CrashPrefix VerifyCrashPrefix(Database* db, uint64_t workload, CrashPrefix known, uint64_t acked,
                              const std::string& where) {
  Verifier verify(db, workload);
  // Everything acknowledged is there, and at most one statement more.
  uint64_t n = known.n;
  for (uint64_t k = known.n + 1; k <= acked + 1; ++k) {
    // A delete shows only through the fact its insert made: after a missing
    // statement it cannot be told from one that did not run.
    if (KindOf(workload, k) == Kind::kDelete && n != k - 1) continue;
    const bool present = verify.Present(k);
    if (present && n != k - 1) {
      throw std::runtime_error("statement " + std::to_string(k) + " is there but " +
                               std::to_string(n + 1) + " is not");
    }
    if (present) n = k;
  }
  if (n < acked) {
    throw std::runtime_error("statement " + std::to_string(n + 1) +
                             " was acknowledged but is not there");
  }
  int64_t facts = known.facts;
  for (uint64_t k = known.n + 1; k <= n; ++k) facts += verify.Delta(k);
  auto report = db->Check();
  if (!report.ok()) throw std::runtime_error("check failed: " + report.status().message());
  for (const std::string& p : report->problems) std::cout << where << "problem: " << p << "\n";
  if (!report->ok()) throw std::runtime_error("the check found problems");
  if (static_cast<int64_t>(report->facts) != facts) {
    throw std::runtime_error("the database holds " + std::to_string(report->facts) +
                             " facts; statements 1.." + std::to_string(n) + " make " +
                             std::to_string(facts));
  }
  return CrashPrefix{n, facts};
}

}  // namespace quipu::testing
