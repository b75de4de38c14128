// Heap bytes a board keeps per member for its score, over 20,000 generated
// members: 2, a score with every explanation written out (Score); 1, the
// figures with the facts the text is written from (ScoreFigures +
// ScoreFacts); 0, those figures packed over a shared shape with the facts
// (what board::MemberScore keeps). Reported as counters (bytes_per_member);
// the time is that of scoring them.
// Run: build-*/tests/unit/scoring/score_memory_bench
#include <malloc.h>

#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/board/board.h"
#include "server/scoring/model.h"
#include "server/scoring/score.h"
#include "tests/unit/scoring/test_members.h"

namespace rapport::scoring {
namespace {

constexpr int kMembers = 20000;

size_t HeapInUse() { return mallinfo2().uordblks; }

std::vector<testutil::TestMember> Members() {
  testutil::MemberGenerator gen(42);
  std::vector<testutil::TestMember> members;
  members.reserve(kMembers);
  for (int i = 0; i < kMembers; ++i)
    members.push_back(gen.Next(testutil::AsOf()));
  return members;
}

struct Kept {
  ScoreResult score;
  board::PackedScore packed;
  std::shared_ptr<const ScoreFacts> facts;
};

void BM_KeptPerMember(benchmark::State& state) {
  const bool explained = state.range(0) == 2;
  const bool packed = state.range(0) == 0;
  std::shared_ptr<const ScoreResult> shape;
  const ScoringModel model = DefaultModel();
  const std::vector<testutil::TestMember> members = Members();
  double per_member = 0;
  for (auto _ : state) {
    std::vector<Kept> kept;
    kept.reserve(members.size());
    const size_t before = HeapInUse();
    for (const testutil::TestMember& m : members) {
      Kept k;
      if (explained) {
        k.score = Score(model, m.profile, m.activity, testutil::AsOf());
      } else {
        auto facts = std::make_shared<ScoreFacts>();
        k.score = ScoreFigures(model, m.profile, m.activity, testutil::AsOf(),
                               facts.get());
        k.facts = std::move(facts);
        if (packed) {
          if (shape == nullptr) {
            shape = std::make_shared<const ScoreResult>(
                board::PackedScore::ShapeOf(k.score));
          }
          k.packed = board::PackedScore::Pack(k.score, shape);
          k.score = ScoreResult();
        }
      }
      kept.push_back(std::move(k));
    }
    per_member = static_cast<double>(HeapInUse() - before +
                                     kept.capacity() * sizeof(Kept)) /
                 static_cast<double>(kept.size());
    benchmark::DoNotOptimize(kept.data());
  }
  state.counters["bytes_per_member"] = per_member;
  state.SetLabel(explained ? "text kept"
                 : packed  ? "packed figures + facts kept"
                           : "figures + facts kept");
}
BENCHMARK(BM_KeptPerMember)
    ->Arg(2)
    ->Arg(1)
    ->Arg(0)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rapport::scoring
