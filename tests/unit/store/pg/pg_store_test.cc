// The PostgreSQL store's own workings, against a real server: migrations
// under their lock, the error mapping, the connection pool's bound and
// recovery, retried serialization failures, and values and arrays that
// travel through libpq unchanged. The Store contract itself is the
// conformance suite's (tests/unit/store/conformance/).
#include "server/store/pg/pg_store.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/store/errors.h"
#include "server/store/pg/pg_connection.h"
#include "server/store/pg/pg_migrations.h"
#include "server/store/pg/pg_pool.h"
#include "tests/common/pg_test_server.h"

namespace rapport::store::pg {
namespace {

std::string FreshDatabase() {
  absl::StatusOr<std::string> uri = testing::NewTestPgDatabase("pgstore");
  EXPECT_TRUE(uri.ok()) << uri.status();
  return uri.ok() ? *uri : "";
}

absl::StatusOr<std::unique_ptr<PgStore>> OpenStore(const std::string& uri) {
  PgStoreOptions options;
  options.uri = uri;
  options.connections = 2;
  return PgStore::Open(options);
}

// A loopback port nothing listens on.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(PgMigrationsTest, ReplicasStartingTogetherApplyEachMigrationOnce) {
  const std::string uri = FreshDatabase();
  constexpr int kReplicas = 6;
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] { results[i] = OpenStore(uri).status(); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : results) EXPECT_TRUE(status.ok()) << status;

  auto conn = Connection::Open(uri);
  ASSERT_TRUE(conn.ok()) << conn.status();
  auto applied = (*conn)->Exec(
      "SELECT version, count(*) FROM schema_migrations GROUP BY version "
      "ORDER BY version");
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_EQ(applied->rows(), LatestPgSchemaVersion());
  for (int row = 0; row < applied->rows(); ++row) {
    EXPECT_EQ(applied->Int(row, 0), row + 1);
    EXPECT_EQ(applied->Int(row, 1), 1) << "version " << row + 1;
  }
}

TEST(PgMigrationsTest, OpeningAgainChangesNothing) {
  const std::string uri = FreshDatabase();
  ASSERT_TRUE(OpenStore(uri).ok());
  auto conn = Connection::Open(uri);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->Exec("INSERT INTO tenants VALUES ('acme', 'Acme', 1, 0, 5)")
                  .ok());
  ASSERT_TRUE(OpenStore(uri).ok());
  auto tenants = (*conn)->Exec("SELECT display_name FROM tenants");
  ASSERT_TRUE(tenants.ok());
  ASSERT_EQ(tenants->rows(), 1);
  EXPECT_EQ(tenants->String(0, 0), "Acme");
}

TEST(PgMigrationsTest, ANewerSchemaIsRefused) {
  const std::string uri = FreshDatabase();
  ASSERT_TRUE(OpenStore(uri).ok());
  auto conn = Connection::Open(uri);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->Exec("INSERT INTO schema_migrations (version) VALUES ($1)",
                         Params().Add(LatestPgSchemaVersion() + 1))
                  .ok());
  absl::Status opened = OpenStore(uri).status();
  EXPECT_EQ(opened.code(), absl::StatusCode::kFailedPrecondition) << opened;
  EXPECT_NE(opened.message().find("newer"), absl::string_view::npos);
}

TEST(PgStoreOpenTest, AnUnreachableServerIsUnavailableWithoutItsAddress) {
  const std::string uri = absl::StrCat(
      "postgresql://rapport:s3cret@127.0.0.1:", ClosedPort(), "/rapport");
  absl::Status opened = OpenStore(uri).status();
  EXPECT_EQ(opened.code(), absl::StatusCode::kUnavailable) << opened;
  EXPECT_EQ(opened.message(), kStorageIoError);
}

