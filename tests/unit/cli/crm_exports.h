// Generated CRM exports for the import tests: rows in the column layout of a
// Salesforce Task export (Data Loader, API names) and of a HubSpot
// activities export, each with the outcome the built-in mapping must give.
#ifndef RAPPORT_TESTS_UNIT_CLI_CRM_EXPORTS_H_
#define RAPPORT_TESTS_UNIT_CLI_CRM_EXPORTS_H_

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "rapport/v1/activity.pb.h"

namespace rapport::cli::testing {

// One field as a CSV writer quotes it: quoted when it holds a comma, a
// quote or a line break, quotes doubled.
inline std::string CsvField(const std::string& f) {
  if (f.find_first_of(",\"\r\n") == std::string::npos) return f;
  return absl::StrCat("\"", absl::StrReplaceAll(f, {{"\"", "\"\""}}), "\"");
}

inline std::string CsvLine(const std::vector<std::string>& fields,
                           const char* eol = "\n") {
  std::vector<std::string> quoted;
  for (const std::string& f : fields) quoted.push_back(CsvField(f));
  return absl::StrCat(absl::StrJoin(quoted, ","), eol);
}

// A generated row and what the mapping must make of it.
struct ExportRow {
  std::vector<std::string> fields;
  bool skipped = false;
  std::string skip_label;
  v1::EventType type = v1::EVENT_TYPE_UNSPECIFIED;
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string record_id;
  std::string owner;    // The member_id expected.
  std::string contact;  // The CRM contact id (no prefix).
  absl::Time time;      // To the minute.
  // Lines the row takes in the file (a Description may hold line breaks).
  int lines = 1;
};

// Free text with what makes CSV hard: commas, quotes, line breaks.
inline std::string HostileText(std::mt19937& rng, int i) {
  switch (i % 4) {
    case 0:
      return absl::StrCat("Re: pricing, terms, \"next steps\" #", i);
    case 1:
      return absl::StrCat("Notes line 1\nline 2, with comma\r\nline 3 ", i);
    case 2:
      return absl::StrCat("Quote \"\" inside, ", rng() % 1000);
    default:
      return absl::StrCat("plain ", i);
  }
}

inline int LinesOf(const std::string& text) {
  int n = 1;
  for (const char c : text) n += c == '\n';
  return n;
}

inline const std::vector<std::string>& SalesforceTaskHeader() {
  static const auto* const kHeader =
      new std::vector<std::string>{"Id",          "WhoId",
                                   "WhatId",      "OwnerId",
                                   "Subject",     "ActivityDate",
                                   "Status",      "Priority",
                                   "Type",        "TaskSubtype",
                                   "CallType",    "CallDurationInSeconds",
                                   "CreatedDate", "CompletedDateTime",
                                   "Description"};
  return *kHeader;
}

// A Salesforce Task row of kind i % 12 (or `kind` when not negative) at `t`
// (UTC, to the minute), owned by one of `owners`.
inline ExportRow SalesforceTaskRow(std::mt19937& rng, int i, absl::Time t,
                                   const std::vector<std::string>& owners,
                                   int kind = -1) {
  ExportRow r;
  r.record_id = absl::StrCat("00T", 1000000 + i);
  r.owner = owners[rng() % owners.size()];
  r.contact = absl::StrCat("003", 500000 + rng() % 5000);
  r.time = t;
  std::string subject, status = "Completed", type, subtype = "Task", call_type,
                       duration;
  switch (kind >= 0 ? kind : i % 12) {
    case 0:
      subtype = "Call", call_type = "Outbound", duration = "120";
      subject = "Call";
      r.type = v1::EVENT_TYPE_MESSAGE_SENT, r.channel = v1::CHANNEL_PHONE;
      break;
    case 1:
      subtype = "Call", call_type = "Inbound", duration = "300";
      subject = "Call from prospect";
      r.type = v1::EVENT_TYPE_MESSAGE_RECEIVED, r.channel = v1::CHANNEL_PHONE;
      break;
    case 2:
      subtype = "Call", call_type = "Internal", subject = "Sync";
      r.skipped = true, r.skip_label = "internal call";
      break;
    case 3:
      subtype = "Email", subject = HostileText(rng, i);
      r.type = v1::EVENT_TYPE_MESSAGE_SENT, r.channel = v1::CHANNEL_EMAIL;
      break;
    case 4:
      subject = absl::StrCat("Email: ", HostileText(rng, i));
      r.type = v1::EVENT_TYPE_MESSAGE_SENT, r.channel = v1::CHANNEL_EMAIL;
      break;
    case 5:
      subtype = "ListEmail", subject = "Newsletter";
      r.skipped = true, r.skip_label = "list e-mail";
      break;
    case 6:
      subtype = "LinkedIn", subject = "LinkedIn: Send connection request";
      r.type = v1::EVENT_TYPE_CONNECTION_REQUEST_SENT;
      r.channel = v1::CHANNEL_CONNECTION_NOTE;
      break;
    case 7:
      subtype = "LinkedIn", subject = "LinkedIn: Send InMail, follow up";
      r.type = v1::EVENT_TYPE_MESSAGE_SENT;
      r.channel = v1::CHANNEL_LINKEDIN_MESSAGE;
      break;
    case 8:
      subtype = "LinkedIn", subject = "LinkedIn: View profile";
      r.type = v1::EVENT_TYPE_PROSPECT_PROFILE_VIEWED;
      break;
    case 9:
      subtype = "Call", status = "Not Started", subject = "Call back";
      r.skipped = true, r.skip_label = "open task";
      break;
    case 10:
      type = "Call", subject = "Logged call";
      r.type = v1::EVENT_TYPE_MESSAGE_SENT, r.channel = v1::CHANNEL_PHONE;
      break;
    default:
      type = "Other", subject = "Prepare the QBR deck";
      r.skipped = true, r.skip_label = "other task";
      break;
  }
  const std::string description = HostileText(rng, i + 1);
  r.lines = LinesOf(subject) + LinesOf(description) - 1;
  const absl::TimeZone utc = absl::UTCTimeZone();
  r.fields = {
      r.record_id,
      r.contact,
      absl::StrCat("006", rng() % 100000),
      r.owner,
      subject,
      absl::FormatTime("%Y-%m-%d", t, utc),
      status,
      "Normal",
      type,
      subtype,
      call_type,
      duration,
      absl::FormatTime("%Y-%m-%dT%H:%M:%S.000+0000", t - absl::Minutes(5), utc),
      absl::FormatTime("%Y-%m-%dT%H:%M:%S.000+0000", t, utc),
      description};
  return r;
}

inline const std::vector<std::string>& HubSpotHeader() {
  static const auto* const kHeader =
      new std::vector<std::string>{"Record ID",
                                   "Activity date",
                                   "Activity type",
                                   "Email direction",
                                   "Call direction",
                                   "Activity assigned to",
                                   "Email subject",
                                   "Associated Contact IDs",
                                   "Associated Contact Job Title",
                                   "Body preview"};
  return *kHeader;
}

// A HubSpot activity row of kind i % 9, owned by one of `owners` (names
// such as "Jane Doe"; the member_id expected is their slug).
inline ExportRow HubSpotRow(std::mt19937& rng, int i, absl::Time t,
                            const std::vector<std::string>& owner_names,
                            const std::vector<std::string>& member_ids) {
  ExportRow r;
  r.record_id = absl::StrCat(80000000 + i);
  const size_t o = rng() % owner_names.size();
  r.owner = member_ids[o];
  r.contact = absl::StrCat(1000 + rng() % 900);
  r.time = t;
  std::string type, email_dir, call_dir, subject;
  switch (i % 9) {
    case 0:
      type = "EMAIL", email_dir = "EMAIL", subject = HostileText(rng, i);
      r.type = v1::EVENT_TYPE_MESSAGE_SENT, r.channel = v1::CHANNEL_EMAIL;
      break;
    case 1:
      type = "EMAIL", email_dir = "INCOMING_EMAIL", subject = "Re: hello";
      r.type = v1::EVENT_TYPE_MESSAGE_RECEIVED, r.channel = v1::CHANNEL_EMAIL;
      break;
    case 2:
      type = "EMAIL", email_dir = "FORWARDED_EMAIL", subject = "Fwd: deck";
      r.skipped = true, r.skip_label = "forwarded e-mail";
      break;
    case 3:
      type = "CALL", call_dir = "OUTBOUND";
      r.type = v1::EVENT_TYPE_MESSAGE_SENT, r.channel = v1::CHANNEL_PHONE;
      break;
    case 4:
      type = "CALL", call_dir = "INBOUND";
      r.type = v1::EVENT_TYPE_MESSAGE_RECEIVED, r.channel = v1::CHANNEL_PHONE;
      break;
    case 5:
      type = "MEETING";
      r.type = v1::EVENT_TYPE_MEETING_BOOKED;
      break;
    case 6:
      type = "NOTE";
      r.skipped = true, r.skip_label = "note";
      break;
    case 7:
      type = "TASK";
      r.skipped = true, r.skip_label = "task";
      break;
    default:
      type = "Email", email_dir = "Outgoing email", subject = "Intro";
      r.type = v1::EVENT_TYPE_MESSAGE_SENT, r.channel = v1::CHANNEL_EMAIL;
      break;
  }
  const std::string body = HostileText(rng, i + 2);
  r.lines = LinesOf(subject) + LinesOf(body) - 1;
  const std::string contacts =
      rng() % 3 == 0 ? absl::StrCat(r.contact, ";", 5000 + rng() % 100)
                     : r.contact;
  r.fields = {r.record_id,
              absl::FormatTime("%Y-%m-%d %H:%M", t, absl::UTCTimeZone()),
              type,
              email_dir,
              call_dir,
              owner_names[o],
              subject,
              contacts,
              i % 2 ? "VP Sales" : "Account Executive",
              body};
  return r;
}

}  // namespace rapport::cli::testing

#endif  // RAPPORT_TESTS_UNIT_CLI_CRM_EXPORTS_H_
