#include "tests/unit/store/pg/sql_tenant_rules.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace rapport::store::testing {
namespace {

enum class Kind { kWord, kParam, kString, kNumber, kPunct };

struct Token {
  Kind kind;
  std::string text;  // Words lower-cased.
  int param = 0;     // For kParam.
  int group = 0;     // The innermost parenthesis group holding the token.
};

// A statement's tokens and its parenthesis groups (group 0: the whole).
struct Statement {
  std::vector<Token> tokens;
  std::vector<int> parent{-1};
  std::vector<bool> is_query{true};
};

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

Statement Tokenize(const std::string& sql) {
  Statement s;
  std::vector<int> open{0};
  size_t i = 0;
  auto push = [&](Kind kind, std::string text, int param = 0) {
    s.tokens.push_back(Token{kind, std::move(text), param, open.back()});
  };
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.compare(i, 2, "/*") == 0) {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string::npos ? sql.size() : end + 2;
    } else if (c == '\'') {
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == '\'' && j + 1 < sql.size() && sql[j + 1] == '\'') {
          j += 2;
        } else if (sql[j] == '\'') {
          break;
        } else {
          ++j;
        }
      }
      push(Kind::kString, sql.substr(i, j + 1 - i));
      i = j + 1;
    } else if (c == '"') {
      size_t j = sql.find('"', i + 1);
      if (j == std::string::npos) j = sql.size();
      push(Kind::kWord, absl::AsciiStrToLower(sql.substr(i + 1, j - i - 1)));
      i = j + 1;
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      size_t j = i + 1;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
        ++j;
      push(Kind::kParam, sql.substr(i, j - i),
           std::atoi(sql.substr(i + 1, j - i - 1).c_str()));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < sql.size() && (IsWordChar(sql[j]) || sql[j] == '.')) ++j;
      push(Kind::kNumber, sql.substr(i, j - i));
      i = j;
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < sql.size() && IsWordChar(sql[j])) ++j;
      push(Kind::kWord, absl::AsciiStrToLower(sql.substr(i, j - i)));
      i = j;
    } else if (c == '(') {
      push(Kind::kPunct, "(");
      s.parent.push_back(open.back());
      s.is_query.push_back(false);
      open.push_back(static_cast<int>(s.parent.size()) - 1);
      ++i;
    } else if (c == ')') {
      if (open.size() > 1) open.pop_back();
      push(Kind::kPunct, ")");
      ++i;
    } else {
      static const char* const kTwo[] = {"::", "<>", "<=", ">=", "!=", "||"};
      std::string op(1, c);
      for (const char* two : kTwo) {
        if (sql.compare(i, 2, two) == 0) op = two;
      }
      push(Kind::kPunct, op);
      i += op.size();
    }
  }
  // A group is a query of its own when it starts with one of these.
  for (size_t t = 0; t + 1 < s.tokens.size(); ++t) {
    if (s.tokens[t].text != "(" || s.tokens[t].kind != Kind::kPunct) continue;
    const Token& next = s.tokens[t + 1];
    if (next.kind == Kind::kWord &&
        (next.text == "select" || next.text == "with" ||
         next.text == "values" || next.text == "insert" ||
         next.text == "update" || next.text == "delete")) {
      s.is_query[next.group] = true;
    }
  }
  return s;
}

bool IsWord(const Statement& s, int i, const char* word) {
  return i >= 0 && i < static_cast<int>(s.tokens.size()) &&
         s.tokens[i].kind == Kind::kWord && s.tokens[i].text == word;
}

bool IsPunct(const Statement& s, int i, const char* punct) {
  return i >= 0 && i < static_cast<int>(s.tokens.size()) &&
         s.tokens[i].kind == Kind::kPunct && s.tokens[i].text == punct;
}

// Words that end a table reference instead of naming its alias.
bool IsClauseWord(const std::string& w) {
  static const std::set<std::string>* const words = new std::set<std::string>{
      "where",      "join",       "inner",   "left",      "right",  "full",
      "cross",      "natural",    "on",      "using",     "set",    "group",
      "order",      "limit",      "offset",  "returning", "values", "select",
      "for",        "union",      "except",  "intersect", "having", "window",
      "fetch",      "lateral",    "default", "do",        "as",     "outer",
      "overriding", "tablesample"};
  return words->count(w) > 0;
}

