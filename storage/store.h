// The storage interface the query layer uses. The RocksDB backend
// (rocksdb_store.h) is the embedded default; another backend implements the
// same three classes without touching query/.
//
// Model: a fact is a triple (s, p, o) of term ids. The same triple may hold
// several times with different annotations (periods, sources): each such
// instance is kept, identified by the hash of its annotation set. A triple
// exists exactly while it has at least one instance.
//
// Thread-safety: a Store is safe to share between threads. A ReadView or a
// WriteTxn belongs to one thread at a time. At most one WriteTxn is open at
// once; Store::BeginWrite blocks until the previous one ends.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/interrupt.h"
#include "quipu/check.h"
#include "quipu/progress.h"
#include "quipu/status.h"
#include "quipu/value.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace quipu::storage {

struct Triple {
  uint64_t s = 0, p = 0, o = 0;
  bool operator==(const Triple&) const = default;
};

// A pattern: 0 in a position means unbound.
using TriplePattern = Triple;

// Part of every backend's contract: Scan returns the matches of a pattern
// ordered by the first unbound position in this order (then the rest), so
// two scans led by the same variable can be merge-joined.
enum class Position : uint8_t { kSubject, kPredicate, kObject, kNone };
Position ScanOrder(const TriplePattern& pattern);

// Annotation key id → value id, sorted by key, keys unique.
using Annotations = std::vector<std::pair<uint64_t, uint64_t>>;

struct FactInstance {
  uint64_t hash = 0;  // identifies the instance within its triple
  Annotations annotations;
};

// Exact per-predicate counts.
struct PredicateStats {
  uint64_t facts = 0;     // distinct triples with this predicate
  uint64_t subjects = 0;  // distinct subjects among them
  uint64_t objects = 0;   // distinct objects among them
  // The sums of squared degrees: over the subjects of the number of objects
  // each has with this predicate, and over the objects of the number of
  // subjects. They see skew (a hub of d facts adds d²) where the counts
  // above cannot, and give join estimates their spread (query/estimator.h).
  // Kept modulo 2^64 (exact while no node has 2^32 facts with the
  // predicate). 0 with facts > 0: unknown (statistics of a format-4
  // database opened read-only; see docs/format.md).
  uint64_t subject_sq = 0;
  uint64_t object_sq = 0;
  bool degrees_known() const { return facts == 0 || (subject_sq != 0 && object_sq != 0); }
  bool operator==(const PredicateStats&) const = default;
};

// An entry of the name index (storage/name_index.h): `entity` bears the name
// `name` through `predicate`, and one of the name's words matched.
struct NameMatch {
  uint64_t entity = 0, predicate = 0, name = 0;
  bool whole_word = false;   // the word is the one looked up, not longer
  uint32_t name_words = 0;   // distinct words of the name
  uint32_t name_length = 0;  // code points of the name
};

// Produces the triples matching a pattern in batches, ordered by the index
// permutation chosen for the bound positions.
// REQUIRES: the cursor is destroyed before the view that made it.
class TripleCursor {
 public:
  virtual ~TripleCursor() = default;
  // Appends up to `max` triples to `out`; returns how many. 0 means the end
  // (or an error: check status()). With `annotated`, appends for each triple
  // whether it may have instances with annotations (kAnnotated) or has only
  // the bare instance (kBare), for ReadView::GetInstances' hint.
  virtual size_t Next(std::vector<Triple>* out, size_t max,
                      std::vector<uint8_t>* annotated = nullptr) = 0;
  virtual Status status() const = 0;
  // Restarts the cursor on another pattern with the same bound positions,
  // reusing its iterator (much cheaper than a new Scan for index nested-loop
  // joins). Returns false when it cannot; then call Scan.
  virtual bool Reseek(const TriplePattern& /*pattern*/) { return false; }
};

// What a caller knows of a fact's instances before asking for them: from a
// cursor (TripleCursor::Next's `annotated`), or nothing.
enum InstanceHint : uint8_t {
  kBare = 0,       // the fact is stored and has only the bare instance
  kAnnotated = 1,  // the fact is stored and may have annotated instances
  kUnknown = 2,
};

// A consistent read of the store at one point in time (one snapshot).
class ReadView {
 public:
  virtual ~ReadView() = default;
  virtual std::unique_ptr<TripleCursor> Scan(const TriplePattern& pattern) = 0;
  virtual Result<bool> Contains(const Triple& triple) = 0;
  // All instances of `triple` (empty when absent), ordered by hash. A hint
  // from the cursor that produced the triple saves the store a lookup.
  virtual Status GetInstances(const Triple& triple, std::vector<FactInstance>* out,
                              InstanceHint hint = kUnknown) = 0;
  // The smallest object id of the facts (s, p, ·), 0 when there are none:
  // what reads a node's property. The default scans; a backend may do it
  // with a point lookup.
  virtual Result<uint64_t> SmallestObject(uint64_t s, uint64_t p) {
    std::unique_ptr<TripleCursor> cursor = Scan({s, p, 0});
    std::vector<Triple> first;
    if (cursor->Next(&first, 1) == 0) {
      if (!cursor->status().ok()) return cursor->status();
      return uint64_t{0};
    }
    return first[0].o;
  }
  // The id of an existing term, or 0 when the store has never seen it.
  virtual Result<uint64_t> FindTerm(const Value& value) = 0;
  virtual Result<Value> DecodeTerm(uint64_t id) = 0;
  virtual Result<PredicateStats> GetStats(uint64_t predicate) = 0;
  // Every predicate with facts, with its statistics.
  virtual Status AllStats(std::vector<std::pair<uint64_t, PredicateStats>>* out) = 0;
  // Appends the name-index entries of `word` (a normalised word, see
  // storage/text_normalizer.h): of that word, or with `prefix` of every
  // word starting with it. Ordered by word, then entity, predicate, name.
  virtual Status FindNames(std::string_view /*word*/, bool /*prefix*/,
                           std::vector<NameMatch>* /*out*/) {
    return Status::NotSupported("this store has no name index");
  }
};

