// RocksTxn's edits of the adjacency lists (fact_list.h): find the chunk of a
// list that holds an entry (or would), decode it, change it, write it back
// into the statement's batch; split a chunk past kMaxChunkEntries, drop an
// emptied one.
#include <algorithm>

#include "storage/rocksdb_txn.h"

namespace quipu::storage {
namespace {

Family FamilyOf(Permutation perm) { return static_cast<Family>(kSpo + static_cast<int>(perm)); }

}  // namespace

Result<bool> RocksTxn::SeekChunk(rocksdb::Iterator* it, const PermutedIds& ids) {
  it->SeekForPrev(ChunkKey(ids.a, ids.b, ids.c));
  if (!it->Valid()) {
    if (!it->status().ok()) return FromRocks(it->status(), "read failed");
    return false;
  }
  const rocksdb::Slice key = it->key();
  if (key.size() < kListKeySize || GetBigEndian64(key.data()) != ids.a ||
      GetBigEndian64(key.data() + 8) != ids.b) {
    return false;  // before the list: it is empty
  }
  if (key.size() != kListKeySize && key.size() != kChunkKeySize) {
    return Status::Corruption("list key of " + std::to_string(key.size()) + " bytes");
  }
  return true;
}

Status RocksTxn::PutChunk(Family family, const std::string& key, const ListEntries& entries,
                          size_t begin, size_t end) {
  std::string value;
  EncodeChunk(entries, begin, end, &value);
  return FromRocks(batch_->Put(store_->family(family), key, value), "write failed");
}

Result<RocksTxn::EntryState> RocksTxn::FindEntry(Permutation perm, const PermutedIds& ids) {
  rocksdb::ReadOptions options;
  RangeBound bound;
  std::unique_ptr<rocksdb::Iterator> it =
      NewIterator(FamilyOf(perm), ListKey(ids.a, ids.b), &bound, &options);
  EntryState state;
  Result<bool> found = SeekChunk(it.get(), ids);
  if (!found.ok()) return found.status();
  state.list_empty = !*found;
  if (!*found) return state;
  ListEntries entries;
  if (!DecodeChunk(it->value().ToStringView(), &entries)) {
    return Status::Corruption("a list chunk that does not decode");
  }
  const auto at = std::lower_bound(entries.ids.begin(), entries.ids.end(), ids.c);
  if (at != entries.ids.end() && *at == ids.c) {
    state.existed = true;
    state.annotated = entries.annotated[static_cast<size_t>(at - entries.ids.begin())] != 0;
  }
  return state;
}

Result<uint64_t> RocksTxn::ListLength(Permutation perm, const PermutedIds& ids, bool only_chunk,
                                      size_t chunk_entries) {
  if (only_chunk) return uint64_t{chunk_entries};
  // A list of several chunks (more than kMaxChunkEntries entries): their
  // headers, in one pass over its keys.
  rocksdb::ReadOptions options;
  RangeBound bound;
  const std::string prefix = ListKey(ids.a, ids.b);
  std::unique_ptr<rocksdb::Iterator> all = NewIterator(FamilyOf(perm), prefix, &bound, &options);
  uint64_t length = 0;
  for (all->Seek(prefix); all->Valid() && all->key().starts_with(prefix); all->Next()) {
    uint64_t n = 0;
    if (!ChunkEntries(all->value().ToStringView(), &n)) {
      return Status::Corruption("a list chunk that does not decode");
    }
    length += n;
  }
  if (!all->status().ok()) return FromRocks(all->status(), "read failed");
  return length;
}

Result<RocksTxn::EntryState> RocksTxn::AddEntry(Permutation perm, const PermutedIds& ids, bool flag,
                                                bool count) {
  const Family family = FamilyOf(perm);
  rocksdb::ReadOptions options;
  RangeBound bound;
  std::unique_ptr<rocksdb::Iterator> it =
      NewIterator(family, ListKey(ids.a, ids.b), &bound, &options);
  EntryState state;
  Result<bool> found = SeekChunk(it.get(), ids);
  if (!found.ok()) return found.status();
  ListEntries entries;
  entries.push_back(ids.c, flag);
  if (!*found) {
    state.list_empty = true;
    if (Status s = PutChunk(family, ListKey(ids.a, ids.b), entries, 0, 1); !s.ok()) return s;
    return state;
  }
  const std::string key = it->key().ToString();
  entries.clear();
  if (!DecodeChunk(it->value().ToStringView(), &entries)) {
    return Status::Corruption("a list chunk that does not decode");
  }
  const auto at = std::lower_bound(entries.ids.begin(), entries.ids.end(), ids.c);
  const size_t i = static_cast<size_t>(at - entries.ids.begin());
  if (at != entries.ids.end() && *at == ids.c) {
    state.existed = true;
    state.annotated = entries.annotated[i] != 0;
    if (!flag || state.annotated) return state;  // nothing changes
    entries.annotated[i] = 1;
    if (Status s = PutChunk(family, key, entries, 0, entries.size()); !s.ok()) return s;
    return state;
  }
  if (count) {
    // The batch's entries are not held to the upper bound: the prefix says
    // whether the next key is a later chunk of this list.
    it->Next();
    const bool later = it->Valid() && it->key().starts_with(ListKey(ids.a, ids.b));
    if (!it->Valid() && !it->status().ok()) return FromRocks(it->status(), "read failed");
    Result<uint64_t> length =
        ListLength(perm, ids, key.size() == kListKeySize && !later, entries.size());
    if (!length.ok()) return length.status();
    state.length = *length;
  }
  entries.ids.insert(at, ids.c);
  entries.annotated.insert(entries.annotated.begin() + static_cast<long>(i), flag ? 1 : 0);
  if (entries.size() <= kMaxChunkEntries) {
    if (Status s = PutChunk(family, key, entries, 0, entries.size()); !s.ok()) return s;
    return state;
  }
  // Full: the upper half becomes a chunk of its own, keyed by its first entry.
  const size_t half = entries.size() / 2;
  if (Status s = PutChunk(family, key, entries, 0, half); !s.ok()) return s;
  if (Status s = PutChunk(family, ChunkKey(ids.a, ids.b, entries.ids[half]), entries, half,
                          entries.size());
      !s.ok()) {
    return s;
  }
  return state;
}

Result<RocksTxn::EntryState> RocksTxn::DeleteEntry(Permutation perm, const PermutedIds& ids,
                                                   bool count) {
  const Family family = FamilyOf(perm);
  rocksdb::ReadOptions options;
  RangeBound bound;
  std::unique_ptr<rocksdb::Iterator> it =
      NewIterator(family, ListKey(ids.a, ids.b), &bound, &options);
  EntryState state;
  Result<bool> found = SeekChunk(it.get(), ids);
  if (!found.ok()) return found.status();
  if (!*found) {
    state.list_empty = true;
    return state;
  }
  const std::string key = it->key().ToString();
  ListEntries entries;
  if (!DecodeChunk(it->value().ToStringView(), &entries)) {
    return Status::Corruption("a list chunk that does not decode");
  }
  const auto at = std::lower_bound(entries.ids.begin(), entries.ids.end(), ids.c);
  if (at == entries.ids.end() || *at != ids.c) return state;
  const size_t i = static_cast<size_t>(at - entries.ids.begin());
  state.existed = true;
  state.annotated = entries.annotated[i] != 0;
  // Whether a later chunk follows, read before any write into the batch,
  // which `it` reads through.
  it->Next();
  const bool next = it->Valid() && it->key().starts_with(ListKey(ids.a, ids.b));
  if (!next && !it->status().ok()) return FromRocks(it->status(), "read failed");
  if (count) {
    Result<uint64_t> length =
        ListLength(perm, ids, key.size() == kListKeySize && !next, entries.size());
    if (!length.ok()) return length.status();
    state.length = *length;
  }
  entries.ids.erase(at);
  entries.annotated.erase(entries.annotated.begin() + static_cast<long>(i));
  if (!entries.empty()) {
    if (Status s = PutChunk(family, key, entries, 0, entries.size()); !s.ok()) return s;
    return state;
  }
  // The chunk is empty: drop it. The list's first chunk (key a·b) takes the
  // place of the next one (where `it` is), if any, so the list still starts
  // at a·b.
  rocksdb::Status s;
  if (key.size() == kListKeySize && next) {
    s = batch_->Put(store_->family(family), key, it->value());
    if (s.ok()) s = batch_->Delete(store_->family(family), it->key());
  } else {
    s = batch_->Delete(store_->family(family), key);
    // A later chunk gone leaves the first; the first gone alone, nothing.
    state.list_empty = key.size() == kListKeySize;
  }
  if (!s.ok()) return FromRocks(s, "write failed");
  return state;
}

}  // namespace quipu::storage