TEST(PgStoreOpenTest, BadOptionsAreInvalid) {
  EXPECT_EQ(OpenStore("").status().code(), absl::StatusCode::kInvalidArgument);
  PgStoreOptions options;
  options.uri = FreshDatabase();
  options.connections = 0;
  EXPECT_EQ(PgStore::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PgStoreOpenTest, UrisAreRecognised) {
  EXPECT_TRUE(IsPgUri("postgresql://db.internal/rapport"));
  EXPECT_TRUE(IsPgUri("postgres://u@h:5432/r?sslmode=require"));
  EXPECT_FALSE(IsPgUri("rapport.db"));
  EXPECT_FALSE(IsPgUri("/var/lib/rapport/postgresql://x"));
  EXPECT_FALSE(IsPgUri(""));
}

TEST(PgPoolTest, NoMoreConnectionsThanItsBoundAndAWaitThatEnds) {
  PgPool pool(FreshDatabase(), 1, absl::Milliseconds(200));
  absl::Notification held, release;
  std::thread holder([&] {
    ASSERT_TRUE(pool.WithConnection([&](Connection&) {
                      held.Notify();
                      release.WaitForNotification();
                      return absl::OkStatus();
                    })
                    .ok());
  });
  held.WaitForNotification();
  int ran = 0;
  absl::Status busy = pool.WithConnection([&](Connection&) {
    ++ran;
    return absl::OkStatus();
  });
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(busy.message(), kStorageBusy);
  EXPECT_EQ(ran, 0);
  release.Notify();
  holder.join();
  EXPECT_TRUE(pool.WithConnection([&](Connection&) {
                    ++ran;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(ran, 1);
}

TEST(PgPoolTest, ALostConnectionIsReplaced) {
  PgPool pool(FreshDatabase(), 1, absl::Seconds(5));
  absl::Status lost = pool.WithConnection([](Connection& conn) {
    return conn.Exec("SELECT pg_terminate_backend(pg_backend_pid())").status();
  });
  EXPECT_EQ(lost.code(), absl::StatusCode::kUnavailable) << lost;
  absl::Status again = pool.WithConnection([](Connection& conn) {
    auto one = conn.Exec("SELECT 1");
    return one.status();
  });
  EXPECT_TRUE(again.ok()) << again;
}

TEST(PgPoolTest, SerializationFailuresAreRetriedAndOtherFailuresAreNot) {
  PgPool pool(FreshDatabase(), 2, absl::Seconds(5));
  auto fail_with = [](Connection& conn, const char* state) {
    return conn.ExecScript(
        absl::StrCat("DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '", state,
                     "'; END $$")
            .c_str());
  };
  int attempts = 0;
  absl::Status retried = pool.Transaction([&](Connection& conn) {
    return ++attempts < 3 ? fail_with(conn, "40001") : absl::OkStatus();
  });
  EXPECT_TRUE(retried.ok()) << retried;
  EXPECT_EQ(attempts, 3);

  attempts = 0;
  absl::Status unique = pool.Transaction([&](Connection& conn) {
    ++attempts;
    return fail_with(conn, "23505");
  });
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(unique.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(SqlStateOf(unique), "23505");
  EXPECT_EQ(unique.message(), kStorageInternal);
}

TEST(PgPoolTest, AFailedTransactionLeavesNothing) {
  const std::string uri = FreshDatabase();
  ASSERT_TRUE(OpenStore(uri).ok());
  PgPool pool(uri, 1, absl::Seconds(5));
  absl::Status failed = pool.Transaction([](Connection& conn) -> absl::Status {
    auto inserted =
        conn.Exec("INSERT INTO tenants VALUES ('acme', 'Acme', 1, 0, 5)");
    if (!inserted.ok()) return inserted.status();
    return absl::InvalidArgumentError("member_id is empty");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kInvalidArgument);
  absl::Status counted = pool.WithConnection([](Connection& conn) {
    auto rows = conn.Exec("SELECT count(*) FROM tenants");
    if (!rows.ok()) return rows.status();
    EXPECT_EQ(rows->Int(0, 0), 0);
    return absl::OkStatus();
  });
  EXPECT_TRUE(counted.ok()) << counted;
}

// Random text of the characters ids may hold, with the ones array literals
// and SQL treat specially over-represented.
std::string RandomText(std::mt19937_64& rng) {
  static const std::vector<std::string> kPieces = {
      "a", "Z",    "0", "\"", "\\", ",",  "{",  "}", " ",
      "'", "NULL", "é", "ü",  "漢", "$1", "\t", ";", "--"};
  std::uniform_int_distribution<int> length(0, 12);
  std::uniform_int_distribution<size_t> piece(0, kPieces.size() - 1);
  std::string text;
  for (int n = length(rng); n > 0; --n) text += kPieces[piece(rng)];
  return text;
}

TEST(PgValuesTest, TextIntegersRealsAndTimesRoundTrip) {
  auto conn = Connection::Open(FreshDatabase());
  ASSERT_TRUE(conn.ok());
  std::mt19937_64 rng(20261130);
  std::uniform_int_distribution<int64_t> any_int(
      std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  std::uniform_real_distribution<double> any_real(-1e6, 1e6);
  for (int i = 0; i < 200; ++i) {
    const std::string text = RandomText(rng);
    const int64_t integer = any_int(rng);
    const double real = i % 7 == 0 ? std::nextafter(0.1, 1.0) : any_real(rng);
    const absl::Time time = absl::FromUnixMicros(any_int(rng) >> 8);
    auto row = (*conn)->Exec(
        "SELECT $1::text, $2::bigint, $3::double precision, $4::bigint, "
        "$5::bigint",
        Params().Add(text).Add(integer).Add(real).AddTime(time).AddNull());
    ASSERT_TRUE(row.ok()) << row.status();
    EXPECT_EQ(row->String(0, 0), text);
    EXPECT_EQ(row->Int(0, 1), integer);
    EXPECT_EQ(row->Real(0, 2), real);
    EXPECT_EQ(row->Time(0, 3), time);
    EXPECT_FALSE(row->OptionalInt(0, 4).has_value());
  }
}

TEST(PgValuesTest, ArraysCarryEveryElementInOrder) {
  auto conn = Connection::Open(FreshDatabase());
  ASSERT_TRUE(conn.ok());
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50; ++i) {
    std::vector<std::string> texts(i % 9);
    std::vector<int64_t> numbers;
    for (std::string& text : texts) {
      text = RandomText(rng);
      numbers.push_back(static_cast<int64_t>(rng()));
    }
    auto rows = (*conn)->Exec(
        "SELECT t, n FROM unnest($1::text[], $2::bigint[]) "
        "WITH ORDINALITY AS a (t, n, i) ORDER BY i",
        Params().AddTextArray(texts).AddIntArray(numbers));
    ASSERT_TRUE(rows.ok()) << rows.status();
    ASSERT_EQ(rows->rows(), static_cast<int>(texts.size()));
    for (int row = 0; row < rows->rows(); ++row) {
      EXPECT_EQ(rows->String(row, 0), texts[row]);
      EXPECT_FALSE(rows->IsNull(row, 0));
      EXPECT_EQ(rows->Int(row, 1), numbers[row]);
    }
  }
}

}  // namespace
}  // namespace rapport::store::pg
