#include "server/api/ingest_reactor.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/api/parse_error.h"
#include "server/api/status.h"

namespace rapport::api {

IngestReactor::IngestReactor(store::TenantId tenant, store::AuditContext audit,
                             store::Store* store, SerialExecutor* writer,
                             const Clock* clock, IngestObserver* observer,
                             store::MemberChangeListener* listener,
                             const ActivityServiceOptions* options,
                             grpc::ByteBuffer* raw_response)
    : tenant_(std::move(tenant)),
      audit_(std::move(audit)),
      store_(store),
      writer_(writer),
      clock_(clock),
      observer_(observer),
      listener_(listener),
      options_(options),
      raw_response_(raw_response) {
  StartRead(&request_);
}

void IngestReactor::OnReadDone(bool ok) {
  if (!ok) {  // The client closed its side: every batch is committed.
    bool own_buffer = false;
    Finish(grpc::SerializationTraits<v1::IngestEventsResponse>::Serialize(
        *response_, raw_response_, &own_buffer));
    return;
  }
  // Deserialize consumes the buffer, which Commit clears and reads into.
  batch_.Clear();
  if (!grpc::SerializationTraits<v1::IngestEventsRequest>::Deserialize(
           &request_, &batch_)
           .ok()) {
    Finish(ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "message ", batch_index_,
        " of the stream (counting from 0) could not be parsed: ",
        UnparsableRequest(v1::IngestEventsRequest::descriptor()->full_name())
            .message(),
        ". Batches before it are committed."))));
    return;
  }
  response_->set_batch_count(batch_index_ + 1);
  if (batch_.events_size() > options_->max_batch_events) {
    Finish(ToGrpcStatus(InvalidField(
        "events",
        absl::StrCat("batch ", batch_index_, " holds ", batch_.events_size(),
                     " events; the maximum is ", options_->max_batch_events,
                     ". Send smaller batches on the same stream."))));
    return;
  }
  rejected_at_batch_start_ = response_->rejected_count();
  const absl::Time now = clock_->Now();
  std::vector<model::Event> events;
  std::vector<int> indexes;
  events.reserve(batch_.events_size());
  for (int i = 0; i < batch_.events_size(); ++i) {
    const v1::Event& event = batch_.events(i);
    if (auto error = ValidateEvent(event, now, options_->validation)) {
      Reject(i, event.event_id(), error->field, error->reason);
      continue;
    }
    events.push_back(FromProto(event));
    indexes.push_back(i);
  }
  writer_->Post([this, events = std::move(events),
                 indexes = std::move(indexes)]() mutable {
    Commit(std::move(events), std::move(indexes));
  });
}

void IngestReactor::Commit(std::vector<model::Event> events,
                           std::vector<int> indexes) {
  const auto start = std::chrono::steady_clock::now();
  audit_.time = clock_->Now();
  absl::StatusOr<std::vector<store::AppendOutcome>> outcomes =
      events.empty() ? std::vector<store::AppendOutcome>()
                     : store_->AppendEvents(tenant_, events, &audit_);
  if (!outcomes.ok()) {
    Finish(ToGrpcStatus(outcomes.status()));
    return;
  }
  int64_t accepted = 0, duplicate = 0;
  std::vector<std::string> changed;
  for (size_t i = 0; i < outcomes->size(); ++i) {
    switch ((*outcomes)[i]) {
      case store::AppendOutcome::kAccepted:
        ++accepted;
        if (changed.empty() || changed.back() != events[i].member_id) {
          changed.push_back(events[i].member_id);
        }
        break;
      case store::AppendOutcome::kDuplicate:
        ++duplicate;
        break;
      case store::AppendOutcome::kUnknownMember:
        Reject(indexes[i], events[i].event_id, "member_id",
               absl::StrCat("no member '", events[i].member_id,
                            "'; upsert the member before its events"),
               grpc::StatusCode::NOT_FOUND);
        break;
      case store::AppendOutcome::kConflict:
        response_->set_conflicting_count(response_->conflicting_count() + 1);
        if (response_->conflicting_event_ids_size() <
            options_->max_rejected_listed) {
          response_->add_conflicting_event_ids(events[i].event_id);
        }
        break;
      case store::AppendOutcome::kErasedMember:
        RejectErased(indexes[i], events[i], store::ErasureKind::kMember);
        break;
      case store::AppendOutcome::kErasedContact:
        RejectErased(indexes[i], events[i], store::ErasureKind::kContact);
        break;
    }
  }
  if (!changed.empty()) listener_->OnMembersChanged(tenant_, changed);
  // This batch's rejections are the list's tail: put them in event order.
  auto* rejected = response_->mutable_rejected();
  auto tail = std::find_if(rejected->begin(), rejected->end(),
                           [this](const v1::RejectedEvent& r) {
                             return r.batch_index() == batch_index_;
                           });
  std::stable_sort(tail, rejected->end(),
                   [](const v1::RejectedEvent& x, const v1::RejectedEvent& y) {
                     return x.event_index() < y.event_index();
                   });
  response_->set_accepted_count(response_->accepted_count() + accepted);
  response_->set_duplicate_count(response_->duplicate_count() + duplicate);
  observer_->OnBatch(
      accepted, duplicate,
      response_->rejected_count() - rejected_at_batch_start_,
      absl::FromChrono(std::chrono::steady_clock::now() - start));
  ++batch_index_;
  request_.Clear();
  StartRead(&request_);
}

void IngestReactor::RejectErased(int event_index, const model::Event& event,
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

void IngestReactor::Reject(int event_index, const std::string& event_id,
                           const std::string& field, const std::string& reason,
                           grpc::StatusCode code) {
  response_->set_rejected_count(response_->rejected_count() + 1);
  if (response_->rejected_size() >= options_->max_rejected_listed) return;
  v1::RejectedEvent* r = response_->add_rejected();
  r->set_batch_index(batch_index_);
  r->set_event_index(event_index);
  r->set_event_id(event_id);
  r->set_field(field);
  r->set_reason(absl::StrCat(field, ": ", reason));
  r->set_code(static_cast<int>(code));
}

}  // namespace rapport::api
