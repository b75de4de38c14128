#include "client/cli/linkedin_convert.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli/linkedin_ids.h"
#include "client/cli/linkedin_time.h"
#include "google/protobuf/timestamp.pb.h"

namespace rapport::cli {
namespace {

using rapport::v1::Event;
using rapport::v1::EventType;
using rapport::v1::Profile;
using Row = LinkedInTable::Row;

enum class Kind {
  kProfile,
  kPositions,
  kEducation,
  kSkills,
  kCertifications,
  kCourses,
  kVolunteering,
  kRecommendationsGiven,
  kRecommendationsReceived,
  kConnections,
  kInvitations,
  kMessages,
  kShares,
  kComments,
  kReactions,
};

struct FileKind {
  Kind kind;
  const char* base_name;  // Lower-case.
};

// In the order they are read: Profile.csv first, for the member's name.
constexpr FileKind kFileKinds[] = {
    {Kind::kProfile, "profile.csv"},
    {Kind::kPositions, "positions.csv"},
    {Kind::kEducation, "education.csv"},
    {Kind::kSkills, "skills.csv"},
    {Kind::kCertifications, "certifications.csv"},
    {Kind::kCourses, "courses.csv"},
    {Kind::kVolunteering, "volunteering.csv"},
    {Kind::kVolunteering, "volunteer_experiences.csv"},
    {Kind::kRecommendationsGiven, "recommendations_given.csv"},
    {Kind::kRecommendationsReceived, "recommendations_received.csv"},
    {Kind::kConnections, "connections.csv"},
    {Kind::kInvitations, "invitations.csv"},
    {Kind::kMessages, "messages.csv"},
    {Kind::kShares, "shares.csv"},
    {Kind::kComments, "comments.csv"},
    {Kind::kReactions, "reactions.csv"},
};

LinkedInColumn Required(std::vector<std::string> names) {
  return {std::move(names), true};
}
LinkedInColumn Optional(std::vector<std::string> names) {
  return {std::move(names), false};
}

std::string LowerName(absl::string_view first, absl::string_view last) {
  return absl::AsciiStrToLower(absl::StrCat(absl::StripAsciiWhitespace(first),
                                            " ",
                                            absl::StripAsciiWhitespace(last)));
}

std::vector<std::string> SplitUrls(absl::string_view urls) {
  std::vector<std::string> out;
  for (absl::string_view u :
       absl::StrSplit(urls, absl::ByAnyChar(",; \t\r\n"), absl::SkipEmpty())) {
    out.push_back(NormalizeLinkedInUrl(u));
  }
  return out;
}

bool ContainsIgnoreCase(absl::string_view text, absl::string_view part) {
  return absl::StrContains(absl::AsciiStrToLower(text),
                           absl::AsciiStrToLower(part));
}

void SetTime(absl::Time t, Event* e) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  e->mutable_occur_time()->set_seconds(seconds);
  e->mutable_occur_time()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

// The member's own profile URLs in messages.csv (columns: 0 conversation
// id, 1 from, 2 sender URL, 3 recipient URLs): those of the rows sent under
// their name; without one, the participant in the most conversations
// (none on a tie).
std::set<std::string> MemberUrls(const LinkedInTable& t,
                                 absl::string_view self_name) {
  std::set<std::string> self;
  if (!self_name.empty()) {
    for (const Row& row : t.rows()) {
      if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(t.Get(row, 1)),
                                 self_name) &&
          !t.Get(row, 2).empty()) {
        self.insert(NormalizeLinkedInUrl(t.Get(row, 2)));
      }
    }
  }
  if (self.empty()) {
    std::map<std::string, std::set<std::string>> conversations;
    for (const Row& row : t.rows()) {
      const std::string id(t.Get(row, 0));
      if (!t.Get(row, 2).empty()) {
        conversations[NormalizeLinkedInUrl(t.Get(row, 2))].insert(id);
      }
      for (const std::string& url : SplitUrls(t.Get(row, 3))) {
        conversations[url].insert(id);
      }
    }
    size_t best = 0;
    std::string best_url;
    bool tie = false;
    for (const auto& [url, ids] : conversations) {
      if (ids.size() > best) {
        best = ids.size();
        best_url = url;
        tie = false;
      } else if (ids.size() == best) {
        tie = true;
      }
    }
    if (best > 0 && !tie) self.insert(best_url);
  }
  return self;
}