// True when `inner` is `outer` or lies inside it through groups that are
// not queries of their own (parenthesised conditions).
bool InScope(const Statement& s, int inner, int outer) {
  while (inner != -1) {
    if (inner == outer) return true;
    if (s.is_query[inner]) return false;
    inner = s.parent[inner];
  }
  return false;
}

// Whether group g holds an OR at its own level (a filter there is then not
// a conjunct of the whole condition).
bool HasOr(const Statement& s, int g) {
  for (const Token& t : s.tokens) {
    if (t.group == g && t.kind == Kind::kWord && t.text == "or") return true;
  }
  return false;
}

struct TableRef {
  std::string table;
  std::string alias;
  int group = 0;
  int index = 0;        // Of the table's name.
  bool insert = false;  // The target of an INSERT.
  std::set<int> params;
};

// A column `tenant` ending at token i ("tenant" or "q.tenant"): its
// qualifier ("" when none) or false when i is not one.
bool TenantColumnEndingAt(const Statement& s, int i, std::string* qualifier) {
  if (!IsWord(s, i, "tenant")) return false;
  if (IsPunct(s, i - 1, ".")) {
    if (i < 2 || s.tokens[i - 2].kind != Kind::kWord) return false;
    *qualifier = s.tokens[i - 2].text;
  } else {
    *qualifier = "";
  }
  return true;
}

bool TenantColumnStartingAt(const Statement& s, int i, std::string* qualifier,
                            int* end) {
  if (IsWord(s, i, "tenant") && !IsPunct(s, i + 1, ".")) {
    *qualifier = "";
    *end = i;
    return true;
  }
  if (i < static_cast<int>(s.tokens.size()) &&
      s.tokens[i].kind == Kind::kWord && IsPunct(s, i + 1, ".") &&
      IsWord(s, i + 2, "tenant")) {
    *qualifier = s.tokens[i].text;
    *end = i + 2;
    return true;
  }
  return false;
}

// The parameter at i, with an optional cast after it; 0 when none.
int ParamAt(const Statement& s, int i) {
  if (i < 0 || i >= static_cast<int>(s.tokens.size())) return 0;
  if (s.tokens[i].kind == Kind::kParam) return s.tokens[i].param;
  return 0;
}

// Tokens [begin, end) of group g split at its own commas.
std::vector<std::pair<int, int>> SplitItems(const Statement& s, int begin,
                                            int end, int g) {
  std::vector<std::pair<int, int>> items;
  int start = begin;
  for (int i = begin; i < end; ++i) {
    if (s.tokens[i].group == g && IsPunct(s, i, ",")) {
      items.emplace_back(start, i);
      start = i + 1;
    }
  }
  items.emplace_back(start, end);
  return items;
}

// The index of the ')' closing the '(' at i.
int Closing(const Statement& s, int i) {
  const int outer = s.tokens[i].group;
  for (int j = i + 1; j < static_cast<int>(s.tokens.size()); ++j) {
    if (IsPunct(s, j, ")") && s.tokens[j].group == outer) return j;
  }
  return static_cast<int>(s.tokens.size());
}

// True when group `inner` is `outer` or nested in it.
bool Within(const Statement& s, int inner, int outer) {
  for (; inner != -1; inner = s.parent[inner]) {
    if (inner == outer) return true;
  }
  return false;
}

class Checker {
 public:
  Checker(const std::string& sql, const std::set<std::string>& distributed)
      : s_(Tokenize(sql)), distributed_(distributed) {}

  std::vector<std::string> Run() {
    FindRefs();
    if (refs_.empty()) return errors_;
    FindPredicates();
    for (size_t r = 0; r < refs_.size(); ++r) {
      if (refs_[r].insert) CheckInsert(r);
    }
    Propagate();
    std::set<int> common;
    bool first = true;
    for (const TableRef& ref : refs_) {
      if (ref.params.empty()) {
        errors_.push_back(absl::StrCat(
            ref.insert ? "inserts into " : "reads or writes ", ref.table,
            ref.alias != ref.table ? absl::StrCat(" (", ref.alias, ")") : "",
            " without binding its tenant to a parameter"));
        continue;
      }
      if (first) {
        common = ref.params;
        first = false;
      } else {
        std::set<int> both;
        for (int p : ref.params) {
          if (common.count(p)) both.insert(p);
        }
        common = both;
      }
    }
    if (errors_.empty() && common.empty()) {
      errors_.push_back(
          "binds its distributed tables to different tenant parameters");
    }
    return errors_;
  }

