#include "query/writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "query/expression.h"
#include "query/operators.h"

namespace quipu::query {
namespace {

constexpr char kKeyForms[] = "(@key ...) or (<iri> ...)";

std::string MissingKeyMessage(const char* verb, const char* key_forms) {
  return fmt::format("{} needs an entity key for every node: write {}", verb, key_forms);
}

void CheckUniqueKeys(const ast::PropertyMap& props, const char* what) {
  for (size_t i = 0; i < props.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (props[j].first == props[i].first) {
        FailAt(fmt::format("{} '{}' is given twice", what, props[i].first), props[i].second->pos);
      }
    }
  }
}

// Paths (path variables, shortest, acyclic, variable lengths) only match.
void CheckWritable(const ast::PathPattern& path, const char* verb) {
  if (!path.variable.empty()) {
    FailAt(fmt::format("{} takes no path variables", verb), path.variable_pos);
  }
  if (path.mode != ast::PathPattern::Mode::kTrail) {
    FailAt(fmt::format("shortest, all shortest and acyclic only match; {} writes facts", verb),
           path.mode_pos);
  }
  if (path.weight) FailAt(fmt::format("{} takes no 'by'", verb), path.weight->pos);
  for (const ast::RelPattern& r : path.rels) {
    if (!r.alternatives.empty()) {
      FailAt(fmt::format("a relationship in {} needs one predicate, not alternatives", verb),
             r.pos);
    }
    if (r.var_length) {
      FailAt(fmt::format("{} cannot write a variable-length relationship; write each fact", verb),
             r.hops_pos);
    }
  }
}

class Writer {
 public:
  Writer(storage::WriteTxn* txn, const Params& params) : txn_(txn), params_(params) {}

  uint64_t Intern(const Value& v) { return ValueOrThrow(txn_->InternTerm(v)); }
  uint64_t Find(const Value& v) { return ValueOrThrow(txn_->FindTerm(v)); }

  uint64_t NodeId(const ast::NodePattern& n, const char* verb, bool create) {
    if (!n.entity && !n.key) FailAt(MissingKeyMessage(verb, kKeyForms), n.pos);
    Value key = n.entity ? Value(*n.entity) : ValueOrThrow(EvaluateConstant(*n.key, params_));
    if (key.is_null()) FailAt("the key @( … ) is null or empty", n.key->pos);
    return create ? Intern(key) : Find(key);
  }

  Value Constant(const ast::Expr& e, bool storing) {
    Value v = ValueOrThrow(EvaluateConstant(e, params_));
    if (v.is_null()) {
      FailAt(storing ? "a value to store cannot be null"
                     : "a value in a delete pattern cannot be null",
             e.pos);
    }
    return v;
  }

