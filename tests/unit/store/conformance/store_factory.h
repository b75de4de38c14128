// The store conformance suite: one set of tests of the Store contract
// (server/store/store.h), run against every Store implementation.
//
// Each implementation plugs in through a StoreFactory, listed once in
// ConformanceStores() (store_factories.cc). Every suite of the conformance
// tests derives its fixture from StoreConformanceTest and is instantiated
// over that list with RAPPORT_STORE_CONFORMANCE, so each test runs once per
// store, named after it ("Store/EventsTest.EmptyBatchIsOk/Sqlite").
#ifndef RAPPORT_TESTS_UNIT_STORE_CONFORMANCE_STORE_FACTORY_H_
#define RAPPORT_TESTS_UNIT_STORE_CONFORMANCE_STORE_FACTORY_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/store/store.h"

namespace rapport::store::testing {

// Makes stores of one implementation for the conformance tests.
class StoreFactory {
 public:
  virtual ~StoreFactory() = default;

  // The implementation's name as tests are named: letters and digits only
  // ("Sqlite").
  virtual std::string Name() const = 0;

  // A new, empty store: no tenants, members, events, keys or audit entries,
  // and sharing nothing with any other store this factory made. A test may
  // hold several at once (to compare two stores) and destroys each before
  // the next test starts.
  virtual absl::StatusOr<std::unique_ptr<Store>> NewStore() = 0;
};

// Every implementation the conformance suite runs against (never empty).
const std::vector<StoreFactory*>& ConformanceStores();

// The test name suffix of a factory parameter: its Name().
std::string StoreName(const ::testing::TestParamInfo<StoreFactory*>& info);

// Prints a factory parameter as its Name() in test output.
inline void PrintTo(StoreFactory* factory, std::ostream* os) {
  *os << (factory == nullptr ? "null" : factory->Name());
}

// The base of every conformance fixture: `store_` is a fresh empty store of
// the implementation under test.
class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory*> {
 protected:
  void SetUp() override { ASSERT_NE(store_, nullptr); }

  // Another fresh empty store of the same implementation; nullptr (and a
  // failure recorded) when it cannot be made.
  std::unique_ptr<Store> NewStore() {
    absl::StatusOr<std::unique_ptr<Store>> store = GetParam()->NewStore();
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::unique_ptr<Store> store_ = NewStore();
};

}  // namespace rapport::store::testing

// Runs the suite `fixture` (derived from StoreConformanceTest) against every
// store of ConformanceStores(). Use once per suite, at namespace scope.
#define RAPPORT_STORE_CONFORMANCE(fixture)                                 \
  INSTANTIATE_TEST_SUITE_P(                                                \
      Store, fixture,                                                      \
      ::testing::ValuesIn(::rapport::store::testing::ConformanceStores()), \
      ::rapport::store::testing::StoreName)

#endif  // RAPPORT_TESTS_UNIT_STORE_CONFORMANCE_STORE_FACTORY_H_
