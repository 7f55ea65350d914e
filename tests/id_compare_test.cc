// query/id_compare.h against the comparisons of values: for every pair of a
// varied set of stored values, what the ids decide must be what the values
// say (CompareForSort, CompareForFilter).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "core/term_id.h"
#include "query/decode_cache.h"
#include "query/expression.h"
#include "query/id_compare.h"
#include "storage/store.h"
#include "test_util.h"

namespace quipu::query {
namespace {

Decimal Dec(const char* text) {
  Decimal d;
  REQUIRE(ParseDecimal(text, &d));
  return d;
}

// Numbers of every kind that compare equal across kinds (1, 1.0, 1.0 as a
// decimal), ±0, values of every rank, big numbers outside the inline range.
std::vector<Value> Samples() {
  const int64_t big = int64_t{1} << 62;
  return {
      Value(false),
      Value(true),
      Value(int64_t{-5}),
      Value(int64_t{0}),
      Value(int64_t{1}),
      Value(int64_t{2}),
      Value(big),
      Value(-big),
      Value(0.0),
      Value(-0.0),
      Value(1.0),
      Value(1.5),
      Value(-2.25),
      Value(1e300),
      Value(std::numeric_limits<double>::infinity()),
      Value(std::nan("")),
      Value(Dec("1")),
      Value(Dec("1.5")),
      Value(Dec("-0.1")),
      Value(Dec("123456789012.5")),
      Value("a"),
      Value("b"),
      Value("ab"),
      Value(""),
      Value(LangString{"a", "en"}),
      Value(LangString{"a", "es"}),
      Value(Date{0}),
      Value(Date{-3}),
      Value(Date{18000}),
      Value(DateTime{0}),
      Value(DateTime{-1}),
      Value(DateTime{int64_t{18000} * 86400 * 1000000}),
      Value(Entity{"a"}),
      Value(Entity{"b"}),
      Value(Entity{"B"}),
  };
}

TEST_CASE("comparisons decided on ids agree with the values", "[id_compare]") {
  testing::TempDir dir("idcmp");
  auto store = storage::OpenRocksDbStore(dir.path(), {});
  REQUIRE(store.ok());
  std::vector<uint64_t> ids;
  {
    auto txn = (*store)->BeginWrite();
    REQUIRE(txn.ok());
    for (const Value& v : Samples()) {
      auto id = (*txn)->InternTerm(v);
      REQUIRE(id.ok());
      ids.push_back(*id);
    }
    REQUIRE((*txn)->Commit().ok());
  }
  auto view = (*store)->BeginRead();
  std::vector<Value> values;
  for (uint64_t id : ids) {
    auto v = view->DecodeTerm(id);
    REQUIRE(v.ok());
    values.push_back(*v);
  }
  ids.push_back(0);  // null
  values.emplace_back();
  int decided_sort = 0, decided_filter = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    for (size_t j = 0; j < ids.size(); ++j) {
      INFO(values[i].ToLiteral() << " vs " << values[j].ToLiteral());
      const int by_value = CompareForSort(values[i], values[j]);
      if (const std::optional<int> by_id = SortOrderOfIds(ids[i], ids[j])) {
        ++decided_sort;
        CHECK((*by_id > 0) - (*by_id < 0) == (by_value > 0) - (by_value < 0));
      }
      if (ids[i] == 0 || ids[j] == 0) continue;
      const std::optional<int> filter = CompareForFilter(values[i], values[j]);
      switch (FilterOrderOfIds(ids[i], ids[j])) {
        case IdsFilterOrder::kDecode:
          continue;
        case IdsFilterOrder::kIncomparable:
          CHECK_FALSE(filter.has_value());
          break;
        case IdsFilterOrder::kUnequal:
          REQUIRE(filter.has_value());
          CHECK(*filter != 0);
          break;
        case IdsFilterOrder::kLess:
          REQUIRE(filter.has_value());
          CHECK(*filter < 0);
          break;
        case IdsFilterOrder::kEqual:
          REQUIRE(filter.has_value());
          CHECK(*filter == 0);
          break;
        case IdsFilterOrder::kGreater:
          REQUIRE(filter.has_value());
          CHECK(*filter > 0);
          break;
      }
      ++decided_filter;
    }
  }
  // Most pairs are decided without values: the fast paths are in use.
  CHECK(decided_sort > static_cast<int>(ids.size() * ids.size() / 2));
  CHECK(decided_filter > static_cast<int>(ids.size() * ids.size() / 2));
}

TEST_CASE("values of a query's table are compared by value", "[id_compare]") {
  const uint64_t local = MakeId(TermType::kQueryLocal, 1);
  const uint64_t other = MakeId(TermType::kQueryLocal, 2);
  CHECK(SortOrderOfIds(local, local) == 0);
  CHECK_FALSE(SortOrderOfIds(local, other).has_value());
  CHECK_FALSE(SortOrderOfIds(local, *InlineId(Value(int64_t{1}))).has_value());
  CHECK(SortOrderOfIds(0, local) == -1);
  CHECK(FilterOrderOfIds(local, other) == IdsFilterOrder::kDecode);
}

TEST_CASE("the decode cache holds the latest value of each place", "[id_compare]") {
  DecodeCache cache;
  const uint64_t a = MakeId(TermType::kString, 7);
  CHECK(cache.Find(a) == nullptr);
  cache.Put(a, Value("seven"));
  REQUIRE(cache.Find(a) != nullptr);
  CHECK(cache.Find(a)->as_string() == "seven");
  // Many more ids than places: each found is its own, never another's.
  for (uint64_t i = 1; i <= 10 * DecodeCache::kPlaces; ++i) {
    cache.Put(MakeId(TermType::kString, i), Value(static_cast<int64_t>(i)));
  }
  int found = 0;
  for (uint64_t i = 1; i <= 10 * DecodeCache::kPlaces; ++i) {
    if (const Value* v = cache.Find(MakeId(TermType::kString, i))) {
      CHECK(v->as_int() == static_cast<int64_t>(i));
      ++found;
    }
  }
  CHECK(found > 0);
  CHECK(found <= static_cast<int>(DecodeCache::kPlaces));
}

}  // namespace
}  // namespace quipu::query