 private:
  void FindRefs() {
    const int n = static_cast<int>(s_.tokens.size());
    for (int i = 0; i < n; ++i) {
      const Token& t = s_.tokens[i];
      if (t.kind != Kind::kWord || distributed_.count(t.text) == 0) continue;
      if (IsPunct(s_, i - 1, ".") || IsPunct(s_, i + 1, ".")) continue;
      // An output column's name (AS events) or a CTE's (WITH x AS (...)).
      if (IsWord(s_, i - 1, "as")) continue;
      if (IsWord(s_, i + 1, "as") && IsPunct(s_, i + 2, "(")) continue;
      bool table_position =
          IsWord(s_, i - 1, "from") || IsWord(s_, i - 1, "join") ||
          IsWord(s_, i - 1, "update") || IsWord(s_, i - 1, "into") ||
          IsWord(s_, i - 1, "using") || IsWord(s_, i - 1, "only");
      if (!table_position && IsPunct(s_, i - 1, ",")) {
        // In a FROM list when the clause before the comma is FROM.
        for (int j = i - 2; j >= 0; --j) {
          if (s_.tokens[j].group != t.group || s_.tokens[j].kind != Kind::kWord)
            continue;
          const std::string& w = s_.tokens[j].text;
          if (w == "from") table_position = true;
          if (w == "from" || w == "select" || w == "where" || w == "set" ||
              w == "values" || w == "by" || w == "returning" || w == "on")
            break;
        }
      }
      if (!table_position) {
        // A distributed table's name anywhere else (a function argument, a
        // construct this reader does not know) is a finding, not a pass.
        if (!IsPunct(s_, i + 1, "(")) {
          errors_.push_back(absl::StrCat("names ", t.text,
                                         " where this check cannot follow"));
        }
        continue;
      }
      TableRef ref;
      ref.table = t.text;
      ref.alias = t.text;
      ref.group = t.group;
      ref.index = i;
      ref.insert = IsWord(s_, i - 1, "into") && IsWord(s_, i - 2, "insert");
      int a = i + 1;
      if (IsWord(s_, a, "as")) ++a;
      if (a < n && s_.tokens[a].kind == Kind::kWord &&
          !IsClauseWord(s_.tokens[a].text)) {
        ref.alias = s_.tokens[a].text;
      }
      refs_.push_back(ref);
    }
  }

  std::vector<size_t> RefsNamed(const std::string& qualifier, int group) {
    std::vector<size_t> out;
    for (size_t r = 0; r < refs_.size(); ++r) {
      if (qualifier.empty() ? InScope(s_, group, refs_[r].group)
                            : refs_[r].alias == qualifier) {
        out.push_back(r);
      }
    }
    return out;
  }

  void FindPredicates() {
    const int n = static_cast<int>(s_.tokens.size());
    for (int k = 0; k < n; ++k) {
      if (!IsPunct(s_, k, "=")) continue;
      const int g = s_.tokens[k].group;
      if (HasOr(s_, g)) continue;
      // An assignment (SET tenant = ...) is no filter.
      std::string left_q, right_q;
      int right_end = 0;
      const bool left = TenantColumnEndingAt(s_, k - 1, &left_q);
      const bool right =
          TenantColumnStartingAt(s_, k + 1, &right_q, &right_end);
      const int left_param = ParamAt(s_, k - 1);
      const int right_param = ParamAt(s_, k + 1);
      if (left && right_param > 0) AddFilter(left_q, g, right_param);
      if (right && left_param > 0) AddFilter(right_q, g, left_param);
      if (left && right) AddJoin(left_q, right_q, g);
    }
    // JOIN t [a] USING (..., tenant, ...): tenant equality with the tables
    // before it in its FROM.
    for (size_t r = 0; r < refs_.size(); ++r) {
      int u = refs_[r].index + 1;
      if (refs_[r].alias != refs_[r].table) ++u;
      if (IsWord(s_, u, "as")) ++u;
      if (!IsWord(s_, u, "using") || !IsPunct(s_, u + 1, "(")) continue;
      const int close = Closing(s_, u + 1);
      for (int j = u + 2; j < close; ++j) {
        if (!IsWord(s_, j, "tenant")) continue;
        for (size_t o = 0; o < refs_.size(); ++o) {
          if (o != r && refs_[o].group == refs_[r].group &&
              refs_[o].index < refs_[r].index) {
            edges_.emplace_back(o, r);
          }
        }
      }
    }
  }

