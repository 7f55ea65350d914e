// Term ids: the 64-bit ids every layer passes instead of values, and the
// codec between values and ids. One header for the layout (as QLever keeps
// its ValueId.h), so no layer above re-derives it.
//
// An id carries its value type in the top 4 bits (TermType) and a 60-bit
// payload. Integers, doubles, booleans, dates and datetimes that fit are
// inlined in the payload with an order-preserving encoding, so ids of the same
// inline type sort like their values and decode without a lookup. Entities,
// strings, language-tagged strings and the numbers that do not fit get a
// dictionary id (type + sequence number) through the term2id/id2term families.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "quipu/status.h"
#include "quipu/value.h"

namespace quipu {

// Do not renumber: persisted in the top 4 bits of every id on disk.
enum class TermType : uint8_t {
  kInvalid = 0,
  kEntity = 1,      // dictionary: entity key or IRI
  kString = 2,      // dictionary
  kLangString = 3,  // dictionary: "lang\0text"
  kInt = 4,         // inline: 60-bit two's complement offset by 2^59
  kDouble = 5,      // inline: sign, 7-bit exponent, 52-bit mantissa (order-preserving)
  kBool = 6,        // inline: 0 or 1
  kDate = 7,        // inline: days since 1970-01-01 offset by 2^59
  kDateTime = 8,    // inline: microseconds since the epoch offset by 2^59
  kBigInt = 9,      // dictionary: int64 outside the 60-bit range, 8 bytes big-endian
  kBigDouble = 10,  // dictionary: doubles outside [2^-63, 2^64) in magnitude, inf, NaN
  kDecimal = 11,    // dictionary: the canonical text of an exact decimal ("12.5")
  // Never stored: the ids a running query gives the values it computes
  // (query/value_table.h), so its output operators pass ids only.
  kQueryLocal = 15,
};

inline constexpr int kTypeShift = 60;
inline constexpr uint64_t kPayloadMask = (uint64_t{1} << kTypeShift) - 1;

inline TermType TypeOfId(uint64_t id) { return static_cast<TermType>(id >> kTypeShift); }
inline uint64_t MakeId(TermType type, uint64_t payload) {
  return (static_cast<uint64_t>(type) << kTypeShift) | (payload & kPayloadMask);
}
bool IsInlineType(TermType type);
inline bool IsEntityId(uint64_t id) { return TypeOfId(id) == TermType::kEntity; }
inline bool IsInlineId(uint64_t id) { return IsInlineType(TypeOfId(id)); }
inline bool IsQueryLocalId(uint64_t id) { return TypeOfId(id) == TermType::kQueryLocal; }
// The sequence number of a dictionary or query-local id.
inline uint64_t PayloadOf(uint64_t id) { return id & kPayloadMask; }

// The inline id of `value`, or nullopt when it needs the dictionary.
std::optional<uint64_t> InlineId(const Value& value);

// The dictionary type of a value that has no inline id.
TermType DictionaryType(const Value& value);

// The dictionary bytes of a value (its term2id key without the type byte).
std::string DictionaryBytes(const Value& value);
// The same appended to *out, which keeps its capacity (a loader interning
// millions of terms reuses one buffer).
void AppendDictionaryBytes(const Value& value, std::string* out);

// Decodes an inline id. REQUIRES: IsInlineType(TypeOfId(id)).
Value DecodeInline(uint64_t id);

// Decodes dictionary bytes stored under an id of type `type`.
Result<Value> DecodeDictionary(TermType type, std::string_view bytes);

}  // namespace quipu
