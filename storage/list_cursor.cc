#include "storage/list_cursor.h"

#include <algorithm>

namespace quipu::storage {

ListCursor::ListCursor(RocksTxn* txn, const TriplePattern& pattern)
    : txn_(txn), plan_(ChooseScan(pattern)) {
  prefix_ = ScanPrefix(plan_, pattern);
  const Family family = static_cast<Family>(kSpo + static_cast<int>(plan_.perm));
  iter_ = txn_->NewIterator(family, prefix_, &bound_, &options_);
  Aim(pattern);
}

void ListCursor::Aim(const TriplePattern& pattern) {
  want_ = Permute(plan_.perm, pattern);
  entries_.clear();
  pos_ = 0;
  done_ = false;
  status_ = Status::Ok();
  if (plan_.bound == 3) {
    // The chunk that may hold c: the last key ≤ a·b·c within the list.
    iter_->SeekForPrev(ChunkKey(want_.a, want_.b, want_.c));
  } else {
    iter_->Seek(prefix_);
  }
}

bool ListCursor::Reseek(const TriplePattern& pattern) {
  const ScanPlan plan = ChooseScan(pattern);
  if (plan.perm != plan_.perm || plan.bound != plan_.bound || plan_.bound == 0) return false;
  std::string prefix = ScanPrefix(plan, pattern);
  std::string upper = PrefixSuccessor(prefix);
  if (upper.empty() || options_.iterate_upper_bound == nullptr) return false;
  prefix_ = std::move(prefix);
  bound_.upper = std::move(upper);
  bound_.upper_slice = rocksdb::Slice(bound_.upper);  // the iterator reads it by pointer
  Aim(pattern);
  return true;
}

bool ListCursor::LoadChunk() {
  if (done_ || !iter_->Valid()) {
    if (!iter_->status().ok()) status_ = FromRocks(iter_->status(), "scan failed");
    return false;
  }
  const rocksdb::Slice key = iter_->key();
  // Batch entries ignore the upper bound; SeekForPrev may land before the list.
  if (!key.starts_with(prefix_)) return false;
  if (key.size() != kListKeySize && key.size() != kChunkKeySize) {
    status_ = Status::Corruption("list key of " + std::to_string(key.size()) + " bytes");
    return false;
  }
  a_ = GetBigEndian64(key.data());
  b_ = GetBigEndian64(key.data() + 8);
  entries_.clear();
  pos_ = 0;
  if (!DecodeChunk(iter_->value().ToStringView(), &entries_)) {
    status_ = Status::Corruption("a list chunk that does not decode");
    return false;
  }
  if (plan_.bound == 3) {
    // Only c itself, if the chunk holds it.
    done_ = true;
    const auto it = std::lower_bound(entries_.ids.begin(), entries_.ids.end(), want_.c);
    pos_ = static_cast<size_t>(it - entries_.ids.begin());
    if (it == entries_.ids.end() || *it != want_.c) pos_ = entries_.size();
    entries_.ids.resize(std::min(entries_.size(), pos_ + 1));
    entries_.annotated.resize(entries_.ids.size());
  } else {
    iter_->Next();
  }
  return true;
}

size_t ListCursor::Next(std::vector<Triple>* out, size_t max, std::vector<uint8_t>* annotated) {
  size_t n = 0;
  while (n < max) {
    if (pos_ >= entries_.size()) {
      if (!LoadChunk()) break;
      continue;
    }
    const size_t take = std::min(max - n, entries_.size() - pos_);
    for (size_t i = pos_; i < pos_ + take; ++i) {
      out->push_back(Unpermute(plan_.perm, a_, b_, entries_.ids[i]));
    }
    if (annotated != nullptr) {
      annotated->insert(annotated->end(), entries_.annotated.begin() + static_cast<long>(pos_),
                        entries_.annotated.begin() + static_cast<long>(pos_ + take));
    }
    pos_ += take;
    n += take;
  }
  return n;
}

}  // namespace quipu::storage
