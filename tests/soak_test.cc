// The concurrency soak (issue 23): one writer and several reader threads on
// one Database for a bounded time, each reader checking, on every statement,
// invariants the writer's statements keep:
//   - a count read after the writer acknowledged n items is at least n, and
//     at most the items the writer had started when it ended; the counts a
//     reader reads in order never go backwards;
//   - one statement sees one snapshot: the items it counts are exactly
//     1..count (their numbers' maximum and sum agree with the count), a
//     load's 20 facts are all there or none;
//   - holdings of @corp sum to at most 1, exactly 1 − 2⁻ᵏ for its k holders,
//     and @top's integrated ownership of it is at most 1 and never falls.
// QUIPU_SOAK_SECONDS sets the time (default 3, so the suite stays fast; CI
// may give 60), QUIPU_SOAK_SEED the seed of the writer's and readers'
// choices; both are printed. Run under ThreadSanitizer in CI (label
// `threads`).
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "quipu/database.h"
#include "tests/test_util.h"

namespace {

using quipu::Database;
using quipu::Value;

constexpr int kReaders = 3;
constexpr int kHolders = 12;    // shares 2⁻¹ … 2⁻¹²: exact in a few digits
constexpr int kLoadLines = 20;  // facts of one load

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

double AsNumber(const Value& v) { return v.is_null() ? 0 : v.as_number(); }

// 2⁻ⁱ written out whole (12 decimals hold it for i ≤ kHolders).
std::string Share(int i) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12f", std::ldexp(1.0, -i));
  return text;
}

// The first invariant broken, from any thread (Catch's macros are not
// thread-safe); the threads stop at the first.
class Failures {
 public:
  void Add(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_.empty()) first_ = what;
    failed_ = true;
  }
  bool failed() const { return failed_.load(); }
  std::string first() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_;
  }

 private:
  mutable std::mutex mutex_;
  std::string first_;
  std::atomic<bool> failed_{false};
};

struct Shared {
  Database* db = nullptr;
  std::chrono::steady_clock::time_point deadline;
  std::atomic<int64_t> items_started{0}, items_acked{0};
  std::atomic<int64_t> writes{0}, reads{0};
  Failures failures;
};

// One reader: the statements in a random order, each result checked.
void Read(Shared* shared, uint64_t seed) {
  std::mt19937_64 random(seed);
  auto items = shared->db->Prepare("match (x:Item) return count(x), max(x.n), sum(x.n);");
  if (!items.ok()) return shared->failures.Add("prepare: " + items.status().message());
  int64_t last_items = 0, last_edges = 0, last_holders = 0, last_loaded = 0;
  double last_ownership = 0;
  while (std::chrono::steady_clock::now() < shared->deadline && !shared->failures.failed()) {
    const int64_t acked = shared->items_acked.load();
    auto fail = [&](const std::string& what) { shared->failures.Add(what); };
    switch (random() % 5) {
      case 0: {  // the items: 1..count in one snapshot, between acked and started
        auto r = (*items)->Execute();
        if (!r.ok()) return fail("items: " + r.status().message());
        const int64_t c = r->rows.at(0).at(0).as_int();
        const int64_t started = shared->items_started.load();
        const double max = AsNumber(r->rows[0][1]), sum = AsNumber(r->rows[0][2]);
        if (c < acked || c > started || c < last_items || max != static_cast<double>(c) ||
            sum != static_cast<double>(c * (c + 1) / 2)) {
          return fail("items: count " + std::to_string(c) + ", max " + std::to_string(max) +
                      ", sum " + std::to_string(sum) + "; acked " + std::to_string(acked) +
                      ", started " + std::to_string(started) + ", last read " +
                      std::to_string(last_items));
        }
        last_items = c;
        break;
      }
      case 1: {  // the links between items: one per item after the first
        auto r = shared->db->Execute("match (x:Item)-[:after]->(y:Item) return count(*);");
        if (!r.ok()) return fail("links: " + r.status().message());
        const int64_t c = r->rows.at(0).at(0).as_int();
        if (c < acked - 1 || c < last_edges) {
          return fail("links: " + std::to_string(c) + " after " + std::to_string(last_edges) +
                      ", acked items " + std::to_string(acked));
        }
        last_edges = c;
        break;
      }
      case 2: {  // the holdings of @corp: k holders with 2⁻¹ … 2⁻ᵏ
        auto r = shared->db->Execute("match (h)-[r:owns]->(@corp) return count(r), sum(r.share);");
        if (!r.ok()) return fail("holdings: " + r.status().message());
        const int64_t k = r->rows.at(0).at(0).as_int();
        const double sum = AsNumber(r->rows[0][1]);
        if (k < last_holders || sum > 1 || std::abs(sum - (1 - std::ldexp(1.0, -k))) > 1e-12) {
          return fail("holdings: " + std::to_string(k) + " holders sum to " + std::to_string(sum));
        }
        last_holders = k;
        break;
      }
      case 3: {  // @top holds every holder wholly: it owns what they hold
        auto r = shared->db->Execute("return ownership(@top, @corp);");
        if (!r.ok()) return fail("ownership: " + r.status().message());
        const double owned = AsNumber(r->rows.at(0).at(0));
        if (owned > 1 + 1e-12 || owned < last_ownership - 1e-12) {
          return fail("ownership: " + std::to_string(owned) + " after " +
                      std::to_string(last_ownership));
        }
        last_ownership = owned;
        break;
      }
      default: {  // loads: whole
        auto r = shared->db->Execute("match (s)-[:<urn:soak/p>]->(o) return count(*);");
        if (!r.ok()) return fail("loads: " + r.status().message());
        const int64_t c = r->rows.at(0).at(0).as_int();
        if (c % kLoadLines != 0 || c < last_loaded) {
          return fail("loads: " + std::to_string(c) + " facts after " +
                      std::to_string(last_loaded));
        }
        last_loaded = c;
      }
    }
    ++shared->reads;
  }
}

