#include "client/cli/import_mapping.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/cli/builtin_mappings.h"
#include "client/cli/import_rules.h"
#include "server/config/config_file.h"
#include "server/model/enums.h"

namespace rapport::cli {
namespace {

using config::v1::ImportMapping;

// The server's rules (model/enums.h) for an event type of the API.
model::EventType ModelType(v1::EventType t) {
  return static_cast<model::EventType>(t);
}

absl::Status CheckColumn(const config::v1::Column& column,
                         const std::string& field, bool required) {
  if (column.names().empty()) {
    return required ? absl::InvalidArgumentError(
                          absl::StrCat(field, ": names at least one column"))
                    : absl::OkStatus();
  }
  for (const std::string& name : column.names()) {
    if (absl::StripAsciiWhitespace(name).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": a column name is empty"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRule(const config::v1::TypeRule& rule, int i) {
  const std::string field = absl::StrCat("type_rules[", i, "]");
  if (!rule.skip() && rule.type() == v1::EVENT_TYPE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": needs a type, or skip: true"));
  }
  for (int j = 0; j < rule.when_size(); ++j) {
    const config::v1::Condition& c = rule.when(j);
    const std::string cf = absl::StrCat(field, ".when[", j, "]");
    if (absl::Status s = CheckColumn(c.column(), cf + ".column", true);
        !s.ok()) {
      return s;
    }
    if (c.match() == config::v1::MATCH_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(cf, ": needs a match"));
    }
    const bool takes_values = c.match() == config::v1::MATCH_EQUALS ||
                              c.match() == config::v1::MATCH_PREFIX ||
                              c.match() == config::v1::MATCH_CONTAINS;
    if (takes_values && c.values().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(cf, ": needs at least one value"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> BuiltinMappingNames() {
  std::vector<std::string> names;
  for (size_t i = 0; i < kBuiltinMappingsCount; ++i) {
    names.emplace_back(kBuiltinMappings[i].name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::string> BuiltinMappingText(const std::string& name) {
  for (size_t i = 0; i < kBuiltinMappingsCount; ++i) {
    if (name == kBuiltinMappings[i].name) {
      return std::string(kBuiltinMappings[i].data, kBuiltinMappings[i].size);
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "no built-in mapping \"", name,
      "\" (built in: ", absl::StrJoin(BuiltinMappingNames(), ", "), ")"));
}

absl::StatusOr<ImportMapping> LoadImportMapping(
    const std::string& name_or_path) {
  ImportMapping mapping;
  absl::StatusOr<std::string> text = BuiltinMappingText(name_or_path);
  config::ConfigFormat format = config::ConfigFormat::kTextproto;
  if (!text.ok()) {
    absl::StatusOr<config::ConfigFormat> by_name =
        config::FormatOfPath(name_or_path);
    if (!by_name.ok()) {
      return absl::NotFoundError(absl::StrCat(
          "--mapping: \"", name_or_path, "\" is neither a built-in mapping (",
          absl::StrJoin(BuiltinMappingNames(), ", "),
          ") nor a file ending in .textproto, .txtpb or .json"));
    }
    format = *by_name;
    text = config::ReadConfigFile(name_or_path);
    if (!text.ok()) return text.status();
  }
  absl::Status status = config::ParseConfigText(*text, format, mapping);
  if (status.ok()) status = CheckImportMapping(mapping);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name_or_path, ": ", status.message()));
  }
  return mapping;
}

absl::Status CheckImportMapping(const ImportMapping& m) {
  const std::pair<const config::v1::Column*, const char*> required[] = {
      {&m.event_id(), "event_id"},
      {&m.member().column(), "member.column"},
      {&m.occur_time().column(), "occur_time.column"}};
  for (const auto& [column, field] : required) {
    if (absl::Status s = CheckColumn(*column, field, true); !s.ok()) return s;
  }
  const std::pair<const config::v1::Column*, const char*> optional[] = {
      {&m.member().display_name(), "member.display_name"},
      {&m.contact().id(), "contact.id"},
      {&m.contact().title(), "contact.title"},
      {&m.contact().industry(), "contact.industry"},
      {&m.contact().region(), "contact.region"},
      {&m.thread().column(), "thread.column"}};
  for (const auto& [column, field] : optional) {
    if (absl::Status s = CheckColumn(*column, field, false); !s.ok()) return s;
  }
  if (m.type_rules().empty()) {
    return absl::InvalidArgumentError("type_rules: at least one is required");
  }
  for (int i = 0; i < m.type_rules_size(); ++i) {
    if (absl::Status s = CheckRule(m.type_rules(i), i); !s.ok()) return s;
  }
  for (const config::v1::MemberLookup& entry : m.member().lookup()) {
    if (absl::StripAsciiWhitespace(entry.owner()).empty() ||
        entry.member_id().empty()) {
      return absl::InvalidArgumentError(
          "member.lookup: every entry needs owner and member_id");
    }
  }
  for (const config::v1::SeniorityRule& rule : m.contact().seniority_rules()) {
    if (rule.keywords().empty()) {
      return absl::InvalidArgumentError(
          "contact.seniority_rules: every rule needs a keyword");
    }
  }
  absl::TimeZone zone;
  if (!m.occur_time().time_zone().empty() &&
      !absl::LoadTimeZone(m.occur_time().time_zone(), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("occur_time.time_zone: unknown time zone \"",
                     m.occur_time().time_zone(), "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<RowMapper> RowMapper::Create(
    const ImportMapping& mapping, const std::vector<std::string>& header,
    const std::string& time_zone) {
  if (absl::Status s = CheckImportMapping(mapping); !s.ok()) return s;
  RowMapper m;
  m.mapping_ = mapping;
  m.field_count_ = header.size();
  for (size_t i = 0; i < header.size(); ++i) {
    // The first of two equal headers wins.
    m.header_index_.try_emplace(
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(header[i])),
        static_cast<int>(i));
  }
  const std::string zone_name =
      time_zone.empty() ? mapping.occur_time().time_zone() : time_zone;
  if (zone_name.empty()) {
    m.zone_ = absl::UTCTimeZone();
  } else if (!absl::LoadTimeZone(zone_name, &m.zone_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", zone_name, "\""));
  }
  m.time_formats_.assign(mapping.occur_time().formats().begin(),
                         mapping.occur_time().formats().end());
  if (m.time_formats_.empty()) m.time_formats_ = DefaultTimeFormats();
  for (const config::v1::MemberLookup& entry : mapping.member().lookup()) {
    m.lookup_.try_emplace(
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(entry.owner())),
        entry);
  }
  m.event_id_ = m.Bind(mapping.event_id());
  m.member_ = m.Bind(mapping.member().column());
  m.member_name_ = m.Bind(mapping.member().display_name());
  m.occur_time_ = m.Bind(mapping.occur_time().column());
  m.contact_id_ = m.Bind(mapping.contact().id());
  m.title_ = m.Bind(mapping.contact().title());
  m.industry_ = m.Bind(mapping.contact().industry());
  m.region_ = m.Bind(mapping.contact().region());
  m.thread_ = m.Bind(mapping.thread().column());
  const std::pair<const BoundColumn*, const config::v1::Column*> required[] = {
      {&m.event_id_, &mapping.event_id()},
      {&m.member_, &mapping.member().column()},
      {&m.occur_time_, &mapping.occur_time().column()}};
  for (const auto& [bound, column] : required) {
    if (bound->present.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the file has none of the columns ",
                       absl::StrJoin(column->names(), ", "),
                       " (header: ", absl::StrJoin(header, ", "), ")"));
    }
  }
  for (const config::v1::TypeRule& rule : mapping.type_rules()) {
    BoundRule bound{.when = {}, .rule = rule};
    for (const config::v1::Condition& c : rule.when()) {
      bound.when.push_back(
          BoundCondition{.column = m.Bind(c.column()),
                         .match = c.match(),
                         .values = {c.values().begin(), c.values().end()},
                         .negate = c.negate()});
    }
    m.rules_.push_back(std::move(bound));
  }
  return m;
}

RowMapper::BoundColumn RowMapper::Bind(const config::v1::Column& column) const {
  BoundColumn bound;
  for (const std::string& name : column.names()) {
    const auto it = header_index_.find(
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(name)));
    if (it == header_index_.end()) continue;
    if (bound.first_name.empty()) bound.first_name = name;
    bound.present.emplace_back(it->second, name);
  }
  if (bound.first_name.empty() && !column.names().empty()) {
    bound.first_name = column.names(0);
  }
  return bound;
}

RowMapper::Cell RowMapper::Value(const BoundColumn& column,
                                 const std::vector<std::string>& fields) {
  Cell cell;
  for (const auto& [index, name] : column.present) {
    if (index >= static_cast<int>(fields.size())) continue;
    const absl::string_view v = absl::StripAsciiWhitespace(fields[index]);
    if (cell.column == nullptr) cell.column = &name;
    if (!v.empty()) {
      cell.value = v;
      cell.column = &name;
      return cell;
    }
  }
  return cell;
}

bool RowMapper::Reject(const BoundColumn& column, const Cell& cell,
                       std::string reason, MappedRow* out) const {
  out->kind = MappedRow::Kind::kRejected;
  out->column = cell.column != nullptr ? *cell.column : column.first_name;
  out->reason = std::move(reason);
  return false;
}

void RowMapper::Map(const std::vector<std::string>& fields,
                    MappedRow* out) const {
  out->event.Clear();
  out->owner_name.clear();
  out->skip_label.clear();
  out->column.clear();
  out->reason.clear();
  if (fields.size() != field_count_) {
    out->kind = MappedRow::Kind::kRejected;
    out->reason = absl::StrCat(fields.size(), " fields where the header has ",
                               field_count_);
    return;
  }
  // The type decides what else the row needs.
  const config::v1::TypeRule* matched = nullptr;
  for (const BoundRule& bound : rules_) {
    bool all = true;
    for (const BoundCondition& c : bound.when) {
      const Cell cell = Value(c.column, fields);
      if (MatchesCell(cell.value, c.match, c.values) == c.negate) {
        all = false;
        break;
      }
    }
    if (all) {
      matched = &bound.rule;
      break;
    }
  }
  if (matched == nullptr) {
    if (mapping_.unmatched_rows() == config::v1::UNMATCHED_ROWS_SKIP) {
      out->kind = MappedRow::Kind::kSkipped;
      out->skip_label = "unmatched";
      return;
    }
    out->kind = MappedRow::Kind::kRejected;
    out->reason = "no type rule of the mapping matches the row";
    return;
  }
  if (matched->skip()) {
    out->kind = MappedRow::Kind::kSkipped;
    out->skip_label = matched->label().empty() ? "skipped" : matched->label();
    return;
  }
  v1::Event& e = out->event;
  e.set_type(matched->type());
  e.set_channel(matched->channel());

  const Cell id = Value(event_id_, fields);
  if (id.value.empty()) {
    Reject(event_id_, id, "empty; the record id is required", out);
    return;
  }
  e.set_event_id(absl::StrCat(mapping_.event_id_prefix(), id.value));

  const Cell owner = Value(member_, fields);
  if (owner.value.empty()) {
    Reject(member_, owner, "empty; the owner is required", out);
    return;
  }
  const auto entry = lookup_.find(absl::AsciiStrToLower(owner.value));
  if (entry != lookup_.end()) {
    e.set_member_id(entry->second.member_id());
    out->owner_name = entry->second.display_name();
  } else if (mapping_.member().lookup_only()) {
    Reject(member_, owner,
           absl::StrCat("owner '", owner.value,
                        "' is not in the mapping's member lookup"),
           out);
    return;
  } else {
    e.set_member_id(MemberIdOfOwner(owner.value, mapping_.member().form()));
    if (e.member_id().empty()) {
      Reject(member_, owner,
             absl::StrCat("owner '", owner.value, "' makes no member_id"), out);
      return;
    }
  }
  if (out->owner_name.empty()) {
    out->owner_name = std::string(Value(member_name_, fields).value);
  }

  const Cell when = Value(occur_time_, fields);
  absl::StatusOr<absl::Time> t =
      ParseCellTime(when.value, time_formats_, zone_);
  if (!t.ok()) {
    Reject(occur_time_, when, std::string(t.status().message()), out);
    return;
  }
  const int64_t seconds = absl::ToUnixSeconds(*t);
  e.mutable_occur_time()->set_seconds(seconds);
  e.mutable_occur_time()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(*t - absl::FromUnixSeconds(seconds))));

