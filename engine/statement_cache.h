// StatementCache: the statements an engine has parsed, by their text, so a
// text run again skips the parser; each with the plans made for its
// matches (query/match_plan.h), so it skips binding and planning too while
// the store is unchanged.
//
// Key: the text as given, with what else decides what it parses to: the
// generation of the prefixes declared on the engine (each prefix statement
// makes a new one), the parser's limits (statement_bytes, nesting_depth)
// and the entry point (Execute and Prepare read one statement, a script may
// hold several: only a script of exactly one statement is kept, under a key
// of its own). A parse error is not kept: the text is parsed again.
//
// Bounds: kCapacity statements, the least recently used going first; a
// text longer than kMaxTextBytes is not kept. A statement in use (by a
// running statement or a PreparedStatement) lives on after it goes.
//
// Thread-safety: all methods may be called from any thread. A
// CachedStatement's statement is immutable; its plans have their own lock.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "grammar/ast.h"
#include "query/match_plan.h"

namespace quipu::engine {

struct CachedStatement {
  CachedStatement(ast::Statement parsed, query::PlanCounters* counters)
      : statement(std::move(parsed)), plans(counters) {}
  const ast::Statement statement;
  query::PlanCache plans;
};

class StatementCache {
 public:
  static constexpr size_t kCapacity = 256;
  static constexpr size_t kMaxTextBytes = 16 * 1024;

  struct Key {
    std::string_view text;
    uint64_t prefixes = 0;  // the generation of the declared prefixes
    uint64_t statement_bytes = 0;
    uint32_t nesting_depth = 0;
    bool script = false;  // from ExecuteScript
  };

  // How the caches have served, for tests and benchmarks.
  struct Counters {
    uint64_t hits = 0;          // texts found parsed
    uint64_t misses = 0;        // texts parsed
    uint64_t plans_made = 0;    // matches bound and optimized
    uint64_t plans_reused = 0;  // matches run on a kept plan
    size_t statements = 0;      // kept now
  };

  explicit StatementCache(size_t capacity = kCapacity) : capacity_(capacity) {}

  // The statement kept for `key`, or null (counted as a miss).
  std::shared_ptr<CachedStatement> Find(const Key& key);
  // A statement ready to keep (or to run once), counting its plans here.
  std::shared_ptr<CachedStatement> Make(ast::Statement parsed);
  // Keeps `statement` for `key`, unless the text is too long to keep.
  void Add(const Key& key, std::shared_ptr<CachedStatement> statement);
  Counters counters() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<CachedStatement>>;
  static std::string Encode(const Key& key);

  const size_t capacity_;
  query::PlanCounters plan_counters_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // the most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views of keys
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace quipu::engine
