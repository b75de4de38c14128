#include "server/store/pg/pg_copy_tables.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace rapport::store::pg::copy {
namespace {

// "name:type …" with t text, i integer, r real; `key` names key columns.
TableSpec Spec(const char* name, const char* columns, const char* key) {
  TableSpec spec;
  spec.name = name;
  for (absl::string_view c :
       absl::StrSplit(columns, ' ', absl::SkipWhitespace())) {
    const size_t colon = c.find(':');
    const char type = c[colon + 1];
    spec.columns.push_back(
        {std::string(c.substr(0, colon)),
         type == 't' ? ColumnType::kText
                     : (type == 'i' ? ColumnType::kInt : ColumnType::kReal)});
  }
  for (absl::string_view k : absl::StrSplit(key, ' ')) {
    for (size_t i = 0; i < spec.columns.size(); ++i) {
      if (spec.columns[i].name == k) spec.key.push_back(static_cast<int>(i));
    }
  }
  return spec;
}

}  // namespace

const std::vector<TableSpec>& CopiedTables() {
  static const std::vector<TableSpec>* const tables = new std::vector<
      TableSpec>{
      Spec("tenants",
           "tenant:t display_name:t rep_leaderboard:i operator:i create_time:i",
           "tenant"),
      Spec("api_keys",
           "key_id:t tenant:t name:t role:t teams:t member_id:t "
           "secret_sha256:t create_time:i expire_time:i last_use_time:i "
           "revoke_time:i created_by:t",
           "key_id"),
      Spec("members",
           "tenant:t member_id:t display_name:t team:t industry:t manager:t "
           "has_photo:i has_headline:i has_summary:i positions_count:i "
           "positions_with_description_count:i education_count:i "
           "skills_count:i certifications_count:i volunteer_roles_count:i "
           "board_roles_count:i recommendations_given_count:i "
           "recommendations_received_count:i connections_count:i "
           "create_time:i update_time:i event_count:i last_event_time:i",
           "tenant member_id"),
      Spec("events",
           "tenant:t event_id:t member_id:t occur_time:i type:i channel:i "
           "contact_id:t seniority:i contact_industry:t contact_region:t "
           "contact_category:i thread_id:t content_id:t quantity:i",
           "tenant event_id"),
      Spec("daily_counts",
           "tenant:t member_id:t day:i type:i channel:i seniority:i count:i",
           "tenant member_id day type channel seniority"),
      Spec("threads",
           "tenant:t member_id:t thread_id:t contact_id:t channel:i "
           "seniority:i category:i first_outbound_time:i "
           "last_outbound_time:i first_inbound_time:i last_inbound_time:i "
           "first_reply_time:i first_answer_time:i outbound_count:i "
           "inbound_count:i follow_up_count:i follow_ups_before_reply:i "
           "last_activity_time:i",
           "tenant member_id thread_id"),
      Spec("contacts",
           "tenant:t member_id:t contact_id:t seniority:i category:i "
           "industry:t region:t first_time:i last_outbound_time:i "
           "last_inbound_time:i connection_requested_time:i "
           "connection_accepted_time:i met_at_event_time:i "
           "followed_up_after_event_time:i outbound_count:i inbound_count:i "
           "meetings_booked:i last_activity_time:i",
           "tenant member_id contact_id"),
      Spec("score_history",
           "tenant:t member_id:t day:i total:r brand:r find:r engage:r "
           "relationships:r model_version:t",
           "tenant member_id day"),
      Spec("history_work", "tenant:t member_id:t from_day:i version:i",
           "tenant member_id"),
      Spec("history_state", "tenant:t recorded_through_day:i work_version:i",
           "tenant"),
      // ids are unique over all tenants in both stores.
      Spec("audit_log",
           "tenant:t id:i time:i principal:t role:t method:t target:t "
           "detail:t",
           "id"),
      Spec("erasures", "tenant:t kind:i digest:t erase_time:i",
           "tenant kind digest"),
      Spec("goals",
           "tenant:t goal_id:t member_id:t team:t pillar:i target:r "
           "due_time:i note:t create_time:i created_by:t",
           "tenant goal_id"),
      Spec("score_changes",
           "tenant:t member_id:t team:t ssi:r brand:r find:r engage:r "
           "relationships:r previous_ssi:r seq:i change_time:i",
           "tenant member_id"),
      Spec("score_change_seq", "tenant:t seq:i", "tenant"),
  };
  return *tables;
}

std::string RealText(double value) { return absl::StrFormat("%.17g", value); }

struct RowChecksum::State {
  EVP_MD_CTX* ctx = nullptr;
};

RowChecksum::RowChecksum() : state_(new State) {
  state_->ctx = EVP_MD_CTX_new();
  if (state_->ctx != nullptr &&
      EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(state_->ctx);
    state_->ctx = nullptr;
  }
}

RowChecksum::~RowChecksum() {
  EVP_MD_CTX_free(state_->ctx);
  delete state_;
}

void RowChecksum::Update(absl::string_view bytes) {
  if (state_->ctx == nullptr) return;
  if (EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()) != 1) {
    EVP_MD_CTX_free(state_->ctx);
    state_->ctx = nullptr;
  }
}

void RowChecksum::Add(const Row& row) {
  for (const std::optional<std::string>& value : row) {
    if (!value.has_value()) {
      Update("N;");
      continue;
    }
    Update(absl::StrCat(value->size(), ":"));
    Update(*value);
  }
  Update("\n");
}

std::string RowChecksum::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // An empty result matches nothing: a failing libcrypto is a mismatch.
  if (state_->ctx == nullptr ||
      EVP_DigestFinal_ex(state_->ctx, digest, &size) != 1) {
    return "";
  }
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    absl::StrAppend(&hex, absl::Hex(digest[i], absl::kZeroPad2));
  }
  return hex;
}

}  // namespace rapport::store::pg::copy