// A statement's writes: all or nothing. Reads through it see its own writes.
// Destroying it without Commit() discards everything it did.
class WriteTxn : public ReadView {
 public:
  // The id of `value`, creating a dictionary entry when needed.
  virtual Result<uint64_t> InternTerm(const Value& value) = 0;
  // Adds an instance; returns false when that exact instance already existed.
  // Annotations may come in any order; a key given twice is an error.
  virtual Result<bool> Insert(const Triple& triple, const Annotations& annotations) = 0;
  // Removes the triple with all its instances; returns how many instances went.
  virtual Result<size_t> Delete(const Triple& triple) = 0;
  virtual Status Commit() = 0;
};

// A large load that skips the write batch (see bulk_load.h for the RocksDB
// one): terms and instances are buffered and written at Commit() all at
// once, or not at all when the load is destroyed without it. It holds the
// store's write lock, like a WriteTxn. It does not read its own writes.
class BulkLoad {
 public:
  virtual ~BulkLoad() = default;
  virtual Result<uint64_t> InternTerm(const Value& value) = 0;
  // Buffers an instance; duplicates and instances already stored are
  // dropped at Commit(). Annotations may come in any order.
  virtual Status Add(const Triple& triple, const Annotations& annotations) = 0;
  // Stores everything buffered; returns how many new instances that was.
  virtual Result<uint64_t> Commit() = 0;
  // The id that a term InternTerm gave `id` has once Commit() succeeded:
  // InternTerm may hand out provisional ids, resolved all at once at Commit
  // (a lookup per term costs a seek each).
  virtual uint64_t FinalId(uint64_t id) const { return id; }

  // Called as Commit() begins each of its phases (sort, write, ingest), for
  // progress displays; may be empty.
  void set_phase_handler(std::function<void(LoadPhase)> handler) { on_phase_ = std::move(handler); }
  // What stops Commit() before its end (a cancel, a time limit); may be
  // null. Commit() checks it between its phases and within their long loops,
  // every few thousand entries, up to the moment the store takes the load
  // in: then it fails with the interrupt's error ("the statement was
  // cancelled") and the store is as it was. From the ingest phase on the
  // load is atomic and runs to its end. Must outlive Commit().
  void set_interrupt(const Interrupt* interrupt) { interrupt_ = interrupt; }

 protected:
  void EnterPhase(LoadPhase phase) {
    if (on_phase_) on_phase_(phase);
  }
  // May be null.
  const Interrupt* interrupt() const { return interrupt_; }
  // The interrupt's status; Ok without one. Thread-safe.
  Status Interrupted() const { return interrupt_ != nullptr ? interrupt_->Check() : Status::Ok(); }

 private:
  std::function<void(LoadPhase)> on_phase_;
  const Interrupt* interrupt_ = nullptr;
};

struct StoreOptions {
  bool read_only = false;
  // Commits sync the write-ahead log before they return (a machine crash
  // keeps them); false: written, not synced (a process crash keeps them).
  bool sync_commits = true;
  // The environment RocksDB reaches files through; null: the default. For
  // tests that inject faults (tests/fault_fs.h); not owned.
  rocksdb::Env* env = nullptr;
  // Capacity of the cache of decompressed blocks the families share.
  uint64_t cache_bytes = uint64_t{256} << 20;
  bool create_if_missing = true;
  // Called while an older format is upgraded on open, with the facts done
  // and the facts in all (by the statistics); may be empty.
  std::function<void(uint64_t done, uint64_t total)> upgrade_progress;
  // Whether the store merges the levels bulk loads stack on its own, in the
  // background (storage/compactor.h); without it, only Compact() does.
  bool background_compaction = true;
  // The version() the store starts at. A store opened in place of one that
  // was closed starts past that one's, so nothing kept by version matches.
  uint64_t first_version = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::unique_ptr<ReadView> BeginRead() = 0;
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite() = 0;
  virtual Result<std::unique_ptr<BulkLoad>> BeginBulkLoad() {
    return Status::NotSupported("this store has no bulk load");
  }
  // Verifies that the indexes, the dictionary, the statistics and the name
  // index agree (storage/checker.h); what disagrees goes into `report`. Waits
  // for the running write to end and holds writes off while it reads.
  virtual Status Check(CheckReport* /*report*/) {
    return Status::NotSupported("this store has no checker");
  }
  // Merges now the levels bulk loads stacked, which the store otherwise
  // does in the background after each load; returns when done.
  virtual Status Compact() { return Status::Ok(); }
  // Writes a consistent copy of the database, as of one moment, into the
  // new directory `dir` (files hard-linked where the file system allows,
  // copied otherwise); writes go on meanwhile. The copy opens as a database.
  virtual Status Backup(const std::string& /*dir*/) {
    return Status::NotSupported("this store has no backup");
  }
  // A number that changes with every committed write (of this process):
  // what caches of plans and statistics are keyed by.
  virtual uint64_t version() const { return 0; }
  // OK, or the error after which the store takes no more writes until it
  // is opened again (an I/O error met by a write).
  virtual Status WritesStopped() const { return Status::Ok(); }
};

// Opens (or creates) a RocksDB-backed store in the directory `path`.
Result<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& path,
                                                const StoreOptions& options);

// The hash identifying an instance with these annotations (stable on disk).
uint64_t AnnotationsHash(const Annotations& annotations);

}  // namespace quipu::storage
