// The sharding rules a statement must keep so that the tables can be
// distributed by tenant (docs/scale-out.md): every distributed table it
// reads or writes is filtered by `tenant = $n`, or joined on tenant equality
// to one that is; every row it inserts into one takes its tenant from a
// parameter (or from a row so filtered); and all the distributed tables of
// one statement are bound to one tenant parameter, so the statement runs on
// the one shard holding that tenant.
//
// A checker over PostgreSQL's text of a statement, as pg_stat_statements
// keeps it (constants replaced by $n). It reads the statement's tokens and
// parentheses, not a full grammar: it follows the forms the store writes
// (FROM/JOIN/UPDATE/INTO/USING lists with optional aliases, `a.tenant = $1`,
// `a.tenant = b.tenant`, JOIN ... USING (tenant, ...), INSERT column lists
// with VALUES or SELECT) and reports anything else that touches a
// distributed table as a violation, so that it errs towards a finding.
#ifndef RAPPORT_TESTS_UNIT_STORE_PG_SQL_TENANT_RULES_H_
#define RAPPORT_TESTS_UNIT_STORE_PG_SQL_TENANT_RULES_H_

#include <set>
#include <string>
#include <vector>

namespace rapport::store::testing {

// Why `sql` breaks the rules, one line each; empty when it keeps them or
// touches none of `distributed` (lower-case table names).
std::vector<std::string> TenantRuleViolations(
    const std::string& sql, const std::set<std::string>& distributed);

}  // namespace rapport::store::testing

#endif  // RAPPORT_TESTS_UNIT_STORE_PG_SQL_TENANT_RULES_H_
