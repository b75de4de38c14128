#include "client/cli/member_render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli/format.h"

namespace rapport::cli {
namespace {

std::string YesNo(bool b) { return b ? "yes" : "no"; }

}  // namespace

std::string RenderMember(const rapport::v1::Member& m) {
  const rapport::v1::Profile& p = m.profile();
  std::string out;
  auto line = [&](absl::string_view key, absl::string_view value) {
    absl::StrAppend(&out, absl::StrFormat("%-16s %s\n", key, value));
  };
  line("member", m.member_id());
  line("name", m.display_name());
  line("team", m.team());
  line("industry", m.industry());
  line("manager", m.manager().empty() ? "-" : m.manager());
  line("events", FormatCount(m.event_count()));
  line("last event", FormatTimestamp(m.last_event_time()));
  line("created", FormatTimestamp(m.create_time()));
  line("updated", FormatTimestamp(m.update_time()));
  line("profile", absl::StrCat("photo ", YesNo(p.has_photo()), ", headline ",
                               YesNo(p.has_headline()), ", summary ",
                               YesNo(p.has_summary())));
  line("", absl::StrCat(p.positions_count(), " positions (",
                        p.positions_with_description_count(), " described), ",
                        p.education_count(), " education, ", p.skills_count(),
                        " skills"));
  line("", absl::StrCat(p.certifications_count(), " certifications, ",
                        p.volunteer_roles_count(), " volunteer roles, ",
                        p.board_roles_count(), " board roles"));
  line("",
       absl::StrCat(p.recommendations_given_count(), " recommendations given, ",
                    p.recommendations_received_count(), " received, ",
                    FormatCount(p.connections_count()), " connections"));
  return out;
}

std::string RenderMemberTable(const std::vector<rapport::v1::Member>& members) {
  Table table({{"ID"},
               {"NAME"},
               {"TEAM"},
               {"INDUSTRY"},
               {"EVENTS", true},
               {"LAST EVENT"}});
  for (const rapport::v1::Member& m : members) {
    table.AddRow({m.member_id(), m.display_name(), m.team(), m.industry(),
                  FormatCount(m.event_count()),
                  FormatTimestamp(m.last_event_time())});
  }
  return table.Render();
}

}  // namespace rapport::cli