class Converter {
 public:
  explicit Converter(absl::string_view member_id) : member_id_(member_id) {}

  LinkedInConversion Run(const LinkedInArchive& archive);

 private:
  // Reads `file` as `kind` into out_, or reports it ignored and why.
  void ReadFile(const LinkedInArchive& archive, const std::string& file,
                Kind kind);
  std::vector<LinkedInColumn> ColumnsOf(Kind kind) const;
  void Convert(Kind kind, const LinkedInTable& t, LinkedInFileReport& r);

  void ReadProfile(const LinkedInTable& t, LinkedInFileReport& r);
  void CountRows(const LinkedInTable& t, LinkedInFileReport& r, int field,
                 int described_field);
  void ReadRecommendations(const LinkedInTable& t, LinkedInFileReport& r,
                           bool given);
  void ReadConnections(const LinkedInTable& t, LinkedInFileReport& r);
  void ReadInvitations(const LinkedInTable& t, LinkedInFileReport& r);
  void ReadMessages(const LinkedInTable& t, LinkedInFileReport& r);
  void ReadShares(const LinkedInTable& t, LinkedInFileReport& r);
  void ReadComments(const LinkedInTable& t, LinkedInFileReport& r);

  // The row's time in column c, or nullopt with the row reported bad.
  std::optional<absl::Time> TimeOf(const LinkedInTable& t, const Row& row,
                                   int c, LinkedInFileReport& r);
  // A new event of the row, with its stable id.
  Event& AddEvent(LinkedInFileReport& r, const Row& row, absl::string_view tag,
                  const std::string& key, EventType type, absl::Time time);
  void SetField(int field, int32_t value);

  const std::string member_id_;
  LinkedInConversion out_;
  std::string self_name_;  // Lower-case "first last", from Profile.csv.
  std::map<std::string, int> occurrences_;
  int32_t certifications_ = 0;
  bool certifications_found_ = false;
};

LinkedInConversion Converter::Run(const LinkedInArchive& archive) {
  std::vector<std::pair<std::string, std::string>> ignored;  // file, reason
  std::map<size_t, std::string> chosen;  // kFileKinds index -> file
  for (const std::string& file : archive.files()) {
    const std::string base = LowerBaseName(file);
    size_t match = std::size(kFileKinds);
    for (size_t i = 0; i < std::size(kFileKinds); ++i) {
      if (base == kFileKinds[i].base_name) match = i;
    }
    if (match == std::size(kFileKinds)) {
      ignored.emplace_back(file, "not among the files Rapport reads");
      continue;
    }
    if (FolderDepth(file) > 1) {
      ignored.emplace_back(
          file, "inside a sub-folder (Rapport reads the archive's top level)");
      continue;
    }
    auto [it, inserted] = chosen.emplace(match, file);
    if (!inserted) {
      ignored.emplace_back(
          file, absl::StrCat("another ", base, " was used (", it->second, ")"));
    }
  }
  for (const auto& [index, file] : chosen) {
    ReadFile(archive, file, kFileKinds[index].kind);
  }
  if (certifications_found_) {
    SetField(Profile::kCertificationsCountFieldNumber, certifications_);
  }
  for (auto& [file, reason] : ignored) {
    LinkedInFileReport report;
    report.file = file;
    report.reason = std::move(reason);
    out_.files.push_back(std::move(report));
  }
  return std::move(out_);
}