  storage::Annotations AnnotationsOf(const ast::PropertyMap& props, bool create) {
    storage::Annotations out;
    for (const auto& [key, expr] : props) {
      const uint64_t k = create ? Intern(Value(Entity{key})) : Find(Value(Entity{key}));
      const uint64_t v = create ? Intern(Constant(*expr, true)) : Find(Constant(*expr, create));
      out.emplace_back(k, v);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // insert, or with `merge` only the facts whose triple is absent.
  void Insert(const std::vector<ast::PathPattern>& patterns, bool merge) {
    merge_ = merge;
    const char* verb = merge ? "merge" : "insert";
    const uint64_t type = Intern(Value(Entity{kLabelPredicate}));
    for (const ast::PathPattern& path : patterns) {
      CheckWritePattern(path, verb, kKeyForms);
      std::vector<uint64_t> nodes;
      for (const ast::NodePattern& n : path.nodes) {
        const uint64_t id = NodeId(n, verb, true);
        nodes.push_back(id);
        for (const std::string& label : n.labels) {
          Add({id, type, Intern(Value(Entity{label}))}, {});
        }
        for (const auto& [key, expr] : n.properties) {
          Add({id, Intern(Value(Entity{key})), Intern(Constant(*expr, true))}, {});
        }
      }
      for (size_t i = 0; i < path.rels.size(); ++i) {
        const ast::RelPattern& r = path.rels[i];
        const bool out = r.direction == ast::RelPattern::Direction::kOut;
        const uint64_t s = out ? nodes[i] : nodes[i + 1];
        const uint64_t o = out ? nodes[i + 1] : nodes[i];
        Add({s, Intern(Value(*r.predicate)), o}, AnnotationsOf(r.properties, true));
      }
    }
  }

  void Delete(const ast::DeleteStatement& del) {
    for (const ast::PathPattern& path : del.patterns) {
      CheckWritable(path, "delete");
      std::vector<uint64_t> nodes;
      for (const ast::NodePattern& n : path.nodes) nodes.push_back(NodeId(n, "delete", false));
      const uint64_t type = Find(Value(Entity{kLabelPredicate}));
      for (size_t i = 0; i < path.nodes.size(); ++i) {
        const ast::NodePattern& n = path.nodes[i];
        const uint64_t id = nodes[i];
        for (const std::string& label : n.labels) {
          Remove({id, type, Find(Value(Entity{label}))});
        }
        for (const auto& [key, expr] : n.properties) {
          Remove({id, Find(Value(Entity{key})), Find(Constant(*expr, false))});
        }
        if (path.rels.empty() && n.labels.empty() && n.properties.empty() && id != 0) {
          RemoveAll({id, 0, 0});  // every fact about the entity, both directions
          RemoveAll({0, 0, id});
        }
      }
      for (size_t i = 0; i < path.rels.size(); ++i) {
        const ast::RelPattern& r = path.rels[i];
        if (!r.properties.empty()) {
          FailAt("delete removes whole facts; annotations in a delete pattern are not supported",
                 r.pos);
        }
        if (!r.variable.empty()) FailAt("delete takes no relationship variables", r.pos);
        if (r.direction == ast::RelPattern::Direction::kBoth) {
          FailAt("a relationship to write needs a direction: -[:p]-> or <-[:p]-", r.pos);
        }
        const bool out = r.direction == ast::RelPattern::Direction::kOut;
        const uint64_t s = out ? nodes[i] : nodes[i + 1];
        const uint64_t o = out ? nodes[i + 1] : nodes[i];
        if (r.predicate) {
          Remove({s, Find(Value(*r.predicate)), o});
        } else if (s != 0 && o != 0) {
          RemoveAll({s, 0, o});
        }
      }
    }
  }

  // set: for each row, target i is row[2i] and its value row[2i + 1].
  void Set(const ast::SetStatement& set, const std::vector<std::vector<Value>>& rows) {
    const uint64_t type = Intern(Value(Entity{kLabelPredicate}));
    for (const std::vector<Value>& row : rows) {
      for (size_t i = 0; i < set.items.size(); ++i) {
        const ast::SetStatement::Item& item = set.items[i];
        const Value& target = row[2 * i];
        const Value& value = row[2 * i + 1];
        if (target.is_null()) continue;  // an optional match found nothing
        if (target.type() != Value::Type::kEntity) {
          FailAt(fmt::format("set needs an entity to change, got {}", TypeName(target.type())),
                 item.pos);
        }
        const uint64_t x = Intern(target);
        if (!item.label.empty()) {
          Add({x, type, Intern(Value(Entity{item.label}))}, {});
          continue;
        }
        // A property holds one value after set: the old ones go first.
        const uint64_t key = Intern(Value(Entity{item.property}));
        RemoveAll({x, key, 0});
        if (!value.is_null()) Add({x, key, Intern(value)}, {});
      }
    }
  }

  uint64_t inserted() const { return inserted_; }
  uint64_t deleted() const { return deleted_; }

 private:
  void Add(const storage::Triple& t, const storage::Annotations& a) {
    if (merge_ && ValueOrThrow(txn_->Contains(t))) return;
    if (ValueOrThrow(txn_->Insert(t, a))) ++inserted_;
  }
  void Remove(const storage::Triple& t) {
    if (t.s == 0 || t.p == 0 || t.o == 0) return;  // a term never stored: nothing to delete
    deleted_ += ValueOrThrow(txn_->Delete(t));
  }
  void RemoveAll(const storage::TriplePattern& pattern) {
    std::vector<storage::Triple> all, batch;
    std::unique_ptr<storage::TripleCursor> cursor = txn_->Scan(pattern);
    while (cursor->Next(&batch, kChunkRows) > 0) {
      all.insert(all.end(), batch.begin(), batch.end());
      batch.clear();
    }
    if (!cursor->status().ok()) throw QueryError(cursor->status());
    for (const storage::Triple& t : all) Remove(t);
  }

  storage::WriteTxn* txn_;
  const Params& params_;
  bool merge_ = false;
  uint64_t inserted_ = 0;
  uint64_t deleted_ = 0;
};

}  // namespace

void CheckWritePattern(const ast::PathPattern& path, const char* verb, const char* key_forms) {
  CheckWritable(path, verb);
  for (const ast::NodePattern& n : path.nodes) {
    if (!n.entity && !n.key) FailAt(MissingKeyMessage(verb, key_forms), n.pos);
    CheckUniqueKeys(n.properties, "property");
  }
  for (const ast::RelPattern& r : path.rels) {
    if (!r.predicate) {
      FailAt(fmt::format("a relationship in {} needs a predicate, such as -[:owns]->", verb),
             r.pos);
    }
    if (!r.variable.empty()) {
      FailAt(
          fmt::format("{} takes no relationship variables; write -[:{}]->", verb, r.predicate->key),
          r.pos);
    }
    if (r.direction == ast::RelPattern::Direction::kBoth) {
      FailAt("a relationship to write needs a direction: -[:p]-> or <-[:p]-", r.pos);
    }
    CheckUniqueKeys(r.properties, "annotation");
  }
}

WriteCounts RunInsert(const ast::InsertStatement& insert, storage::WriteTxn* txn,
                      const Params& params) {
  Writer writer(txn, params);
  writer.Insert(insert.patterns, /*merge=*/false);
  return WriteCounts{writer.inserted(), writer.deleted()};
}

WriteCounts RunMerge(const ast::MergeStatement& merge, storage::WriteTxn* txn,
                     const Params& params) {
  Writer writer(txn, params);
  writer.Insert(merge.patterns, /*merge=*/true);
  return WriteCounts{writer.inserted(), writer.deleted()};
}

WriteCounts RunDelete(const ast::DeleteStatement& del, storage::WriteTxn* txn,
                      const Params& params) {
  Writer writer(txn, params);
  writer.Delete(del);
  return WriteCounts{writer.inserted(), writer.deleted()};
}

WriteCounts RunSet(const ast::SetStatement& set, const std::vector<std::vector<Value>>& rows,
                   storage::WriteTxn* txn, const Params& params) {
  Writer writer(txn, params);
  writer.Set(set, rows);
  return WriteCounts{writer.inserted(), writer.deleted()};
}

}  // namespace quipu::query
