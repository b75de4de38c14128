// Reciprocity and the core network: size, categories, gone-quiet contacts.
#include <gtest/gtest.h>

#include <string>

#include "absl/time/time.h"
#include "server/model/activity.h"
#include "server/outreach/report.h"
#include "tests/unit/outreach/test_util.h"

namespace rapport::outreach {
namespace {

using model::NetworkCategory;
using testing::Day;
using testing::Inbound;
using testing::Started;

TEST(ReciprocityTest, AnsweredShareAndMedian) {
  model::MemberActivity a;
  a.threads = {Inbound("a", 10, 11),         Inbound("b", 10, 13),
               Inbound("c", 10, 20),         Inbound("d", 10),
               Inbound("late", 10, 24 * 40),  // Answer after as_of.
               Started("mine", 10, 12)};
  const Reciprocity r = Analyze(a, {}, Day(0), Day(30), {}).reciprocity;
  EXPECT_EQ(r.inbound_threads, 5);
  EXPECT_EQ(r.inbound_answered, 3);
  EXPECT_DOUBLE_EQ(*r.answered_share, 0.6);
  EXPECT_EQ(*r.median_time_to_answer, absl::Hours(3));
}

model::ContactState Core(const std::string& id, NetworkCategory category,
                         double out_day, double in_day) {
  model::ContactState c;
  c.contact_id = id;
  c.category = category;
  c.last_outbound_time = Day(out_day);
  c.last_inbound_time = Day(in_day);
  return c;
}

TEST(IdealNetworkTest, CoreCountAndCategories) {
  model::MemberActivity a;
  a.contacts = {Core("p", NetworkCategory::kPower, 50, 51),
                Core("i", NetworkCategory::kInformation, 60, 61),
                Core("i2", NetworkCategory::kInformation, 62, 63),
                Core("u", NetworkCategory::kUnspecified, 70, 71),
                Core("before", NetworkCategory::kFeedback, 10, 80),
                Core("future", NetworkCategory::kWellBeing, 95, 91)};
  model::ContactState one_way;
  one_way.contact_id = "one-way";
  one_way.category = NetworkCategory::kGeographicPeer;
  one_way.last_outbound_time = Day(60);
  a.contacts.push_back(one_way);
  const IdealNetwork n = Analyze(a, {}, Day(30), Day(90), {}).ideal_network;
  EXPECT_EQ(n.core_count, 4);
  EXPECT_EQ(n.target_min, 12);
  EXPECT_EQ(n.target_max, 18);
  EXPECT_EQ(n.categories_covered,
            (std::vector<NetworkCategory>{NetworkCategory::kInformation,
                                          NetworkCategory::kPower}));
  EXPECT_EQ(
      n.categories_missing,
      (std::vector<NetworkCategory>{
          NetworkCategory::kCrossIndustryPeer, NetworkCategory::kFeedback,
          NetworkCategory::kGeographicPeer, NetworkCategory::kPersonalSupport,
          NetworkCategory::kWellBeing}));
}

TEST(IdealNetworkTest, GoneQuietOldestFirst) {
  model::MemberActivity a;
  a.contacts = {Core("recent", NetworkCategory::kPower, 85, 80),
                Core("b", NetworkCategory::kFeedback, 40, 55),
                Core("a", NetworkCategory::kFeedback, 55, 50),
                Core("old", NetworkCategory::kInformation, 31, 35),
                Core("edge", NetworkCategory::kWellBeing, 60, 60)};
  const IdealNetwork n = Analyze(a, {}, Day(30), Day(90), {}).ideal_network;
  EXPECT_EQ(n.core_count, 5);
  ASSERT_EQ(n.gone_quiet.size(), 4u);
  EXPECT_EQ(n.gone_quiet[0].contact_id, "old");
  EXPECT_EQ(n.gone_quiet[0].last_exchange_time, Day(35));
  EXPECT_EQ(n.gone_quiet[1].contact_id, "a");  // Tie at day 55: by id.
  EXPECT_EQ(n.gone_quiet[2].contact_id, "b");
  EXPECT_EQ(n.gone_quiet[3].contact_id, "edge");  // Exactly 30 days.
  EXPECT_EQ(n.gone_quiet[3].category, NetworkCategory::kWellBeing);
}

}  // namespace
}  // namespace rapport::outreach
