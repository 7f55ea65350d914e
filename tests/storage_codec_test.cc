// Term codec tests: every value type must survive the inline encoding or the
// dictionary, both directly and through a real RocksDB store (within the
// writing transaction, after commit and after reopening), and inline ids must
// sort like their values because range scans and ORDER BY rely on it.
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/test_util.h"

#include "core/term_id.h"
#include "quipu/value.h"
#include "storage/store.h"

namespace Catch {
template <>
struct StringMaker<quipu::Value> {
  static std::string convert(const quipu::Value& v) {
    return std::string(quipu::TypeName(v.type())) + " " + v.ToLiteral();
  }
};
}  // namespace Catch

namespace quipu::storage {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kInlineMin = -(int64_t{1} << 59);
constexpr int64_t kInlineMax = (int64_t{1} << 59) - 1;

using quipu::testing::TempDir;

// Value equality that tells -0.0 from 0.0 and treats every NaN as equal,
// since plain == would hide a sign flip and never match a NaN.
bool SameValue(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  if (a.type() == Value::Type::kDouble) {
    const double x = a.as_double(), y = b.as_double();
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    return std::bit_cast<uint64_t>(x) == std::bit_cast<uint64_t>(y);
  }
  return a == b;
}

struct Sample {
  std::string name;
  Value value;
  TermType type;   // where the codec must put it
  Value expected;  // what decoding gives back
};

Sample Same(std::string name, Value value, TermType type) {
  Value expected = value;
  return Sample{std::move(name), std::move(value), type, std::move(expected)};
}

Date ParsedDate(const std::string& text) {
  Date d;
  INFO(text);
  REQUIRE(ParseDate(text, &d));
  REQUIRE(FormatDate(d) == text);
  return d;
}

// `canonical` is how FormatDateTime prints it back (UTC, micros only when set).
DateTime ParsedDateTime(const std::string& text, const std::string& canonical) {
  DateTime d;
  INFO(text);
  REQUIRE(ParseDateTime(text, &d));
  REQUIRE(FormatDateTime(d) == canonical);
  DateTime again;
  REQUIRE(ParseDateTime(canonical, &again));
  REQUIRE(again == d);
  return d;
}

std::vector<Sample> AllSamples() {
  const double kNan = std::numeric_limits<double>::quiet_NaN();
  const double kInf = std::numeric_limits<double>::infinity();
  const double kTwoToMinus63 = std::ldexp(1.0, -63);
  const double kTwoTo64 = std::ldexp(1.0, 64);
  std::vector<Sample> s;

  // Strings: dictionary bytes are raw, so UTF-8, NUL and newlines must pass.
  s.push_back(Same("ascii string", Value("hello"), TermType::kString));
  s.push_back(Same("utf-8 Perú", Value("Perú"), TermType::kString));
  s.push_back(Same("utf-8 中国", Value("中国"), TermType::kString));
  s.push_back(
      Same("emoji", Value("\xF0\x9F\x98\x80 \xF0\x9F\x87\xB5\xF0\x9F\x87\xAA"), TermType::kString));
  s.push_back(Same("empty string", Value(""), TermType::kString));
  s.push_back(Same("embedded newline", Value("line one\nline two\r\n"), TermType::kString));
  s.push_back(Same("embedded NUL", Value(std::string("a\0b", 3)), TermType::kString));
  s.push_back(Same("long string", Value(std::string(5000, 'x')), TermType::kString));
  // Language strings are "lang\0text": the tag ends at the first NUL only.
  s.push_back(Same("lang string", Value(LangString{"Perú", "es"}), TermType::kLangString));
  s.push_back(
      Same("lang string other tag", Value(LangString{"Perú", "es-PE"}), TermType::kLangString));
  s.push_back(Same("lang string 中国", Value(LangString{"中国", "zh"}), TermType::kLangString));
  s.push_back(Same("lang string empty text", Value(LangString{"", "en"}), TermType::kLangString));
  s.push_back(Same("lang string empty tag", Value(LangString{"text", ""}), TermType::kLangString));
  s.push_back(Same("lang string both empty", Value(LangString{"", ""}), TermType::kLangString));
  s.push_back(Same("lang string text with NUL", Value(LangString{std::string("a\0b", 3), "en"}),
                   TermType::kLangString));
  s.push_back(Same("lang string text with newline", Value(LangString{"a\nb", "en"}),
                   TermType::kLangString));
  // Entities share bytes with strings but never their ids.
  s.push_back(Same("entity plain key", Value(Entity{"cosco"}), TermType::kEntity));
  s.push_back(Same("entity same bytes as string", Value(Entity{"Perú"}), TermType::kEntity));
  s.push_back(
      Same("entity IRI", Value(Entity{"http://www.wikidata.org/entity/Q42"}), TermType::kEntity));
  s.push_back(Same("entity empty key", Value(Entity{""}), TermType::kEntity));

  // Integers: 60-bit inline range is [-2^59, 2^59 - 1].
  s.push_back(Same("int 0", Value(int64_t{0}), TermType::kInt));
  s.push_back(Same("int -1", Value(int64_t{-1}), TermType::kInt));
  s.push_back(Same("int 1", Value(int64_t{1}), TermType::kInt));
  s.push_back(Same("int -2^59", Value(kInlineMin), TermType::kInt));
  s.push_back(Same("int 2^59-1", Value(kInlineMax), TermType::kInt));
  s.push_back(Same("int -2^59-1", Value(kInlineMin - 1), TermType::kBigInt));
  s.push_back(Same("int 2^59", Value(kInlineMax + 1), TermType::kBigInt));
  s.push_back(Same("int INT64_MIN", Value(std::numeric_limits<int64_t>::min()), TermType::kBigInt));
  s.push_back(Same("int INT64_MAX", Value(std::numeric_limits<int64_t>::max()), TermType::kBigInt));

  // Doubles: magnitudes in [2^-63, 2^64) and zero are inline.
  s.push_back(Same("double 0.0", Value(0.0), TermType::kDouble));
  s.push_back(Sample{"double -0.0", Value(-0.0), TermType::kDouble, Value(0.0)});
  s.push_back(Same("double 0.1", Value(0.1), TermType::kDouble));
  s.push_back(Same("double -0.1", Value(-0.1), TermType::kDouble));
  s.push_back(Same("double 1.5", Value(1.5), TermType::kDouble));
  s.push_back(Same("double -12345.678", Value(-12345.678), TermType::kDouble));
  s.push_back(Same("double 2^-63", Value(kTwoToMinus63), TermType::kDouble));
  s.push_back(Same("double -2^-63", Value(-kTwoToMinus63), TermType::kDouble));
  s.push_back(Same("double just below 2^-63", Value(std::nextafter(kTwoToMinus63, 0.0)),
                   TermType::kBigDouble));
  s.push_back(
      Same("double just below 2^64", Value(std::nextafter(kTwoTo64, 0.0)), TermType::kDouble));
  s.push_back(
      Same("double -(just below 2^64)", Value(-std::nextafter(kTwoTo64, 0.0)), TermType::kDouble));
  s.push_back(Same("double 2^64", Value(kTwoTo64), TermType::kBigDouble));
  s.push_back(Same("double -2^64", Value(-kTwoTo64), TermType::kBigDouble));
  s.push_back(Same("double 1e-300", Value(1e-300), TermType::kBigDouble));
  s.push_back(Same("double -1e-300", Value(-1e-300), TermType::kBigDouble));
  s.push_back(Same("double 1e300", Value(1e300), TermType::kBigDouble));
  s.push_back(Same("double denormal min", Value(std::numeric_limits<double>::denorm_min()),
                   TermType::kBigDouble));
  s.push_back(Same("double max", Value(std::numeric_limits<double>::max()), TermType::kBigDouble));
  s.push_back(
      Same("double lowest", Value(std::numeric_limits<double>::lowest()), TermType::kBigDouble));
  s.push_back(Same("double infinity", Value(kInf), TermType::kBigDouble));
  s.push_back(Same("double -infinity", Value(-kInf), TermType::kBigDouble));
  s.push_back(Same("double NaN", Value(kNan), TermType::kBigDouble));

  s.push_back(Same("bool true", Value(true), TermType::kBool));
  s.push_back(Same("bool false", Value(false), TermType::kBool));

  for (const char* text : {"1970-01-01", "1969-12-31", "2024-02-29", "0001-01-01", "0000-02-29",
                           "9999-12-31", "-0044-03-15", "-9999-01-01"}) {
    s.push_back(Same(std::string("date ") + text, Value(ParsedDate(text)), TermType::kDate));
  }
  const std::pair<const char*, const char*> kDateTimes[] = {
      {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
      {"2024-02-29T12:34:56.789012Z", "2024-02-29T12:34:56.789012Z"},
      {"1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"},
      {"1900-01-01T00:00:00.5Z", "1900-01-01T00:00:00.500000Z"},
      {"2024-06-01T08:00:00+02:00", "2024-06-01T06:00:00Z"},
      {"-0044-03-15T12:00:00+01:00", "-0044-03-15T11:00:00Z"},
      {"9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"},
      {"-9999-01-01T00:00:00.000001Z", "-9999-01-01T00:00:00.000001Z"},
  };
  for (const auto& [text, canonical] : kDateTimes) {
    s.push_back(Same(std::string("datetime ") + text, Value(ParsedDateTime(text, canonical)),
                     TermType::kDateTime));
  }
  for (const char* text : {"0", "12.5", "-0.05", "100", "999999999999999999",
                           "-0.000000000000000001", "123456789.123456789"}) {
    Decimal d;
    REQUIRE(ParseDecimal(text, &d));
    CHECK(FormatDecimal(d) == text);
    s.push_back(Same(std::string("decimal ") + text, Value(d), TermType::kDecimal));
  }
  return s;
}

// Direct codec round trip, without a store.
Value CodecRoundTrip(const Sample& sample) {
  if (std::optional<uint64_t> id = InlineId(sample.value)) {
    CHECK(IsInlineType(TypeOfId(*id)));
    CHECK(TypeOfId(*id) == sample.type);
    return DecodeInline(*id);
  }
  CHECK_FALSE(IsInlineType(sample.type));
  const TermType type = DictionaryType(sample.value);
  CHECK(type == sample.type);
  Result<Value> decoded = DecodeDictionary(type, DictionaryBytes(sample.value));
  REQUIRE(decoded.ok());
  return *decoded;
}

TEST_CASE("known calendar values", "[codec][date]") {
  CHECK(ParsedDate("1970-01-01").days == 0);
  CHECK(ParsedDate("1970-01-02").days == 1);
  CHECK(ParsedDate("1969-12-31").days == -1);
  CHECK(ParsedDate("2024-02-29").days == 19782);
  CHECK(ParsedDate("0001-01-01").days == -719162);
  CHECK(ParsedDate("9999-12-31").days == 2932896);
  // Astronomical year numbering: year 0 exists and is a leap year.
  CHECK(ParsedDate("-0001-12-31").days + 1 == ParsedDate("0000-01-01").days);
  CHECK(ParsedDate("0000-12-31").days + 1 == ParsedDate("0001-01-01").days);
  CHECK(ParsedDate("-0044-02-29").days + 15 == ParsedDate("-0044-03-15").days);
  CHECK(ParsedDateTime("2024-02-29T12:34:56.789012Z", "2024-02-29T12:34:56.789012Z").micros ==
        int64_t{1709210096789012});
  CHECK(ParsedDateTime("1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z").micros == -1);
}

TEST_CASE("codec round trip of every value type", "[codec]") {
  for (const Sample& sample : AllSamples()) {
    INFO(sample.name);
    const Value decoded = CodecRoundTrip(sample);
    CHECK(SameValue(decoded, sample.expected));
  }
  // -0.0 shares the id of 0.0 so equal numbers join; it must decode as +0.
  const Value zero = DecodeInline(*InlineId(Value(-0.0)));
  CHECK(zero.as_double() == 0.0);
  CHECK_FALSE(std::signbit(zero.as_double()));
  CHECK(*InlineId(Value(-0.0)) == *InlineId(Value(0.0)));
  Result<Value> nan = DecodeDictionary(TermType::kBigDouble, DictionaryBytes(Value(std::nan(""))));
  REQUIRE(nan.ok());
  CHECK(std::isnan(nan->as_double()));
}

TEST_CASE("values outside every encoding are refused, bad bytes are corruption", "[codec]") {
  // Only the parser limits dates, so the codec must not silently wrap these.
  const Value huge_date(Date{std::numeric_limits<int64_t>::max()});
  const Value huge_datetime(DateTime{kInlineMax + 1});
  CHECK_FALSE(InlineId(huge_date).has_value());
  CHECK(DictionaryType(huge_date) == TermType::kInvalid);
  CHECK_FALSE(InlineId(huge_datetime).has_value());
  CHECK(DictionaryType(huge_datetime) == TermType::kInvalid);
  CHECK(InlineId(Value(DateTime{kInlineMax})).has_value());
  CHECK(InlineId(Value(DateTime{kInlineMin})).has_value());
  CHECK_FALSE(InlineId(Value(DateTime{kInlineMin - 1})).has_value());
  CHECK_FALSE(InlineId(Value()).has_value());

  CHECK(DecodeDictionary(TermType::kLangString, "no tag").status().code() ==
        Status::Code::kCorruption);
  CHECK(DecodeDictionary(TermType::kBigInt, "1234567").status().code() ==
        Status::Code::kCorruption);
  CHECK(DecodeDictionary(TermType::kBigDouble, "123456789").status().code() ==
        Status::Code::kCorruption);
  CHECK(DecodeDictionary(TermType::kInt, "12345678").status().code() == Status::Code::kCorruption);
  CHECK(DecodeDictionary(TermType::kInvalid, "").status().code() == Status::Code::kCorruption);
  // Decimal bytes must be canonical: another spelling would be a second id.
  for (const char* bad : {"12.50", "+1", "01", "1e3", "", "1234567890123456789"}) {
    INFO(bad);
    CHECK(DecodeDictionary(TermType::kDecimal, bad).status().code() == Status::Code::kCorruption);
  }
}

// Checks that every sample has the id it was interned with and decodes back.
void CheckReadable(ReadView* view, const std::vector<Sample>& samples,
                   const std::vector<uint64_t>& ids) {
  for (size_t i = 0; i < samples.size(); ++i) {
    INFO(samples[i].name);
    Result<uint64_t> found = view->FindTerm(samples[i].value);
    REQUIRE(found.ok());
    CHECK(*found == ids[i]);
    Result<Value> decoded = view->DecodeTerm(ids[i]);
    REQUIRE(decoded.ok());
    CHECK(SameValue(*decoded, samples[i].expected));
  }
}

TEST_CASE("dictionary round trip through a RocksDB store, commit and reopen", "[codec][store]") {
  TempDir dir("codec");
  const std::vector<Sample> samples = AllSamples();
  std::vector<uint64_t> ids;

  Result<std::unique_ptr<Store>> store = OpenRocksDbStore(dir.path(), StoreOptions());
  REQUIRE(store.ok());
  {
    // Before anything is interned, dictionary values are unknown (0) while
    // inline values have their id regardless.
    std::unique_ptr<ReadView> empty = (*store)->BeginRead();
    for (const Sample& sample : samples) {
      INFO(sample.name);
      Result<uint64_t> found = empty->FindTerm(sample.value);
      REQUIRE(found.ok());
      if (IsInlineType(sample.type)) {
        CHECK(*found == *InlineId(sample.value));
      } else {
        CHECK(*found == 0);
      }
    }
  }
  {
    Result<std::unique_ptr<WriteTxn>> txn = (*store)->BeginWrite();
    REQUIRE(txn.ok());
    for (const Sample& sample : samples) {
      INFO(sample.name);
      Result<uint64_t> id = (*txn)->InternTerm(sample.value);
      REQUIRE(id.ok());
      CHECK(TypeOfId(*id) == sample.type);
      CHECK(*id != 0);  // 0 means "unknown term" to FindTerm
      if (IsInlineType(sample.type)) {
        CHECK(*id == *InlineId(sample.value));
      } else {
        CHECK((*id & kPayloadMask) != 0);  // sequences start at 1
      }
      // Interning again, in the same batch, must find the pending entry.
      Result<uint64_t> again = (*txn)->InternTerm(sample.value);
      REQUIRE(again.ok());
      CHECK(*again == *id);
      ids.push_back(*id);
    }
    // The writer reads its own dictionary entries before committing.
    CheckReadable(txn->get(), samples, ids);

    // Out-of-range values have no encoding at all.
    Result<uint64_t> huge = (*txn)->InternTerm(Value(DateTime{kInlineMax + 1}));
    CHECK_FALSE(huge.ok());
    CHECK(huge.status().code() == Status::Code::kInvalidArgument);
    Result<uint64_t> huge_found = (*txn)->FindTerm(Value(Date{kInlineMax + 1}));
    REQUIRE(huge_found.ok());
    CHECK(*huge_found == 0);

    {
      // A reader started before the commit does not see the new terms.
      std::unique_ptr<ReadView> before = (*store)->BeginRead();
      Result<uint64_t> found = before->FindTerm(Value("Perú"));
      REQUIRE(found.ok());
      CHECK(*found == 0);
    }
    REQUIRE((*txn)->Commit().ok());
  }

  // Distinct values get distinct ids; equal ones (0.0 and -0.0) share one.
  for (size_t i = 0; i < samples.size(); ++i) {
    for (size_t j = i + 1; j < samples.size(); ++j) {
      INFO(samples[i].name << " vs " << samples[j].name);
      CHECK((ids[i] == ids[j]) == SameValue(samples[i].expected, samples[j].expected));
    }
  }

  {
    std::unique_ptr<ReadView> view = (*store)->BeginRead();
    CheckReadable(view.get(), samples, ids);
  }

  // Reopening must find the same ids and keep the id sequences, so a new
  // term does not reuse an existing id.
  store->reset();
  store = OpenRocksDbStore(dir.path(), StoreOptions());
  REQUIRE(store.ok());
  {
    std::unique_ptr<ReadView> view = (*store)->BeginRead();
    CheckReadable(view.get(), samples, ids);
  }
  {
    Result<std::unique_ptr<WriteTxn>> txn = (*store)->BeginWrite();
    REQUIRE(txn.ok());
    for (const Value& fresh :
         {Value("a new string"), Value(Entity{"new_entity"}), Value(LangString{"nuevo", "es"}),
          Value(std::numeric_limits<int64_t>::max() - 1),
          Value(std::numeric_limits<double>::min())}) {
      INFO(fresh.ToLiteral());
      Result<uint64_t> id = (*txn)->InternTerm(fresh);
      REQUIRE(id.ok());
      CHECK(std::find(ids.begin(), ids.end(), *id) == ids.end());
      Result<Value> decoded = (*txn)->DecodeTerm(*id);
      REQUIRE(decoded.ok());
      CHECK(SameValue(*decoded, fresh));
    }
    REQUIRE((*txn)->Commit().ok());
  }
  {
    std::unique_ptr<ReadView> view = (*store)->BeginRead();
    CheckReadable(view.get(), samples, ids);
  }
  store->reset();

  // A read-only open sees the same dictionary.
  StoreOptions read_only;
  read_only.read_only = true;
  store = OpenRocksDbStore(dir.path(), read_only);
  REQUIRE(store.ok());
  {
    std::unique_ptr<ReadView> view = (*store)->BeginRead();
    CheckReadable(view.get(), samples, ids);
  }
  store->reset();
}

// Sorts (id, value) pairs by id and checks the values come out sorted, and
// that ids are equal exactly when values are.
template <typename T, typename MakeValue>
void CheckOrderPreserved(const std::vector<T>& values, MakeValue make_value) {
  std::vector<std::pair<uint64_t, T>> by_id;
  for (const T& v : values) {
    std::optional<uint64_t> id = InlineId(make_value(v));
    INFO(make_value(v).ToLiteral());
    REQUIRE(id.has_value());
    by_id.emplace_back(*id, v);
  }
  std::sort(by_id.begin(), by_id.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<T> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    INFO("position " << i);
    CHECK(by_id[i].second == sorted[i]);
    if (i > 0) CHECK((by_id[i - 1].first == by_id[i].first) == (sorted[i - 1] == sorted[i]));
  }
}

TEST_CASE("inline ids sort like their values", "[codec][order]") {
  std::mt19937_64 rng(20240229);

  std::vector<int64_t> ints = {0, -1, 1, kInlineMin, kInlineMax, kInlineMin + 1, kInlineMax - 1};
  std::uniform_int_distribution<int64_t> any_int(kInlineMin, kInlineMax);
  std::uniform_int_distribution<int64_t> small_int(-1000, 1000);
  for (int i = 0; i < 200; ++i) ints.push_back(i % 2 ? any_int(rng) : small_int(rng));
  CheckOrderPreserved(ints, [](int64_t v) { return Value(v); });

  std::vector<double> doubles = {0.0,
                                 std::ldexp(1.0, -63),
                                 -std::ldexp(1.0, -63),
                                 std::nextafter(std::ldexp(1.0, 64), 0.0),
                                 -std::nextafter(std::ldexp(1.0, 64), 0.0),
                                 0.1,
                                 -0.1,
                                 1.0,
                                 -1.0};
  std::uniform_real_distribution<double> mantissa(1.0, 2.0);
  std::uniform_int_distribution<int> exponent(-63, 63);
  for (int i = 0; i < 200; ++i) {
    const double magnitude = std::ldexp(mantissa(rng), exponent(rng));
    doubles.push_back(rng() % 2 ? magnitude : -magnitude);
  }
  // Neighbours differing in the last mantissa bit must stay ordered too.
  doubles.push_back(std::nextafter(1.0, 2.0));
  doubles.push_back(std::nextafter(-1.0, -2.0));
  CheckOrderPreserved(doubles, [](double v) { return Value(v); });

  const int64_t first_day = ParsedDate("-9999-01-01").days;
  const int64_t last_day = ParsedDate("9999-12-31").days;
  std::uniform_int_distribution<int64_t> any_day(first_day, last_day);
  std::vector<int64_t> days = {first_day, last_day, 0, -1, 1};
  for (int i = 0; i < 200; ++i) days.push_back(any_day(rng));
  CheckOrderPreserved(days, [](int64_t d) { return Value(Date{d}); });

  std::uniform_int_distribution<int64_t> any_micros(first_day * 86400000000,
                                                    (last_day + 1) * 86400000000 - 1);
  std::vector<int64_t> micros = {0, -1, 1, kInlineMin, kInlineMax};
  for (int i = 0; i < 200; ++i) micros.push_back(any_micros(rng));
  CheckOrderPreserved(micros, [](int64_t m) { return Value(DateTime{m}); });

  CHECK(*InlineId(Value(false)) < *InlineId(Value(true)));
}

TEST_CASE("FormatDate and ParseDate round trip", "[codec][date]") {
  const int64_t first_day = ParsedDate("-9999-01-01").days;
  const int64_t last_day = ParsedDate("9999-12-31").days;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> any_day(first_day, last_day);
  for (int i = 0; i < 10000; ++i) {
    const Date d{any_day(rng)};
    const std::string text = FormatDate(d);
    INFO(d.days << " formats as " << text);
    Date parsed;
    REQUIRE(ParseDate(text, &parsed));
    REQUIRE(parsed == d);
  }
  // One before and after the range no longer has a four-digit year.
  Date outside;
  CHECK_FALSE(ParseDate(FormatDate(Date{first_day - 1}), &outside));
  CHECK_FALSE(ParseDate(FormatDate(Date{last_day + 1}), &outside));
}

TEST_CASE("ParseDate rejects invalid dates", "[codec][date]") {
  Date d;
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "", "2024-00-10", "2024-04-31",
                          "1900-02-29", "-0100-02-29", "10000-01-01", "2024-01-01x", "2024/01/01",
                          "2024-01-1", " 2024-01-01", "2024-01-01T00:00:00Z"}) {
    INFO('"' << bad << '"');
    CHECK_FALSE(ParseDate(bad, &d));
  }
  for (const char* good : {"2000-02-29", "-0400-02-29", "0000-02-29", "2024-12-31"}) {
    INFO('"' << good << '"');
    CHECK(ParseDate(good, &d));
  }
}

}  // namespace
}  // namespace quipu::storage
