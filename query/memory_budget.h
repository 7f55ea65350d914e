// MemoryBudget: the bytes one statement's stateful operators may hold
// (QueryLimits::memory_bytes). Each such operator owns a MemoryCharge and
// adds to it as its state grows (a hash join's build rows, an aggregate's
// groups, a sort's rows, a path search's visited states, the result rows);
// past the budget the statement stops with an error that names the operator,
// how many entries it held and the budget. Nothing spills to disk.
//
// The figures are estimates of heap bytes, not measurements: the payload of
// each entry plus the overhead of the container holding it (kHashNodeBytes
// for a node of a std::unordered_map/set, sizeof(Value) plus the heap text of
// a string value). Vectors that double may hold up to twice what is charged
// for a moment; the default budget leaves room for that (docs/language.md,
// "Limits").
//
// Not thread-safe: one budget per statement, used by the statement's thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "quipu/value.h"

namespace quipu::query {

// A node of a std::unordered_map or set: the next pointer, the cached hash,
// the bucket slot and the allocator's header, besides the element itself.
inline constexpr uint64_t kHashNodeBytes = 40;

// The heap bytes a value occupies beyond sizeof(Value) (string text, list
// items, path nodes); an estimate for budgets.
uint64_t ValueHeapBytes(const Value& value);

// The bytes of a value held by itself: sizeof(Value) and its heap.
inline uint64_t ValueBytes(const Value& value) { return sizeof(Value) + ValueHeapBytes(value); }

class MemoryCharge;

class MemoryBudget {
 public:
  // `limit` 0: no budget (charges are still counted).
  explicit MemoryBudget(uint64_t limit) : limit_(limit) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  uint64_t limit() const { return limit_; }
  uint64_t used() const { return used_; }

  // Adds `bytes`, or returns false, adding nothing, when that passes the
  // limit.
  bool TryReserve(uint64_t bytes) {
    if (limit_ != 0 && bytes > limit_ - std::min(used_, limit_)) return false;
    used_ += bytes;
    return true;
  }
  void Release(uint64_t bytes) { used_ -= std::min(bytes, used_); }

  // Raises the QueryError of a passed budget, naming the charge that asked
  // for more (e.g. "a hash join (build side, 3,120,004 rows)") and, when
  // another holds more, that one too.
  [[noreturn]] void Exceeded(const MemoryCharge& asking) const;

 private:
  friend class MemoryCharge;
  uint64_t limit_;
  uint64_t used_ = 0;
  MemoryCharge* charges_ = nullptr;  // the live charges, a list through next_
};

// What one operator holds against the budget; released when it goes.
// `what` names the operator ("a hash join"), `part` the state if the operator
// has several (may be empty), `unit` what it counts, singular ("row",
// "group", "entry"; the message makes it plural).
class MemoryCharge {
 public:
  MemoryCharge(MemoryBudget* budget, std::string what, std::string part, std::string unit)
      : budget_(budget), what_(std::move(what)), part_(std::move(part)), unit_(std::move(unit)) {
    if (budget_ == nullptr) return;
    next_ = budget_->charges_;
    if (next_ != nullptr) next_->prev_ = this;
    budget_->charges_ = this;
  }
  ~MemoryCharge() {
    if (budget_ == nullptr) return;
    Clear();
    (prev_ != nullptr ? prev_->next_ : budget_->charges_) = next_;
    if (next_ != nullptr) next_->prev_ = prev_;
  }
  MemoryCharge(const MemoryCharge&) = delete;
  MemoryCharge& operator=(const MemoryCharge&) = delete;

  // One more entry (or `entries`) of `bytes` in all. A null budget: no-op.
  void Add(uint64_t bytes, uint64_t entries = 1) {
    if (budget_ == nullptr) return;
    entries_ += entries;
    if (!budget_->TryReserve(bytes)) budget_->Exceeded(*this);
    bytes_ += bytes;
  }
  // Add for optional state (a cache the operator can do without): false,
  // adding nothing, when `bytes` would pass the budget.
  bool TryAdd(uint64_t bytes, uint64_t entries = 1) {
    if (budget_ == nullptr) return true;
    if (!budget_->TryReserve(bytes)) return false;
    entries_ += entries;
    bytes_ += bytes;
    return true;
  }
  // Gives back `bytes` and `entries` (state dropped, e.g. a top-k's trim).
  void Remove(uint64_t bytes, uint64_t entries) {
    if (budget_ == nullptr) return;
    bytes = std::min(bytes, bytes_);
    budget_->Release(bytes);
    bytes_ -= bytes;
    entries_ -= std::min(entries, entries_);
  }
  // Gives back everything (the state was cleared).
  void Clear() { Remove(bytes_, entries_); }

  uint64_t bytes() const { return bytes_; }
  uint64_t entries() const { return entries_; }
  // For messages: "a hash join (build side, 3,120,004 rows)".
  std::string Holder() const;

 private:
  friend class MemoryBudget;
  MemoryBudget* budget_;
  std::string what_, part_, unit_;
  uint64_t bytes_ = 0;
  uint64_t entries_ = 0;
  MemoryCharge* prev_ = nullptr;  // in the budget's list of live charges
  MemoryCharge* next_ = nullptr;
};

}  // namespace quipu::query
