#include "import/label_check.h"

#include <fmt/format.h>

#include <memory>

#include "core/vocabulary.h"

namespace quipu::import {

Result<std::string> SecondLabelWarning(storage::ReadView* before, const std::string& label,
                                       const std::vector<uint64_t>& nodes) {
  Result<uint64_t> type = before->FindTerm(Value(Entity{kLabelPredicate}));
  if (!type.ok()) return type.status();
  if (nodes.empty() || *type == 0) return std::string();  // nothing had a label
  Result<uint64_t> own = before->FindTerm(Value(Entity{label}));
  if (!own.ok()) return own.status();
  uint64_t merged = 0, example = 0, example_label = 0;
  std::unique_ptr<storage::TripleCursor> cursor;
  std::vector<storage::Triple> labels;
  for (uint64_t node : nodes) {
    const storage::TriplePattern pattern{node, *type, 0};
    if (cursor == nullptr || !cursor->Reseek(pattern)) cursor = before->Scan(pattern);
    labels.clear();
    while (cursor->Next(&labels, 64) > 0) {
    }
    if (!cursor->status().ok()) return cursor->status();
    uint64_t other = 0;
    bool had_own = false;
    for (const storage::Triple& t : labels) {
      had_own = had_own || t.o == *own;
      if (t.o != *own && other == 0) other = t.o;
    }
    if (other == 0 || had_own) continue;
    if (merged++ == 0) {
      example = node;
      example_label = other;
    }
  }
  if (merged == 0) return std::string();
  Result<Value> key = before->DecodeTerm(example);
  if (!key.ok()) return key.status();
  Result<Value> other = before->DecodeTerm(example_label);
  if (!other.ok()) return other.status();
  const std::string other_label =
      other->type() == Value::Type::kEntity ? other->as_entity().key : other->ToLiteral();
  return fmt::format(
      "{} of the {} {} nodes were already entities with another label, such as {} ({}): each "
      "is now one entity with both labels; if the keys mean different things, load them with "
      "distinct keys (docs/language.md, \"Keys that collide\")",
      merged, nodes.size(), label, key->ToLiteral(), other_label);
}

}  // namespace quipu::import