void Converter::ReadFile(const LinkedInArchive& archive,
                         const std::string& file, Kind kind) {
  LinkedInFileReport report;
  report.file = file;
  if (kind == Kind::kReactions) {
    report.reason =
        "reactions the member gave: Rapport's model has no event for them "
        "(it scores reactions received)";
    out_.files.push_back(std::move(report));
    return;
  }
  absl::StatusOr<std::string> content = archive.Read(file);
  if (!content.ok()) {
    report.reason = std::string(content.status().message());
    out_.files.push_back(std::move(report));
    return;
  }
  absl::StatusOr<LinkedInTable> table =
      LinkedInTable::Parse(*content, ColumnsOf(kind));
  if (!table.ok()) {
    report.reason = std::string(table.status().message());
    out_.files.push_back(std::move(report));
    return;
  }
  report.used = true;
  report.rows = static_cast<int64_t>(table->rows().size());
  Convert(kind, *table, report);
  if (!table->read_status().ok()) {
    // The rows before the error were used; the rest of the file was not.
    out_.problems.push_back(
        {file, 0, std::string(table->read_status().message())});
  }
  out_.files.push_back(std::move(report));
}

std::vector<LinkedInColumn> Converter::ColumnsOf(Kind kind) const {
  switch (kind) {
    case Kind::kProfile:
      return {Required({"Headline"}), Optional({"Summary"}),
              Optional({"First Name"}), Optional({"Last Name"})};
    case Kind::kPositions:
      return {Required({"Title"}), Optional({"Description"})};
    case Kind::kEducation:
      return {Required({"School Name", "School"})};
    case Kind::kSkills:
    case Kind::kCertifications:
    case Kind::kCourses:
      return {Required({"Name"})};
    case Kind::kVolunteering:
      return {Required({"Role"})};
    case Kind::kRecommendationsGiven:
    case Kind::kRecommendationsReceived:
      return {Required({"First Name"}), Required({"Last Name"}),
              Optional({"Creation Date", "Date"}), Optional({"Status"})};
    case Kind::kConnections:
      return {Required({"URL", "Profile URL"}),
              Required({"Connected On", "Connected"})};
    case Kind::kInvitations:
      return {Required({"Direction"}), Required({"Sent At", "Sent"}),
              Optional({"inviteeProfileUrl", "Invitee Profile URL"})};
    case Kind::kMessages:
      return {Required({"CONVERSATION ID"}),
              Required({"FROM"}),
              Optional({"SENDER PROFILE URL"}),
              Optional({"RECIPIENT PROFILE URLS", "RECIPIENT PROFILE URL"}),
              Required({"DATE"}),
              Optional({"SUBJECT"}),
              Optional({"FOLDER"}),
              Optional({"IS MESSAGE DRAFT"})};
    case Kind::kShares:
      return {Required({"Date"}), Required({"ShareLink", "Share Link"}),
              Optional({"ShareCommentary", "Commentary"}),
              Optional({"SharedUrl", "Shared URL"}), Optional({"MediaUrl"})};
    case Kind::kComments:
      return {Required({"Date"}), Required({"Link"})};
    case Kind::kReactions:
      return {};
  }
  return {};
}

void Converter::Convert(Kind kind, const LinkedInTable& t,
                        LinkedInFileReport& r) {
  switch (kind) {
    case Kind::kProfile:
      return ReadProfile(t, r);
    case Kind::kPositions:
      return CountRows(t, r, Profile::kPositionsCountFieldNumber,
                       Profile::kPositionsWithDescriptionCountFieldNumber);
    case Kind::kEducation:
      return CountRows(t, r, Profile::kEducationCountFieldNumber, 0);
    case Kind::kSkills:
      return CountRows(t, r, Profile::kSkillsCountFieldNumber, 0);
    case Kind::kCertifications:
    case Kind::kCourses:
      r.feeds = "profile.certifications_count";
      certifications_ += static_cast<int32_t>(t.rows().size());
      certifications_found_ = true;
      return;
    case Kind::kVolunteering:
      return CountRows(t, r, Profile::kVolunteerRolesCountFieldNumber, 0);
    case Kind::kRecommendationsGiven:
      return ReadRecommendations(t, r, true);
    case Kind::kRecommendationsReceived:
      return ReadRecommendations(t, r, false);
    case Kind::kConnections:
      return ReadConnections(t, r);
    case Kind::kInvitations:
      return ReadInvitations(t, r);
    case Kind::kMessages:
      return ReadMessages(t, r);
    case Kind::kShares:
      return ReadShares(t, r);
    case Kind::kComments:
      return ReadComments(t, r);
    case Kind::kReactions:
      return;
  }
}