// The writer: items one by one, now and then a holder of @corp or a load.
void Write(Shared* shared, uint64_t seed, const std::string& files) {
  std::mt19937_64 random(seed);
  int holders = 0, loads = 0;
  for (int64_t k = 1;
       std::chrono::steady_clock::now() < shared->deadline && !shared->failures.failed(); ++k) {
    shared->items_started = k;
    const std::string n = std::to_string(k);
    auto r = shared->db->Execute("insert (@item" + n + ":Item {n: " + n + "})-[:after]->(@item" +
                                 std::to_string(k - 1) + ");");
    if (!r.ok()) return shared->failures.Add("insert: " + r.status().message());
    shared->items_acked = k;
    ++shared->writes;
    const uint64_t dice = random() % 8;
    if (dice == 0 && holders < kHolders) {
      ++holders;
      const std::string h = std::to_string(holders);
      r = shared->db->Execute("insert (@top)-[:owns {share: 1.0}]->(@h" + h +
                              ")-[:owns {share: " + Share(holders) + "}]->(@corp);");
    } else if (dice == 1) {
      const std::string path = files + "/load" + std::to_string(++loads) + ".nt";
      {
        std::ofstream out(path);
        for (int i = 0; i < kLoadLines; ++i) {
          out << "<urn:soak/" << loads << "/" << i << "> <urn:soak/p> \"" << i << "\" .\n";
        }
      }
      r = shared->db->Execute("load '" + path + "';");
    } else {
      continue;
    }
    if (!r.ok()) return shared->failures.Add("write: " + r.status().message());
    ++shared->writes;
  }
}

}  // namespace

TEST_CASE("soak: one writer and readers on threads keep every invariant", "[soak][threads]") {
  const uint64_t seconds = EnvNumber("QUIPU_SOAK_SECONDS", 3);
  const uint64_t seed = EnvNumber("QUIPU_SOAK_SEED", std::random_device()());
  quipu::testing::TempDir dir("soak");
  auto opened = Database::Open(dir.path() + "/db");
  REQUIRE(opened.ok());
  std::filesystem::create_directories(dir.path() + "/files");
  Shared shared;
  shared.db = opened->get();
  const auto start = std::chrono::steady_clock::now();
  shared.deadline = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) threads.emplace_back(Read, &shared, seed + 1 + t);
  Write(&shared, seed, dir.path() + "/files");
  for (std::thread& t : threads) t.join();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "soak: seed " << seed << ", " << took << " s, " << kReaders
            << " readers: " << shared.writes.load() << " writes, " << shared.reads.load()
            << " reads (QUIPU_SOAK_SEED=" << seed << " QUIPU_SOAK_SECONDS=" << seconds
            << " to run it again)\n";
  INFO("seed " << seed);
  CHECK(shared.failures.first() == "");
  CHECK(shared.writes.load() > 0);
  CHECK(shared.reads.load() > 0);
  // What the readers saw was a prefix of what is there now.
  auto report = (*opened)->Check();
  REQUIRE(report.ok());
  CHECK(report->ok());
}
