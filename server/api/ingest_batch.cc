#include "server/api/ingest_batch.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/api/status.h"
#include "server/api/validate.h"

namespace rapport::api {

IngestBatches::IngestBatches(store::TenantId tenant, store::AuditContext audit,
                             store::Store* store, GroupCommit* group,
                             const Clock* clock, IngestObserver* observer,
                             const ActivityServiceOptions* options,
                             Source source, v1::IngestEventsResponse* tally)
    : tenant_(std::move(tenant)),
      audit_(std::move(audit)),
      store_(store),
      group_(group),
      clock_(clock),
      observer_(observer),
      options_(options),
      source_(source),
      tally_(tally) {}

absl::StatusOr<ValidatedBatch> IngestBatches::Validate(
    const google::protobuf::RepeatedPtrField<v1::Event>& events) {
  if (events.size() > options_->max_batch_events) {
    return InvalidField(
        "events",
        source_ == Source::kStream
            ? absl::StrCat("batch ", batch_index_, " holds ", events.size(),
                           " events; the maximum is ",
                           options_->max_batch_events,
                           ". Send smaller batches on the same stream.")
            : absl::StrCat("holds ", events.size(), " events; the maximum is ",
                           options_->max_batch_events,
                           ". Send smaller requests."));
  }
  rejected_at_batch_start_ = tally_->rejected_count();
  const absl::Time now = clock_->Now();
  ValidatedBatch batch;
  batch.events.reserve(events.size());
  for (int i = 0; i < events.size(); ++i) {
    const v1::Event& event = events.Get(i);
    if (auto error = ValidateEvent(event, now, options_->validation)) {
      Reject(i, event.event_id(), error->field, error->reason);
      continue;
    }
    batch.events.push_back(FromProto(event));
    batch.indexes.push_back(i);
  }
  return batch;
}

std::shared_ptr<GroupCommit::Ticket> IngestBatches::Stage(
    ValidatedBatch batch, std::function<absl::Status()> wanted) {
  staged_indexes_ = std::move(batch.indexes);
  return group_->Prepare(tenant_, &audit_, std::move(batch.events),
                         std::move(wanted));
}

absl::Status IngestBatches::Commit(
    const std::shared_ptr<GroupCommit::Ticket>& ticket) {
  const std::vector<model::Event>& events = ticket->events();
  GroupCommitResult result;
  if (events.empty()) {
    group_->Withdraw(ticket);  // Nothing to store.
    result.outcomes = std::vector<store::AppendOutcome>();
  } else {
    result = group_->Commit(ticket);
  }
  absl::StatusOr<std::vector<store::AppendOutcome>>& outcomes = result.outcomes;
  if (!outcomes.ok()) return outcomes.status();
  const std::vector<int>& indexes = staged_indexes_;
  int64_t accepted = 0, duplicate = 0;
  for (size_t i = 0; i < outcomes->size(); ++i) {
    const int index = indexes[i];
    switch ((*outcomes)[i]) {
      case store::AppendOutcome::kAccepted:
        ++accepted;
        break;
      case store::AppendOutcome::kDuplicate:
        ++duplicate;
        break;
      case store::AppendOutcome::kUnknownMember:
        Reject(index, events[i].event_id, "member_id",
               absl::StrCat("no member '", events[i].member_id,
                            "'; upsert the member before its events"),
               grpc::StatusCode::NOT_FOUND);
        break;
      case store::AppendOutcome::kConflict:
        tally_->set_conflicting_count(tally_->conflicting_count() + 1);
        if (tally_->conflicting_event_ids_size() <
            options_->max_rejected_listed) {
          tally_->add_conflicting_event_ids(events[i].event_id);
        }
        break;
      case store::AppendOutcome::kErasedMember:
        RejectErased(index, events[i], store::ErasureKind::kMember);
        break;
      case store::AppendOutcome::kErasedContact:
        RejectErased(index, events[i], store::ErasureKind::kContact);
        break;
    }
  }
  // This batch's rejections are the list's tail: put them in event order.
  auto* rejected = tally_->mutable_rejected();
  auto tail = std::find_if(rejected->begin(), rejected->end(),
                           [this](const v1::RejectedEvent& r) {
                             return r.batch_index() == batch_index_;
                           });
  std::stable_sort(tail, rejected->end(),
                   [](const v1::RejectedEvent& x, const v1::RejectedEvent& y) {
                     return x.event_index() < y.event_index();
                   });
  tally_->set_accepted_count(tally_->accepted_count() + accepted);
  tally_->set_duplicate_count(tally_->duplicate_count() + duplicate);
  observer_->OnBatch(accepted, duplicate,
                     tally_->rejected_count() - rejected_at_batch_start_,
                     result.store_time);
  ++batch_index_;
  return absl::OkStatus();
}

void IngestBatches::RejectErased(int event_index, const model::Event& event,
                                 store::ErasureKind kind) {
  const bool member = kind == store::ErasureKind::kMember;
  const std::string& id = member ? event.member_id : event.contact.contact_id;
  // A re-sent history refuses many events of one person: look them up once.
  auto [when, fresh] = erasure_times_.try_emplace({kind, id});
  if (fresh) {
    absl::StatusOr<std::optional<absl::Time>> erased =
        store_->FindErasure(tenant_, kind, id);
    if (erased.ok() && erased->has_value()) {
      when->second = absl::StrCat(
          " at ",
          absl::FormatTime(absl::RFC3339_sec, **erased, absl::UTCTimeZone()));
    }
  }
  Reject(event_index, event.event_id,
         member ? "member_id" : "contact.contact_id",
         member ? absl::StrCat("member '", id, "' was deleted", when->second,
                               "; its events are refused until the member is "
                               "upserted again")
                : absl::StrCat("contact '", id, "' was erased", when->second,
                               "; events with them that occurred before the "
                               "erasure are refused"),
         grpc::StatusCode::FAILED_PRECONDITION);
}

void IngestBatches::Reject(int event_index, const std::string& event_id,
                           const std::string& field, const std::string& reason,
                           grpc::StatusCode code) {
  tally_->set_rejected_count(tally_->rejected_count() + 1);
  if (tally_->rejected_size() >= options_->max_rejected_listed) return;
  v1::RejectedEvent* r = tally_->add_rejected();
  r->set_batch_index(batch_index_);
  r->set_event_index(event_index);
  r->set_event_id(event_id);
  r->set_field(field);
  r->set_reason(absl::StrCat(field, ": ", reason));
  r->set_code(static_cast<int>(code));
}

void ToWriteEventsResponse(v1::IngestEventsResponse tally,
                           v1::WriteEventsResponse* out) {
  out->set_accepted_count(tally.accepted_count());
  out->set_duplicate_count(tally.duplicate_count());
  out->set_rejected_count(tally.rejected_count());
  out->mutable_rejected()->Swap(tally.mutable_rejected());
  out->set_conflicting_count(tally.conflicting_count());
  out->mutable_conflicting_event_ids()->Swap(
      tally.mutable_conflicting_event_ids());
}

}  // namespace rapport::api