void Converter::SetField(int field, int32_t value) {
  const auto* descriptor = Profile::descriptor()->FindFieldByNumber(field);
  const auto* reflection = Profile::GetReflection();
  if (descriptor->type() == google::protobuf::FieldDescriptor::TYPE_BOOL) {
    reflection->SetBool(&out_.profile, descriptor, value != 0);
  } else {
    reflection->SetInt32(&out_.profile, descriptor, value);
  }
  out_.profile_fields.push_back(field);
}

void Converter::ReadProfile(const LinkedInTable& t, LinkedInFileReport& r) {
  r.feeds = "profile.has_headline, profile.has_summary";
  if (t.rows().empty()) return;
  const Row& row = t.rows().front();
  SetField(Profile::kHasHeadlineFieldNumber, !t.Get(row, 0).empty());
  if (t.Has(1))
    SetField(Profile::kHasSummaryFieldNumber, !t.Get(row, 1).empty());
  self_name_ = LowerName(t.Get(row, 2), t.Get(row, 3));
  if (absl::StripAsciiWhitespace(self_name_).empty()) self_name_.clear();
}

void Converter::CountRows(const LinkedInTable& t, LinkedInFileReport& r,
                          int field, int described_field) {
  const auto* descriptor = Profile::descriptor();
  r.feeds =
      absl::StrCat("profile.", descriptor->FindFieldByNumber(field)->name());
  SetField(field, static_cast<int32_t>(t.rows().size()));
  if (described_field == 0 || !t.Has(1)) return;
  absl::StrAppend(&r.feeds, ", profile.",
                  descriptor->FindFieldByNumber(described_field)->name());
  SetField(described_field,
           static_cast<int32_t>(std::count_if(
               t.rows().begin(), t.rows().end(),
               [&](const Row& row) { return !t.Get(row, 1).empty(); })));
}

std::optional<absl::Time> Converter::TimeOf(const LinkedInTable& t,
                                            const Row& row, int c,
                                            LinkedInFileReport& r) {
  absl::StatusOr<absl::Time> time = ParseLinkedInTime(t.Get(row, c));
  if (time.ok()) return *time;
  ++r.bad;
  out_.problems.push_back(
      {r.file, row.line, std::string(time.status().message())});
  return std::nullopt;
}

Event& Converter::AddEvent(LinkedInFileReport& r, const Row& row,
                           absl::string_view tag, const std::string& key,
                           EventType type, absl::Time time) {
  const int rank = occurrences_[absl::StrCat(tag, "\n", key)]++;
  LinkedInEvent& e = out_.events.emplace_back();
  e.file = r.file;
  e.line = row.line;
  e.event.set_event_id(LinkedInEventId(member_id_, tag, key, rank));
  e.event.set_member_id(member_id_);
  e.event.set_type(type);
  SetTime(time, &e.event);
  ++r.events;
  return e.event;
}

// A recommendation counts while it is shown: Status empty or VISIBLE.
void Converter::ReadRecommendations(const LinkedInTable& t,
                                    LinkedInFileReport& r, bool given) {
  const int field = given ? Profile::kRecommendationsGivenCountFieldNumber
                          : Profile::kRecommendationsReceivedCountFieldNumber;
  r.feeds = absl::StrCat(
      "profile.", Profile::descriptor()->FindFieldByNumber(field)->name(),
      given ? ", RECOMMENDATION_GIVEN" : ", RECOMMENDATION_RECEIVED");
  int32_t shown = 0;
  for (const Row& row : t.rows()) {
    const absl::string_view status = t.Get(row, 3);
    if (!status.empty() && !absl::EqualsIgnoreCase(status, "VISIBLE")) {
      ++r.skipped;
      continue;
    }
    ++shown;
    if (!t.Has(2)) {
      ++r.skipped;
      continue;
    }
    const std::optional<absl::Time> time = TimeOf(t, row, 2, r);
    if (!time) continue;
    // No profile URL in these files: the contact is a digest of the name.
    const std::string name = LowerName(t.Get(row, 0), t.Get(row, 1));
    Event& e = AddEvent(r, row, given ? "rec-given" : "rec-received",
                        absl::StrCat(name, "\n", absl::ToUnixSeconds(*time)),
                        given ? v1::EVENT_TYPE_RECOMMENDATION_GIVEN
                              : v1::EVENT_TYPE_RECOMMENDATION_RECEIVED,
                        *time);
    e.mutable_contact()->set_contact_id(LinkedInNameContactId(name));
  }
  SetField(field, shown);
}

