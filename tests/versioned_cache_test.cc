// VersionedCache: values and probe counts of one store version.
#include "query/versioned_cache.h"

#include <catch2/catch.hpp>

namespace quipu::query {
namespace {

struct Blob {
  uint64_t size = 0;
  uint64_t bytes() const { return size; }
};

using Cache = VersionedCache<int, Blob>;

TEST_CASE("versioned cache: probes are summed per key within one version") {
  Cache cache(100);
  CHECK(cache.Probes(1, 5) == 0);
  cache.AddProbes(1, 5, 30);
  cache.AddProbes(1, 5, 12);
  cache.AddProbes(2, 5, 7);
  CHECK(cache.Probes(1, 5) == 42);
  CHECK(cache.Probes(2, 5) == 7);
  CHECK(cache.Probes(1, 4) == 0);  // another version sees none of them
  cache.AddProbes(1, 4, 99);       // an older statement's report is dropped
  CHECK(cache.Probes(1, 5) == 42);
}

TEST_CASE("versioned cache: a newer version drops the probes and the values") {
  Cache cache(100);
  cache.Put(1, 5, std::make_shared<const Blob>(Blob{10}));
  cache.AddProbes(2, 5, 30);
  REQUIRE(cache.Find(1, 5) != nullptr);
  cache.AddProbes(2, 6, 3);  // a statement on the next version
  CHECK(cache.Probes(2, 6) == 3);
  CHECK(cache.Probes(2, 5) == 0);
  CHECK(cache.Find(1, 5) == nullptr);
  CHECK(cache.Find(1, 6) == nullptr);
  cache.Put(1, 7, std::make_shared<const Blob>(Blob{10}));
  CHECK(cache.Probes(2, 7) == 0);
}

TEST_CASE("versioned cache: a value past the bound is not kept") {
  Cache cache(100);
  cache.Put(1, 5, std::make_shared<const Blob>(Blob{60}));
  cache.Put(2, 5, std::make_shared<const Blob>(Blob{60}));
  CHECK(cache.Find(1, 5) != nullptr);
  CHECK(cache.Find(2, 5) == nullptr);
}

}  // namespace
}  // namespace quipu::query