  void AddFilter(const std::string& qualifier, int group, int param) {
    for (size_t r : RefsNamed(qualifier, group)) {
      if (!refs_[r].insert) refs_[r].params.insert(param);
    }
  }

  void AddJoin(const std::string& qa, const std::string& qb, int group) {
    for (size_t a : RefsNamed(qa, group)) {
      for (size_t b : RefsNamed(qb, group)) {
        if (a != b) edges_.emplace_back(a, b);
      }
    }
  }

  // INSERT INTO t [AS a] (cols) VALUES (...) | SELECT ...: the row's tenant
  // must come from a parameter or from a tenant-bound row.
  void CheckInsert(size_t r) {
    const TableRef& ref = refs_[r];
    int open = ref.index + 1;
    if (IsWord(s_, open, "as")) open += 2;
    if (!IsPunct(s_, open, "(")) {
      errors_.push_back(
          absl::StrCat("inserts into ", ref.table, " without a column list"));
      return;
    }
    const int close = Closing(s_, open);
    const int cols_group = s_.tokens[open + 1].group;
    int position = -1, index = 0;
    for (auto [b, e] : SplitItems(s_, open + 1, close, cols_group)) {
      if (e - b == 1 && IsWord(s_, b, "tenant")) position = index;
      ++index;
    }
    if (position < 0) {
      errors_.push_back(
          absl::StrCat("inserts into ", ref.table, " without its tenant"));
      return;
    }
    int next = close + 1;
    if (IsWord(s_, next, "overriding")) next += 3;
    if (IsWord(s_, next, "values")) {
      for (int i = next + 1; IsPunct(s_, i, "(");) {
        const int row_close = Closing(s_, i);
        auto items = SplitItems(s_, i + 1, row_close, s_.tokens[i + 1].group);
        if (position >= static_cast<int>(items.size())) break;
        const int param = ParamAt(s_, items[position].first);
        if (param == 0) {
          errors_.push_back(absl::StrCat("inserts into ", ref.table,
                                         " a tenant not from a parameter"));
          return;
        }
        refs_[r].params.insert(param);
        i = row_close + 1;
        if (!IsPunct(s_, i, ",")) break;
        ++i;
      }
      return;
    }
    if (IsWord(s_, next, "select")) {
      const int g = s_.tokens[next].group;
      int end = next + 1;
      while (end < static_cast<int>(s_.tokens.size()) &&
             Within(s_, s_.tokens[end].group, g) &&
             !(s_.tokens[end].group == g && IsWord(s_, end, "from")))
        ++end;
      int begin = next + 1;
      if (IsWord(s_, begin, "distinct")) {
        ++begin;
        if (IsWord(s_, begin, "on") && IsPunct(s_, begin + 1, "(")) {
          begin = Closing(s_, begin + 1) + 1;
        }
      }
      auto items = SplitItems(s_, begin, end, g);
      if (position < static_cast<int>(items.size())) {
        const int b = items[position].first;
        const int param = ParamAt(s_, b);
        std::string q;
        int col_end = 0;
        if (param > 0) {
          refs_[r].params.insert(param);
          return;
        }
        if (TenantColumnStartingAt(s_, b, &q, &col_end)) {
          for (size_t o : RefsNamed(q, g)) {
            if (o != r) edges_.emplace_back(o, r);
          }
          return;
        }
      }
    }
    errors_.push_back(absl::StrCat("inserts into ", ref.table,
                                   " a tenant this check cannot trace"));
  }

  // Tenant equality carries a tenant parameter from one table to another.
  void Propagate() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (auto [a, b] : edges_) {
        for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
          for (int p : std::set<int>(refs_[from].params)) {
            changed |= refs_[to].params.insert(p).second;
          }
        }
      }
    }
  }

  Statement s_;
  const std::set<std::string>& distributed_;
  std::vector<TableRef> refs_;
  std::vector<std::pair<size_t, size_t>> edges_;
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<std::string> TenantRuleViolations(
    const std::string& sql, const std::set<std::string>& distributed) {
  return Checker(sql, distributed).Run();
}

}  // namespace rapport::store::testing