void Converter::ReadConnections(const LinkedInTable& t, LinkedInFileReport& r) {
  r.feeds = "profile.connections_count, CONNECTION_ACCEPTED";
  SetField(Profile::kConnectionsCountFieldNumber,
           static_cast<int32_t>(t.rows().size()));
  for (const Row& row : t.rows()) {
    const std::string url = NormalizeLinkedInUrl(t.Get(row, 0));
    if (url.empty()) {
      ++r.skipped;
      continue;
    }
    const std::optional<absl::Time> time = TimeOf(t, row, 1, r);
    if (!time) continue;
    Event& e =
        AddEvent(r, row, "conn", absl::StrCat(url, "\n", ToUnixSeconds(*time)),
                 v1::EVENT_TYPE_CONNECTION_ACCEPTED, *time);
    e.mutable_contact()->set_contact_id(LinkedInContactId(url));
  }
}

void Converter::ReadInvitations(const LinkedInTable& t, LinkedInFileReport& r) {
  r.feeds = "CONNECTION_REQUEST_SENT";
  for (const Row& row : t.rows()) {
    const std::string url = NormalizeLinkedInUrl(t.Get(row, 2));
    if (!absl::EqualsIgnoreCase(t.Get(row, 0), "OUTGOING") || url.empty()) {
      ++r.skipped;
      continue;
    }
    const std::optional<absl::Time> time = TimeOf(t, row, 1, r);
    if (!time) continue;
    Event& e =
        AddEvent(r, row, "inv", absl::StrCat(url, "\n", ToUnixSeconds(*time)),
                 v1::EVENT_TYPE_CONNECTION_REQUEST_SENT, *time);
    e.set_channel(v1::CHANNEL_CONNECTION_NOTE);
    e.mutable_contact()->set_contact_id(LinkedInContactId(url));
  }
}

// Columns: 0 conversation id, 1 from, 2 sender URL, 3 recipient URLs,
// 4 date, 5 subject, 6 folder, 7 draft.
void Converter::ReadMessages(const LinkedInTable& t, LinkedInFileReport& r) {
  r.feeds = "MESSAGE_SENT, MESSAGE_RECEIVED";
  const std::set<std::string> self = MemberUrls(t, self_name_);
  if (self.empty() && self_name_.empty()) {
    r.used = false;
    r.reason =
        "cannot tell the member's own messages: no name in Profile.csv and "
        "no participant in more conversations than any other";
    return;
  }
  for (const Row& row : t.rows()) {
    const absl::string_view draft = t.Get(row, 7);
    if (absl::EqualsIgnoreCase(draft, "yes") ||
        absl::EqualsIgnoreCase(draft, "true") ||
        ContainsIgnoreCase(t.Get(row, 6), "spam")) {
      ++r.skipped;
      continue;
    }
    const std::string sender = NormalizeLinkedInUrl(t.Get(row, 2));
    const bool sent =
        sender.empty()
            ? !self_name_.empty() &&
                  absl::EqualsIgnoreCase(
                      absl::StripAsciiWhitespace(t.Get(row, 1)), self_name_)
            : self.count(sender) > 0;
    std::string contact;
    if (sent) {
      for (const std::string& url : SplitUrls(t.Get(row, 3))) {
        if (self.count(url) == 0) {
          contact = url;
          break;
        }
      }
    } else {
      contact = sender;
    }
    if (contact.empty() || t.Get(row, 0).empty()) {
      ++r.skipped;
      continue;
    }
    const std::optional<absl::Time> time = TimeOf(t, row, 4, r);
    if (!time) continue;
    const std::string from =
        sender.empty() ? absl::AsciiStrToLower(t.Get(row, 1)) : sender;
    Event& e = AddEvent(
        r, row, "msg",
        absl::StrCat(t.Get(row, 0), "\n", ToUnixSeconds(*time), "\n", from),
        sent ? v1::EVENT_TYPE_MESSAGE_SENT : v1::EVENT_TYPE_MESSAGE_RECEIVED,
        *time);
    const bool inmail =
        ContainsIgnoreCase(t.Get(row, 6), "inmail") || !t.Get(row, 5).empty();
    e.set_channel(inmail ? v1::CHANNEL_INMAIL : v1::CHANNEL_LINKEDIN_MESSAGE);
    e.set_thread_id(LinkedInDigestId(t.Get(row, 0)));
    e.mutable_contact()->set_contact_id(LinkedInContactId(contact));
  }
}

