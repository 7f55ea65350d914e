// The instances of an annotated fact (format 4), kept as one value under the
// fact's key in the annotation_sets family: p·o·s (24 bytes, pos order, so
// a scan with its predicate bound finds the sets of consecutive facts at
// consecutive keys). A fact without the `annotated` flag of its list entries
// (fact_list.h) has no set: its one instance is the bare one.
//
// Value: varint(n); then per instance, ordered by hash (AnnotationsHash):
// varint(pairs), then each (key id, value id) as two compact ids
// (compact_id.h), keys ascending. The bare instance, when the fact also has
// it, is an instance of 0 pairs. The hash is not stored: it is recomputed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace quipu::storage {

inline constexpr size_t kAnnotationSetKeySize = 24;

std::string AnnotationSetKey(const Triple& t);
// The same key in a caller's buffer, for lookups that need no string.
void EncodeAnnotationSetKey(const Triple& t, char (&key)[kAnnotationSetKeySize]);

// REQUIRES: instances ordered by hash, hashes distinct, each annotation list
// sorted by key with unique keys.
std::string EncodeInstanceSet(const std::vector<FactInstance>& instances);

// Replaces *out with the instances of a set value (hashes recomputed),
// reusing out's elements and their capacity (a read per fact allocates
// nothing once warm); false
// when the bytes are not well formed (truncated, keys out of order or
// repeated, instances out of hash order or repeated, no instance).
bool DecodeInstanceSet(std::string_view value, std::vector<FactInstance>* out);

// Adds `instance` to a set ordered by hash; false when it is there already.
bool AddInstance(FactInstance instance, std::vector<FactInstance>* set);

}  // namespace quipu::storage
