#include "engine/statement_cache.h"

#include <cstring>

namespace quipu::engine {

std::string StatementCache::Encode(const Key& key) {
  // Fixed-width fields, then the text: equal keys encode equally.
  std::string out(sizeof(uint64_t) * 2 + sizeof(uint32_t) + 1, '\0');
  char* p = out.data();
  std::memcpy(p, &key.prefixes, sizeof key.prefixes);
  p += sizeof key.prefixes;
  std::memcpy(p, &key.statement_bytes, sizeof key.statement_bytes);
  p += sizeof key.statement_bytes;
  std::memcpy(p, &key.nesting_depth, sizeof key.nesting_depth);
  p += sizeof key.nesting_depth;
  *p = key.script ? 's' : 'x';
  out.append(key.text);
  return out;
}

std::shared_ptr<CachedStatement> StatementCache::Find(const Key& key) {
  if (key.text.size() > kMaxTextBytes) return nullptr;
  const std::string encoded = Encode(key);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(encoded);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->second;
}

std::shared_ptr<CachedStatement> StatementCache::Make(ast::Statement parsed) {
  return std::make_shared<CachedStatement>(std::move(parsed), &plan_counters_);
}

void StatementCache::Add(const Key& key, std::shared_ptr<CachedStatement> statement) {
  if (key.text.size() > kMaxTextBytes || capacity_ == 0) return;
  std::string encoded = Encode(key);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = index_.find(encoded); it != index_.end()) {  // parsed meanwhile by another thread
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.emplace_front(std::move(encoded), std::move(statement));
  index_.emplace(entries_.front().first, entries_.begin());
  if (entries_.size() > capacity_) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

StatementCache::Counters StatementCache::counters() const {
  Counters out;
  out.plans_made = plan_counters_.made.load();
  out.plans_reused = plan_counters_.reused.load();
  std::lock_guard<std::mutex> lock(mutex_);
  out.hits = hits_;
  out.misses = misses_;
  out.statements = entries_.size();
  return out;
}

}  // namespace quipu::engine