// Columns: 0 date, 1 share link, 2 commentary, 3 shared URL, 4 media URL.
void Converter::ReadShares(const LinkedInTable& t, LinkedInFileReport& r) {
  r.feeds = "POST_PUBLISHED, CONTENT_SHARED";
  for (const Row& row : t.rows()) {
    const bool commentary = !t.Get(row, 2).empty();
    const bool reshare = !t.Get(row, 3).empty();
    const std::string link = NormalizeLinkedInUrl(t.Get(row, 1));
    // A link passed on without a word is not an insight; a post is text or
    // media of the member's own.
    if (link.empty() || (reshare && !commentary) ||
        (!reshare && !commentary && t.Get(row, 4).empty())) {
      ++r.skipped;
      continue;
    }
    const std::optional<absl::Time> time = TimeOf(t, row, 0, r);
    if (!time) continue;
    Event& e = AddEvent(
        r, row, "share", absl::StrCat(link, "\n", ToUnixSeconds(*time)),
        reshare ? v1::EVENT_TYPE_CONTENT_SHARED : v1::EVENT_TYPE_POST_PUBLISHED,
        *time);
    e.set_content_id(LinkedInDigestId(link));
  }
}

void Converter::ReadComments(const LinkedInTable& t, LinkedInFileReport& r) {
  r.feeds = "COMMENT_MADE";
  for (const Row& row : t.rows()) {
    const std::string link = NormalizeLinkedInUrl(t.Get(row, 1));
    if (link.empty()) {
      ++r.skipped;
      continue;
    }
    const std::optional<absl::Time> time = TimeOf(t, row, 0, r);
    if (!time) continue;
    Event& e = AddEvent(r, row, "comment",
                        absl::StrCat(link, "\n", ToUnixSeconds(*time)),
                        v1::EVENT_TYPE_COMMENT_MADE, *time);
    e.set_content_id(LinkedInDigestId(link));
  }
}

}  // namespace

LinkedInConversion ConvertLinkedInArchive(const LinkedInArchive& archive,
                                          absl::string_view member_id) {
  return Converter(member_id).Run(archive);
}

Profile MergeLinkedInProfile(const Profile& existing,
                             const LinkedInConversion& conversion) {
  Profile out = existing;
  const auto* reflection = Profile::GetReflection();
  for (int number : conversion.profile_fields) {
    const auto* field = Profile::descriptor()->FindFieldByNumber(number);
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_BOOL) {
      reflection->SetBool(&out, field,
                          reflection->GetBool(conversion.profile, field));
    } else {
      reflection->SetInt32(&out, field,
                           reflection->GetInt32(conversion.profile, field));
    }
  }
  out.set_positions_with_description_count(
      std::min(out.positions_with_description_count(), out.positions_count()));
  return out;
}

}  // namespace rapport::cli
