#include "core/term_id.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "core/coding.h"

namespace quipu {
namespace {

constexpr int64_t kInlineIntMin = -(int64_t{1} << 59);
constexpr int64_t kInlineIntMax = (int64_t{1} << 59) - 1;
constexpr uint64_t kOffset = uint64_t{1} << 59;

// Doubles whose biased IEEE exponent lies in [kExpLow + 1, kExpLow + 127]
// (magnitudes in [2^-63, 2^64)) keep all 52 mantissa bits in 59 bits:
// 7 bits of rebiased exponent + 52 of mantissa, and bit 59 for the sign.
constexpr uint64_t kExpLow = 1023 - 64;

std::optional<uint64_t> InlineDouble(double d) {
  if (d == 0.0) return MakeId(TermType::kDouble, kOffset);  // +0 and -0 alike
  if (!std::isfinite(d)) return std::nullopt;
  const uint64_t bits = std::bit_cast<uint64_t>(d);
  const uint64_t exponent = (bits >> 52) & 0x7ff;
  const uint64_t mantissa = bits & ((uint64_t{1} << 52) - 1);
  if (exponent <= kExpLow || exponent > kExpLow + 127) return std::nullopt;
  const uint64_t magnitude = ((exponent - kExpLow) << 52) | mantissa;  // < 2^59
  const uint64_t payload = (bits >> 63) ? kOffset - magnitude : kOffset + magnitude;
  return MakeId(TermType::kDouble, payload);
}

double DecodeDouble(uint64_t payload) {
  if (payload == kOffset) return 0.0;
  const bool negative = payload < kOffset;
  const uint64_t magnitude = negative ? kOffset - payload : payload - kOffset;
  const uint64_t exponent = (magnitude >> 52) + kExpLow;
  const uint64_t mantissa = magnitude & ((uint64_t{1} << 52) - 1);
  const uint64_t bits = (uint64_t{negative} << 63) | (exponent << 52) | mantissa;
  return std::bit_cast<double>(bits);
}

}  // namespace

bool IsInlineType(TermType type) {
  switch (type) {
    case TermType::kInt:
    case TermType::kDouble:
    case TermType::kBool:
    case TermType::kDate:
    case TermType::kDateTime:
      return true;
    default:
      return false;
  }
}

std::optional<uint64_t> InlineId(const Value& value) {
  switch (value.type()) {
    case Value::Type::kInt: {
      const int64_t i = value.as_int();
      if (i < kInlineIntMin || i > kInlineIntMax) return std::nullopt;
      return MakeId(TermType::kInt, static_cast<uint64_t>(i) + kOffset);
    }
    case Value::Type::kDouble:
      return InlineDouble(value.as_double());
    case Value::Type::kBool:
      return MakeId(TermType::kBool, value.as_bool() ? 1 : 0);
    case Value::Type::kDate: {
      const int64_t d = value.as_date().days;
      if (d < kInlineIntMin || d > kInlineIntMax) return std::nullopt;
      return MakeId(TermType::kDate, static_cast<uint64_t>(d) + kOffset);
    }
    case Value::Type::kDateTime: {
      const int64_t t = value.as_datetime().micros;
      if (t < kInlineIntMin || t > kInlineIntMax) return std::nullopt;
      return MakeId(TermType::kDateTime, static_cast<uint64_t>(t) + kOffset);
    }
    default:
      return std::nullopt;
  }
}

TermType DictionaryType(const Value& value) {
  switch (value.type()) {
    case Value::Type::kEntity:
      return TermType::kEntity;
    case Value::Type::kString:
      return TermType::kString;
    case Value::Type::kLangString:
      return TermType::kLangString;
    case Value::Type::kInt:
      return TermType::kBigInt;
    case Value::Type::kDouble:
      return TermType::kBigDouble;
    case Value::Type::kDecimal:
      return TermType::kDecimal;
    default:
      return TermType::kInvalid;  // dates out of range are rejected by the parser
  }
}

std::string DictionaryBytes(const Value& value) {
  std::string out;
  AppendDictionaryBytes(value, &out);
  return out;
}

void AppendDictionaryBytes(const Value& value, std::string* out) {
  switch (value.type()) {
    case Value::Type::kEntity:
      out->append(value.as_entity().key);
      return;
    case Value::Type::kString:
      out->append(value.as_string());
      return;
    case Value::Type::kLangString:
      out->append(value.as_lang_string().lang);
      out->push_back('\0');
      out->append(value.as_lang_string().text);
      return;
    case Value::Type::kInt:
      PutBigEndian64(out, static_cast<uint64_t>(value.as_int()));
      return;
    case Value::Type::kDouble:
      PutBigEndian64(out, std::bit_cast<uint64_t>(value.as_double()));
      return;
    case Value::Type::kDecimal:
      out->append(FormatDecimal(value.as_decimal()));
      return;
    default:
      return;
  }
}

Value DecodeInline(uint64_t id) {
  const uint64_t payload = id & kPayloadMask;
  switch (TypeOfId(id)) {
    case TermType::kInt:
      return Value(static_cast<int64_t>(payload - kOffset));
    case TermType::kDouble:
      return Value(DecodeDouble(payload));
    case TermType::kBool:
      return Value(payload != 0);
    case TermType::kDate:
      return Value(Date{static_cast<int64_t>(payload - kOffset)});
    case TermType::kDateTime:
      return Value(DateTime{static_cast<int64_t>(payload - kOffset)});
    default:
      return Value();
  }
}

Result<Value> DecodeDictionary(TermType type, std::string_view bytes) {
  switch (type) {
    case TermType::kEntity:
      return Value(Entity{std::string(bytes)});
    case TermType::kString:
      return Value(std::string(bytes));
    case TermType::kLangString: {
      const size_t nul = bytes.find('\0');
      if (nul == std::string_view::npos) return Status::Corruption("language string without tag");
      return Value(
          LangString{std::string(bytes.substr(nul + 1)), std::string(bytes.substr(0, nul))});
    }
    case TermType::kBigInt:
      if (bytes.size() != 8) return Status::Corruption("big integer term is not 8 bytes");
      return Value(static_cast<int64_t>(GetBigEndian64(bytes.data())));
    case TermType::kBigDouble:
      if (bytes.size() != 8) return Status::Corruption("big double term is not 8 bytes");
      return Value(std::bit_cast<double>(GetBigEndian64(bytes.data())));
    case TermType::kDecimal: {
      Decimal d;
      // Canonical text only: another spelling of the same number would be a
      // second id for it.
      if (!ParseDecimal(bytes, &d) || FormatDecimal(d) != bytes) {
        return Status::Corruption("decimal term is not a canonical decimal: " + std::string(bytes));
      }
      return Value(d);
    }
    default:
      return Status::Corruption("term id of unknown type " +
                                std::to_string(static_cast<int>(type)));
  }
}

}  // namespace quipu
