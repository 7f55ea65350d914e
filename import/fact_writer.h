// FactWriter: what every loader writes through. It interns terms (through
// a cache for a WriteTxn, since files repeat their terms; a BulkLoad keeps
// a table of its own) and adds fact instances to the
// load's one WriteTxn, or to a BulkLoad for a large file, and counts what
// the load added. Nothing is visible until Commit(), so a load is all or
// nothing. Thread-safety: one thread at a time, like the target it writes to.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/interrupt.h"
#include "quipu/progress.h"
#include "quipu/status.h"
#include "quipu/value.h"
#include "storage/store.h"

namespace quipu::import {

// An annotation of a fact: its name (an entity key such as "source") and value.
using NamedAnnotations = std::vector<std::pair<std::string, Value>>;

class FactWriter {
 public:
  // `interrupt` may be null; once it reports, the next Add fails with its
  // error ("the statement was cancelled"), and so does Commit() up to the
  // store's one atomic write (a bulk load's ingestion). It must outlive the
  // writer.
  FactWriter(storage::WriteTxn* txn, const Interrupt* interrupt);
  FactWriter(storage::BulkLoad* bulk, const Interrupt* interrupt);

  Result<uint64_t> Intern(const Value& value);
  // Adds the fact (s, p, o) with the given annotations.
  Status Add(const Value& s, const Value& p, const Value& o,
             const NamedAnnotations& annotations = {});
  // Adds a label fact (s, rdf:type, @label).
  Status AddLabel(const Value& s, const std::string& label);

  // Called every 1,024 facts with how many were added so far (progress).
  void set_on_tick(std::function<void(uint64_t)> tick) { tick_ = std::move(tick); }
  // Called as Commit() begins each phase after parsing: write for a
  // transaction; sort, write and ingest for a bulk load (progress).
  void set_on_phase(std::function<void(LoadPhase)> phase) { on_phase_ = std::move(phase); }
  // Facts (instances, duplicates included) given to Add so far.
  uint64_t facts_added() const { return calls_; }

  // Commits the transaction or the bulk load.
  Status Commit();

  // New fact instances; for a bulk load, known after Commit().
  uint64_t facts_inserted() const { return facts_inserted_; }
  // Distinct entities met as subject or object; known after Commit().
  uint64_t entities() const { return entities_.sorted().size(); }

  // Records the objects of the facts whose predicate is the entity
  // `predicate` (a load checks the shares of what it added `owns` to).
  void WatchPredicate(std::string predicate) { watched_ = std::move(predicate); }
  // The watched facts' objects, as term ids, sorted; known after Commit().
  const std::vector<uint64_t>& watched_objects() const { return watched_objects_.sorted(); }

  // A fact of the watched predicate as Add met it (RecordWatchedShares).
  struct WatchedShare {
    uint64_t object = 0, subject = 0;  // term ids, final after Commit()
    double number = 0;                 // the share, when numeric
    // The index in watched_values() of a share that is not a fraction from
    // 0 to 1, or not a number; else -1.
    int32_t value = -1;
    bool numeric = false;
    bool present = false;  // the fact has a share annotation
  };
  // Records the watched facts with their subjects and share annotations
  // (core/vocabulary.h, kShareKey): a load into a store without such facts
  // checks the shares without reading them back.
  void RecordWatchedShares() { record_shares_ = true; }
  // In the order Add met them; known after Commit().
  std::vector<WatchedShare>& watched_shares() { return watched_shares_; }
  std::vector<Value>& watched_values() { return watched_values_; }

  // Records the subjects of AddLabel (a node load checks which of them had
  // another label already).
  void RecordLabelled() { record_labelled_ = true; }
  // The recorded subjects, as term ids, sorted, each once.
  std::vector<uint64_t> labelled() const;

 private:
  Status CheckCancelled();
  void RecordShare(uint64_t subject, uint64_t object, const NamedAnnotations& annotations);
  // The id of the entity `name`, a predicate or an annotation's name: the
  // few a load uses come back on every fact, so they are kept by name.
  Result<uint64_t> InternName(const std::string& name);

  storage::WriteTxn* txn_ = nullptr;
  storage::BulkLoad* bulk_ = nullptr;
  const Interrupt* interrupt_ = nullptr;
  // Looked up by string_view, so a hit allocates nothing.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint64_t, KeyHash, std::equal_to<>> cache_;  // CacheKey → id
  std::string key_;                                                            // CacheKey's buffer
  std::vector<std::pair<std::string, uint64_t>> names_;  // InternName's, most recent first
  // Ids appended one per fact and made sorted and unique as they double
  // (and at Commit): a hash set cost a node and a cache miss per fact.
  class IdSet {
   public:
    void Add(uint64_t id) {
      // Files group facts by subject (RDF dumps, a node's columns): a run
      // of one id is kept once.
      if (ids_.size() > unique_ && ids_.back() == id) return;
      ids_.push_back(id);
      if (ids_.size() >= 2 * unique_ + 4096) Compact();
    }
    // Sorts the ids added since the last call and merges them into the
    // sorted unique ones.
    void Compact();
    // Replaces each id by f(id) (a one-to-one map), sorted again.
    template <typename F>
    void Map(const F& f) {
      for (uint64_t& id : ids_) id = f(id);
      unique_ = 0;
      Compact();
    }
    // REQUIRES: Compact() since the last Add.
    const std::vector<uint64_t>& sorted() const { return ids_; }

   private:
    std::vector<uint64_t> ids_;
    size_t unique_ = 0;  // ids_[0, unique_) are sorted and unique
  };
  IdSet entities_;
  std::string watched_;
  IdSet watched_objects_;
  bool record_shares_ = false;
  std::vector<WatchedShare> watched_shares_;
  std::vector<Value> watched_values_;
  bool record_labelled_ = false;
  std::vector<uint64_t> labelled_;
  uint64_t facts_inserted_ = 0;
  uint64_t calls_ = 0;
  std::function<void(uint64_t)> tick_;
  std::function<void(LoadPhase)> on_phase_;
};

}  // namespace quipu::import
