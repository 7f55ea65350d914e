#include "import/fact_writer.h"

#include <algorithm>

#include "core/vocabulary.h"

namespace quipu::import {
namespace {

constexpr size_t kMaxCachedTerms = size_t{1} << 22;

// The cache key of a dictionary value into *key: a type letter and the
// bytes; false for inline values (cheap anyway).
bool CacheKey(const Value& v, std::string* key) {
  key->clear();
  switch (v.type()) {
    case Value::Type::kEntity:
      key->push_back('e');
      key->append(v.as_entity().key);
      return true;
    case Value::Type::kString:
      key->push_back('s');
      key->append(v.as_string());
      return true;
    case Value::Type::kLangString:
      key->push_back('l');
      key->append(v.as_lang_string().lang);
      key->push_back('\0');
      key->append(v.as_lang_string().text);
      return true;
    default:
      return false;
  }
}

}  // namespace

FactWriter::FactWriter(storage::WriteTxn* txn, const Interrupt* interrupt)
    : txn_(txn), interrupt_(interrupt) {}

FactWriter::FactWriter(storage::BulkLoad* bulk, const Interrupt* interrupt)
    : bulk_(bulk), interrupt_(interrupt) {}

void FactWriter::IdSet::Compact() {
  const auto tail = ids_.begin() + static_cast<std::ptrdiff_t>(unique_);
  std::sort(tail, ids_.end());
  std::inplace_merge(ids_.begin(), tail, ids_.end());
  ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
  unique_ = ids_.size();
}

Status FactWriter::Commit() {
  entities_.Compact();
  watched_objects_.Compact();
  if (txn_ != nullptr) {
    if (on_phase_) on_phase_(LoadPhase::kWrite);
    // The batch's one write is atomic: a cancel counts up to its start.
    if (interrupt_ != nullptr) {
      if (Status s = interrupt_->Check(); !s.ok()) return s;
    }
    return txn_->Commit();
  }
  bulk_->set_phase_handler(on_phase_);
  bulk_->set_interrupt(interrupt_);
  Result<uint64_t> added = bulk_->Commit();
  if (!added.ok()) return added.status();
  facts_inserted_ = *added;
  // The ids handed out may have been provisional.
  watched_objects_.Map([&](uint64_t id) { return bulk_->FinalId(id); });
  for (WatchedShare& w : watched_shares_) {
    w.object = bulk_->FinalId(w.object);
    w.subject = bulk_->FinalId(w.subject);
  }
  for (uint64_t& id : labelled_) id = bulk_->FinalId(id);
  return Status::Ok();
}

Result<uint64_t> FactWriter::Intern(const Value& value) {
  // A bulk load keeps every term it met in a table of its own.
  if (bulk_ != nullptr) return bulk_->InternTerm(value);
  if (!CacheKey(value, &key_)) return txn_->InternTerm(value);
  if (auto it = cache_.find(std::string_view(key_)); it != cache_.end()) return it->second;
  Result<uint64_t> id = txn_->InternTerm(value);
  if (!id.ok()) return id;
  if (cache_.size() >= kMaxCachedTerms) cache_.clear();
  cache_.emplace(key_, *id);
  return id;
}

Result<uint64_t> FactWriter::InternName(const std::string& name) {
  constexpr size_t kNames = 16;
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i].first != name) continue;
    if (i > 0) std::swap(names_[i], names_[i - 1]);  // the busiest move forward
    return names_[i > 0 ? i - 1 : 0].second;
  }
  Result<uint64_t> id = Intern(Value(Entity{name}));
  if (!id.ok()) return id;
  if (names_.size() == kNames) names_.pop_back();
  names_.emplace_back(name, *id);
  return id;
}

void FactWriter::RecordShare(uint64_t subject, uint64_t object,
                             const NamedAnnotations& annotations) {
  WatchedShare& w = watched_shares_.emplace_back();
  w.object = object;
  w.subject = subject;
  for (const auto& [name, value] : annotations) {
    if (name != kShareKey || value.is_null()) continue;
    w.present = true;
    w.numeric = value.is_numeric();
    if (w.numeric) w.number = value.as_number();
    // As query::IsFraction (false for NaN): the others keep their value for
    // the warning that names one.
    if (!w.numeric || !(w.number >= 0 && w.number <= 1)) {
      w.value = static_cast<int32_t>(watched_values_.size());
      watched_values_.push_back(value);
    }
    break;
  }
}

Status FactWriter::CheckCancelled() {
  if ((++calls_ & 1023) != 0) return Status::Ok();
  if (tick_) tick_(calls_);
  return interrupt_ != nullptr ? interrupt_->Check() : Status::Ok();
}

Status FactWriter::Add(const Value& s, const Value& p, const Value& o,
                       const NamedAnnotations& annotations) {
  if (Status c = CheckCancelled(); !c.ok()) return c;
  Result<uint64_t> sid = Intern(s);
  if (!sid.ok()) return sid.status();
  Result<uint64_t> pid =
      p.type() == Value::Type::kEntity ? InternName(p.as_entity().key) : Intern(p);
  if (!pid.ok()) return pid.status();
  Result<uint64_t> oid = Intern(o);
  if (!oid.ok()) return oid.status();
  storage::Annotations ids;
  for (const auto& [name, value] : annotations) {
    Result<uint64_t> k = InternName(name);
    if (!k.ok()) return k.status();
    Result<uint64_t> v = Intern(value);
    if (!v.ok()) return v.status();
    ids.emplace_back(*k, *v);
  }
  if (bulk_ != nullptr) {
    if (Status s = bulk_->Add(storage::Triple{*sid, *pid, *oid}, ids); !s.ok()) return s;
  } else {
    Result<bool> added = txn_->Insert(storage::Triple{*sid, *pid, *oid}, ids);
    if (!added.ok()) return added.status();
    if (*added) ++facts_inserted_;
  }
  entities_.Add(*sid);
  if (!watched_.empty() && p.type() == Value::Type::kEntity && p.as_entity().key == watched_) {
    watched_objects_.Add(*oid);
    if (record_shares_) RecordShare(*sid, *oid, annotations);
  }
  // Classes (the objects of labels) are not counted as entities.
  if (o.type() == Value::Type::kEntity &&
      !(p.type() == Value::Type::kEntity && p.as_entity().key == kLabelPredicate)) {
    entities_.Add(*oid);
  }
  return Status::Ok();
}

std::vector<uint64_t> FactWriter::labelled() const {
  std::vector<uint64_t> out = labelled_;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status FactWriter::AddLabel(const Value& s, const std::string& label) {
  if (record_labelled_) {
    Result<uint64_t> id = Intern(s);  // cached: Add's own Intern finds it
    if (!id.ok()) return id.status();
    labelled_.push_back(*id);
  }
  return Add(s, Value(Entity{kLabelPredicate}), Value(Entity{label}));
}

}  // namespace quipu::import