  const config::v1::ContactRule& contact = mapping_.contact();
  const Cell contact_cell = Value(contact_id_, fields);
  absl::string_view contact_id = contact_cell.value;
  if (!contact.id_separator().empty()) {
    contact_id = {};
    for (absl::string_view part :
         absl::StrSplit(contact_cell.value, contact.id_separator())) {
      part = absl::StripAsciiWhitespace(part);
      if (!part.empty()) {
        contact_id = part;
        break;
      }
    }
  }
  if (!contact_id.empty()) {
    v1::Contact* c = e.mutable_contact();
    c->set_contact_id(absl::StrCat(contact.id_prefix(), contact_id));
    c->set_seniority(SeniorityOfTitle(Value(title_, fields).value,
                                      contact.seniority_rules(),
                                      contact.default_seniority()));
    c->set_industry(std::string(Value(industry_, fields).value));
    c->set_region(std::string(Value(region_, fields).value));
  } else if (model::IsContactEvent(ModelType(e.type()))) {
    Reject(contact_id_, contact_cell,
           absl::StrCat("empty; ",
                        matched->label().empty() ? v1::EventType_Name(e.type())
                                                 : matched->label(),
                        " rows need a contact"),
           out);
    return;
  }

  if (model::IsThreadEvent(ModelType(e.type()))) {
    const Cell thread = Value(thread_, fields);
    absl::string_view from = thread.value;
    if (from.empty()) {
      switch (mapping_.thread().fallback()) {
        case config::v1::THREAD_FALLBACK_CONTACT_ID:
          from = contact_id;
          break;
        case config::v1::THREAD_FALLBACK_EVENT_ID:
          from = id.value;
          break;
        default:
          break;
      }
    }
    if (from.empty()) {
      Reject(thread_, thread, "empty; message rows need a thread", out);
      return;
    }
    e.set_thread_id(absl::StrCat(mapping_.thread().prefix(), from));
  }
  out->kind = MappedRow::Kind::kEvent;
}

}  // namespace rapport::cli
