#!/usr/bin/python3
"""Validates everything under deploy/ that can be validated without running it.

    tests/deploy/check_deploy.py [--root REPO] [--only CHECK ...] [--list]

Prometheus config and rules (promtool check, promtool unit tests, every alert
tested firing and quiet), Alertmanager (amtool check-config and routing of
every alert for every demo team), the Grafana dashboards (JSON, required
panels, every query valid PromQL over documented metrics), the Kubernetes
manifests (required fields, probes, selectors, TLS and auth mounts, the
NetworkPolicy, the authenticated ServiceMonitor; the PrometheusRule holds
exactly the tested rule files), the replicated deployments over PostgreSQL
(deploy/k8s/replicas rendered as kubectl kustomize does, deploy/compose), the
systemd units and the Dockerfile, the
example auth configs against proto/rapport/config/v1/auth.proto, that no
private key or API key is committed under deploy/, and docs/security.md.

Prints one line per check and exits 1 when any check fails.
"""
import argparse
import configparser
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# The alerts the deployment promises (docs/alerts.md describes each).
ENGAGEMENT_ALERTS = {"RapportMemberSsiDropped", "RapportTeamSsiFalling",
                     "RapportMemberInactive", "RapportMemberReplyRatioLow",
                     "RapportMemberSsiProjectedDrop", "RapportGoalOffTrack"}
MEMBER_ALERTS = {"RapportMemberSsiDropped", "RapportMemberInactive",
                 "RapportMemberSsiProjectedDrop",
                 "RapportMemberReplyRatioLow"}
SERVICE_ALERTS = {"RapportDown", "RapportMetricsAbsent", "RapportHighErrorRatio",
                  "RapportHighLatency", "RapportScoresStale"}
# Alerts whose value says nothing (up == 0, absent()): no $value needed.
VALUELESS_ALERTS = {"RapportDown", "RapportMetricsAbsent"}
SEVERITIES = {"critical", "warning", "info"}
RUNTIME_LIBS = {"libgrpc++1.51", "libprotobuf32", "libabsl20220623",
                "libprometheus-cpp-core1.0", "libprometheus-cpp-pull1.0",
                "libsqlite3-0", "libcivetweb1", "libpq5"}


class CheckError(Exception):
    pass


def path(*parts):
    return os.path.join(ROOT, *parts)


def rel(p):
    return os.path.relpath(p, ROOT)


def load_yaml(p):
    with open(p, encoding="utf-8") as f:
        return yaml.safe_load(f)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kw)


def tool(name):
    found = shutil.which(name)
    if not found:
        raise CheckError(f"{name} not found: install it with deploy/install-deps.sh test")
    return found


def duration_seconds(text):
    """'5m', '1h30m', '10s', '90' (seconds) -> seconds."""
    text = str(text).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000,
             "min": 60, "sec": 1}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|min|sec|s|m|h|d|w|y)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise CheckError(f"cannot read the duration {text!r}")
    return sum(float(n) * units[u] for n, u in parts)


def rule_files():
    return sorted(glob.glob(path("deploy", "prometheus", "rules", "*.yml")))


def rule_groups():
    groups = []
    for p in rule_files():
        groups.extend(load_yaml(p)["groups"])
    return groups


def alert_rules():
    return {r["alert"]: r for g in rule_groups() for r in g["rules"] if "alert" in r}


def recording_names():
    return {r["record"] for g in rule_groups() for r in g["rules"] if "record" in r}


def demo_teams():
    """The team names of the demo organisation (client/demo/roster.cc)."""
    with open(path("client", "demo", "roster.cc"), encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"kTeams\s*=\s*\{(.*?)\};", src, re.S)
    if not m:
        raise CheckError("client/demo/roster.cc: kTeams not found")
    teams = re.findall(r'"([^"]+)"', m.group(1))
    if not teams:
        raise CheckError("client/demo/roster.cc: kTeams is empty")
    return teams


def documented_metrics():
    with open(path("docs", "metrics.md"), encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r"`((?:rapport|grpc)_[a-z0-9_]+)`", text))


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_NAME = re.compile(r"(?<![A-Za-z0-9_:.])[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr):
    """The metric names an expression reads: rapport_*, grpc_server_*, and
    recorded series (names with a colon)."""
    bare = _STRING.sub('""', expr)
    return {n for n in _NAME.findall(bare)
            if n.startswith(("rapport_", "grpc_server_")) or ":" in n}


def unknown_metrics(expr, documented, recorded):
    bad = set()
    for name in metric_names(expr):
        if name in recorded or name in documented:
            continue
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        if base in documented:
            continue
        bad.add(name)
    return bad


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
TLS_FLAGS = ("--tls_cert_file", "--tls_key_file")
ROLES = {"admin", "integration", "manager", "rep", "metrics"}
JWT_ALGORITHMS = {"RS256", "ES256"}
PERMISSIONS = ["members.write", "members.read", "scores.read", "leaderboard.read",
               "outreach.read", "recommendations.read", "keys.manage", "tenants.create",
               "metrics.scrape", "page.read", "goals.write", "goals.read",
               "validation.read", "database.backup"]
# A PEM private key, an API key (rpk_<key_id>_<secret>, the secret 256 bits),
# a JWT: none belongs in the repository.
_SECRET_PATTERNS = [
    ("a PEM private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("an API key", re.compile(r"\brpk_[A-Za-z0-9]+_[A-Za-z0-9_-]{20,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.")),
]
PLACEHOLDER = re.compile(r"REPLACE_WITH_[A-Z0-9_]+")


def flag_values(args):
    """['--a=1', '--b'] -> {'--a': '1', '--b': ''} (the last value wins)."""
    out = {}
    for a in args:
        if a.startswith("--"):
            k, _, v = a.partition("=")
            out[k] = v
    return out


def is_loopback(hostport):
    host = hostport.rsplit(":", 1)[0] if ":" in hostport else hostport
    return host in LOOPBACK_HOSTS


def proto_messages(rel_path):
    """The messages of a .proto file: {message: {field: (type, repeated)}},
    oneof members included, map<K,V> fields typed 'map'."""
    with open(path(rel_path), encoding="utf-8") as f:
        text = re.sub(r"//[^\n]*", "", f.read())
    messages = {}
    for m in re.finditer(r"\bmessage\s+(\w+)\s*\{", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[m.end():i - 1]
        fields = {}
        for fm in re.finditer(r"(repeated\s+|optional\s+)?(map\s*<[^>]*>|[\w.]+)\s+(\w+)\s*=\s*\d+\s*;",
                              body):
            label, ftype, name = fm.groups()
            fields[name] = ("map" if ftype.startswith("map") else ftype,
                            (label or "").strip() == "repeated")
        messages[m.group(1)] = fields
    return messages


def _json_name(name):
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def proto_json_errors(value, message, messages, where):
    """Whether a JSON value is what the protobuf JSON parser accepts for the
    message (field names, nesting, scalar types), and Rapport's own rules on
    AuthConfig values (role names, JWT algorithms)."""
    errors = []
    if not isinstance(value, dict):
        return [f"{where}: an object expected for {message}"]
    fields = messages.get(message, {})
    by_json = {}
    for name, spec in fields.items():
        by_json[name] = (name, spec)
        by_json[_json_name(name)] = (name, spec)
    for key, v in value.items():
        if key not in by_json:
            errors.append(f"{where}: {message} has no field {key!r}")
            continue
        name, (ftype, repeated) = by_json[key]
        here = f"{where}.{key}"
        items = v if repeated else [v]
        if repeated and not isinstance(v, list):
            errors.append(f"{here}: a list expected")
            continue
        for item in items:
            if ftype == "map":
                if not isinstance(item, dict) or not all(isinstance(x, str) for x in item.values()):
                    errors.append(f"{here}: an object of strings expected")
            elif ftype == "string":
                if not isinstance(item, str):
                    errors.append(f"{here}: a string expected")
            elif ftype in ("int32", "int64", "uint32", "uint64"):
                if isinstance(item, bool) or not isinstance(item, int):
                    errors.append(f"{here}: an integer expected")
            elif ftype == "bool":
                if not isinstance(item, bool):
                    errors.append(f"{here}: true or false expected")
            elif ftype in messages:
                errors.extend(proto_json_errors(item, ftype, messages, here))
            else:
                errors.append(f"{here}: cannot check the type {ftype}")
        if name == "roles" and isinstance(v, dict):
            bad = set(v.values()) - ROLES
            if bad:
                errors.append(f"{here}: unknown roles {sorted(bad)}; roles are {sorted(ROLES)}")
        if name == "role" and v not in ROLES:
            errors.append(f"{here}: unknown role {v!r}; roles are {sorted(ROLES)}")
        if name == "algorithms" and isinstance(v, list) and set(v) - JWT_ALGORITHMS:
            errors.append(f"{here}: {sorted(set(v) - JWT_ALGORITHMS)}; only RS256 and ES256")
    return errors


def k8s_documents():
    """Every object of every manifest in deploy/k8s/: [(file, object)]."""
    out = []
    for p in sorted(glob.glob(path("deploy", "k8s", "*.yaml"))):
        with open(p, encoding="utf-8") as f:
            out.extend((os.path.basename(p), d) for d in yaml.safe_load_all(f) if d)
    return out


def markdown_json_blocks(text):
    return re.findall(r"```json\n(.*?)```", text, re.S)


# --------------------------------------------------------------- the checks

def check_yaml_parses():
    errors = []
    files = sorted(glob.glob(path("deploy", "**", "*.yml"), recursive=True) +
                   glob.glob(path("deploy", "**", "*.yaml"), recursive=True))
    if not files:
        errors.append("no YAML file under deploy/")
    for p in files:
        try:
            with open(p, encoding="utf-8") as f:
                docs = [d for d in yaml.safe_load_all(f)]
            if not docs or any(d is None for d in docs):
                errors.append(f"{rel(p)}: empty YAML document")
        except yaml.YAMLError as e:
            errors.append(f"{rel(p)}: {e}")
    return errors


def check_prometheus_config():
    promtool = tool("promtool")
    errors = []
    cfg_path = path("deploy", "prometheus", "prometheus.yml")
    cfg = load_yaml(cfg_path)
    # promtool wants the scrape key and CA files to exist: check a copy whose
    # files are stand-ins, with the rule files where the original finds them.
    with tempfile.TemporaryDirectory() as d:
        copy = json.loads(json.dumps(cfg))
        copy["rule_files"] = [os.path.join(os.path.dirname(cfg_path), r)
                              for r in copy.get("rule_files") or []]
        for job in copy.get("scrape_configs") or []:
            for section, keys in (("authorization", ("credentials_file",)),
                                  ("tls_config", ("ca_file", "cert_file", "key_file"))):
                for key in keys:
                    if key in (job.get(section) or {}):
                        stand_in = os.path.join(d, f"{job.get('job_name')}-{section}-{key}")
                        with open(stand_in, "w", encoding="utf-8") as f:
                            f.write("stand-in\n")
                        job[section][key] = stand_in
        copy_path = os.path.join(d, "prometheus.yml")
        with open(copy_path, "w", encoding="utf-8") as f:
            yaml.safe_dump(copy, f, sort_keys=False)
        r = run([promtool, "check", "config", copy_path])
        if r.returncode != 0:
            errors.append(f"promtool check config failed:\n{r.stdout}")
    jobs = [j for j in cfg.get("scrape_configs", []) if j.get("job_name") == "rapport"]
    if len(jobs) != 1:
        errors.append("prometheus.yml: exactly one scrape job named 'rapport' is expected")
    else:
        job = jobs[0]
        targets = [t for sc in job.get("static_configs", []) for t in sc.get("targets", [])]
        if targets != ["127.0.0.1:9464"]:
            errors.append(f"prometheus.yml: the rapport job scrapes {targets}, expected ['127.0.0.1:9464']")
        # rapportd serves /metrics over TLS, to an API key of role metrics.
        if job.get("scheme") != "https":
            errors.append("prometheus.yml: the rapport job must scrape over https")
        auth = job.get("authorization") or {}
        if auth.get("type", "Bearer") != "Bearer" or not auth.get("credentials_file"):
            errors.append("prometheus.yml: the rapport job needs authorization "
                          "{type: Bearer, credentials_file: ...}")
        if "credentials" in auth or "bearer_token" in job or "basic_auth" in job:
            errors.append("prometheus.yml: the scrape key belongs in a credentials_file, not in the config")
        tls = job.get("tls_config") or {}
        if not tls.get("ca_file") or not tls.get("server_name"):
            errors.append("prometheus.yml: tls_config needs ca_file and server_name")
        if tls.get("insecure_skip_verify"):
            errors.append("prometheus.yml: insecure_skip_verify defeats TLS")
    if cfg.get("rule_files") != ["rules/*.yml"]:
        errors.append(f"prometheus.yml: rule_files is {cfg.get('rule_files')}, expected ['rules/*.yml']")
    am = [t for a in cfg.get("alerting", {}).get("alertmanagers", [])
          for sc in a.get("static_configs", []) for t in sc.get("targets", [])]
    if am != ["127.0.0.1:9093"]:
        errors.append(f"prometheus.yml: alertmanagers {am}, expected ['127.0.0.1:9093']")
    return errors


def check_prometheus_rules():
    promtool = tool("promtool")
    files = rule_files()
    if not files:
        return ["no rule file in deploy/prometheus/rules/"]
    r = run([promtool, "check", "rules", *files])
    return [] if r.returncode == 0 else [f"promtool check rules failed:\n{r.stdout}"]


def check_promtool_tests():
    promtool = tool("promtool")
    files = sorted(glob.glob(path("deploy", "prometheus", "tests", "*.yml")))
    if not files:
        return ["no promtool test in deploy/prometheus/tests/"]
    r = run([promtool, "test", "rules", *files])
    if r.returncode != 0 or "FAILED" in r.stdout:
        return [f"promtool test rules failed:\n{r.stdout}"]
    return []


def check_rule_contents():
    errors = []
    alerts = alert_rules()
    missing = (ENGAGEMENT_ALERTS | SERVICE_ALERTS) - set(alerts)
    if missing:
        errors.append(f"alerts missing: {sorted(missing)}")
    groups = [g["name"] for g in rule_groups()]
    if len(set(groups)) != len(groups):
        errors.append(f"rule group names repeat: {groups}")
    alert_names = [r["alert"] for g in rule_groups() for r in g["rules"] if "alert" in r]
    if len(set(alert_names)) != len(alert_names):
        errors.append("an alert name is defined twice")
    for name, rule in alerts.items():
        labels = rule.get("labels", {})
        ann = rule.get("annotations", {})
        if labels.get("severity") not in SEVERITIES:
            errors.append(f"{name}: severity label must be one of {sorted(SEVERITIES)}")
        if "team" in labels:
            errors.append(f"{name}: a fixed team label would misroute it; teams come from the series")
        for key in ("summary", "description"):
            if not str(ann.get(key, "")).strip():
                errors.append(f"{name}: no {key} annotation")
        if name not in VALUELESS_ALERTS and "$value" not in str(ann.get("description", "")):
            errors.append(f"{name}: the description does not give the value ($value)")
        if name in ENGAGEMENT_ALERTS:
            for label in ("team", "tenant"):
                if f"$labels.{label}" not in str(ann.get("description", "")):
                    errors.append(f"{name}: the description does not name the {label}")
    ssi = alerts.get("RapportMemberSsiDropped")
    if ssi:
        if not re.fullmatch(r"\s*rapport_member_ssi_change_7d\s*<=\s*-5\s*", ssi["expr"]):
            errors.append("RapportMemberSsiDropped: expected rapport_member_ssi_change_7d <= -5 "
                          "(rapportd's default decline threshold)")
        if duration_seconds(ssi.get("for", "0s")) > 300:
            errors.append("RapportMemberSsiDropped: `for` above 5m (the value is already a 7-day change)")
    for record in recording_names():
        if not re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", record):
            errors.append(f"recording rule {record}: not level:metric:operations")
    documented = documented_metrics()
    if not documented:
        errors.append("docs/metrics.md documents no metric")
    recorded = recording_names()
    for g in rule_groups():
        for r in g["rules"]:
            bad = unknown_metrics(r["expr"], documented, recorded)
            if bad:
                errors.append(f"{r.get('alert') or r.get('record')}: reads metrics that "
                              f"docs/metrics.md does not document: {sorted(bad)}")
    return errors


def check_promtool_test_coverage():
    """Every alert is tested firing (with labels and annotations) and quiet;
    every recording rule is evaluated by a test."""
    errors = []
    alerts = alert_rules()
    fires, quiet = {}, set()
    exprs = []
    for p in sorted(glob.glob(path("deploy", "prometheus", "tests", "*.yml"))):
        doc = load_yaml(p)
        for test in doc.get("tests", []):
            for t in test.get("alert_rule_test", []) or []:
                exp = t.get("exp_alerts") or []
                if exp:
                    fires.setdefault(t["alertname"], []).extend(exp)
                else:
                    quiet.add(t["alertname"])
            exprs.extend(e["expr"] for e in test.get("promql_expr_test", []) or [])
    for name in sorted(alerts):
        if name not in fires:
            errors.append(f"{name}: no promtool test where it fires")
        if name not in quiet:
            errors.append(f"{name}: no promtool test where it stays quiet")
        for exp in fires.get(name, []):
            labels = exp.get("exp_labels") or {}
            ann = exp.get("exp_annotations") or {}
            if not ann.get("summary") or not ann.get("description"):
                errors.append(f"{name}: a firing test does not check summary and description")
            needed = ({"team", "tenant", "member"} if name in MEMBER_ALERTS else
                      {"team", "tenant"} if name in ENGAGEMENT_ALERTS else set())
            if not needed <= set(labels):
                errors.append(f"{name}: a firing test's labels lack {sorted(needed - set(labels))}")
            if name in SERVICE_ALERTS and "team" in labels:
                errors.append(f"{name}: a service alert with a team label would not reach on-call")
            if "severity" not in labels:
                errors.append(f"{name}: a firing test does not check the severity")
    tested = set()
    for e in exprs:
        tested |= metric_names(e)
    for record in sorted(recording_names() - tested):
        errors.append(f"recording rule {record}: no promql_expr_test evaluates it")
    return errors


def check_prometheusrule():
    errors = []
    pr_path = path("deploy", "k8s", "prometheusrule.yaml")
    pr = load_yaml(pr_path)
    if pr.get("apiVersion") != "monitoring.coreos.com/v1" or pr.get("kind") != "PrometheusRule":
        errors.append("prometheusrule.yaml: not a monitoring.coreos.com/v1 PrometheusRule")
    if not pr.get("metadata", {}).get("name"):
        errors.append("prometheusrule.yaml: no metadata.name")
    groups = pr.get("spec", {}).get("groups")
    if groups != rule_groups():
        errors.append("prometheusrule.yaml: its groups differ from deploy/prometheus/rules/*.yml; "
                      "run deploy/k8s/gen-prometheusrule.py")
    # The generator agrees (catches a stale generator or a hand edit).
    r = run([sys.executable, path("deploy", "k8s", "gen-prometheusrule.py"), "--stdout"])
    if r.returncode != 0:
        errors.append(f"gen-prometheusrule.py failed:\n{r.stdout}")
    elif yaml.safe_load(r.stdout) != pr:
        errors.append("prometheusrule.yaml differs from what gen-prometheusrule.py writes; run it")
    # Prometheus accepts the groups as they are in the PrometheusRule.
    promtool = tool("promtool")
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "prometheusrule-groups.yml")
        with open(p, "w", encoding="utf-8") as f:
            yaml.safe_dump({"groups": groups or []}, f, sort_keys=False)
        r = run([promtool, "check", "rules", p])
        if r.returncode != 0:
            errors.append(f"promtool check rules on the PrometheusRule's groups failed:\n{r.stdout}")
    return errors


def _matcher(text):
    m = re.fullmatch(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*', text)
    if not m:
        raise CheckError(f"cannot read the matcher {text!r}")
    return m.groups()


def _matches(matchers, labels):
    for text in matchers:
        name, op, value = _matcher(text)
        v = labels.get(name, "")
        ok = {"=": v == value, "!=": v != value,
              "=~": re.fullmatch(value, v) is not None,
              "!~": re.fullmatch(value, v) is None}[op]
        if not ok:
            return False
    return True


def check_alertmanager():
    amtool = tool("amtool")
    errors = []
    cfg_path = path("deploy", "alertmanager", "alertmanager.yml")
    r = run([amtool, "check-config", cfg_path])
    if r.returncode != 0 or "SUCCESS" not in r.stdout:
        errors.append(f"amtool check-config failed:\n{r.stdout}")
        return errors
    cfg = load_yaml(cfg_path)
    route = cfg.get("route", {})
    if route.get("group_by") != ["alertname", "team"]:
        errors.append(f"route.group_by is {route.get('group_by')}, expected [alertname, team]")
    receivers = {rc["name"] for rc in cfg.get("receivers", [])}
    if "default" not in receivers or route.get("receiver") != "default":
        errors.append("the root route's receiver must be 'default'")

    def expect(labels, receiver):
        args = [f"{k}={v}" for k, v in labels.items()]
        r = run([amtool, "config", "routes", "test", f"--config.file={cfg_path}",
                 f"--verify.receivers={receiver}", *args])
        got = [line for line in r.stdout.splitlines() if not line.startswith("Warning:")]
        if r.returncode != 0 or got != [receiver]:
            errors.append(f"amtool config routes test {' '.join(args)}: got {got}, expected {receiver}")

    alerts = alert_rules()
    teams = demo_teams()
    for team in teams:
        receiver = f"manager-{team.lower()}"
        if receiver not in receivers:
            errors.append(f"no receiver {receiver} for team {team}")
            continue
        for name in sorted(set(alerts) & ENGAGEMENT_ALERTS):
            labels = {"alertname": name, "team": team, "tenant": "default",
                      "severity": alerts[name]["labels"]["severity"]}
            if name in MEMBER_ALERTS:
                labels["member"] = "rep-001"
            expect(labels, receiver)
    for name in sorted(set(alerts) & SERVICE_ALERTS):
        expect({"alertname": name, "job": "rapport", "instance": "127.0.0.1:9464",
                "severity": alerts[name]["labels"]["severity"]}, "oncall")
    expect({"alertname": "RapportMemberSsiDropped", "team": "NoSuchTeam",
            "tenant": "default", "member": "rep-001"}, "default")

    # While RapportDown fires, the engagement alerts and RapportScoresStale
    # of the same job are held back, and nothing else.
    inhibited = set(ENGAGEMENT_ALERTS | {"RapportScoresStale"})
    rules = cfg.get("inhibit_rules", [])
    down = {"alertname": "RapportDown", "job": "rapport"}
    for name in sorted(set(alerts)):
        target = {"alertname": name, "job": "rapport", "team": "Atlas"}
        hit = any(_matches(ir.get("source_matchers", []), down) and
                  _matches(ir.get("target_matchers", []), target) and
                  "job" in ir.get("equal", []) for ir in rules)
        if hit != (name in inhibited):
            errors.append(f"{name}: {'not ' if not hit else ''}inhibited while RapportDown fires"
                          f" ({'expected' if name in inhibited else 'unexpected'})")
    return errors


def _dashboard(name):
    with open(path("deploy", "grafana", "dashboards", name), encoding="utf-8") as f:
        return json.load(f)


def _panels(dash):
    for p in dash.get("panels", []):
        yield p
        yield from p.get("panels", [])  # collapsed rows


def _promql_check(exprs):
    """promtool check rules on the expressions, dashboard variables replaced."""
    promtool = tool("promtool")
    rules = []
    for i, e in enumerate(exprs):
        e = re.sub(r"\$__(rate_)?interval|\$__range", "5m", e)
        e = re.sub(r"\$\{?\w+\}?", ".*", e)
        rules.append({"record": f"dashboard_query_{i}", "expr": e})
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "dashboard-queries.yml")
        with open(p, "w", encoding="utf-8") as f:
            yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)
        r = run([promtool, "check", "rules", p])
        return [] if r.returncode == 0 else [f"dashboard queries are not valid PromQL:\n{r.stdout}"]


def check_grafana():
    errors = []
    files = sorted(glob.glob(path("deploy", "grafana", "dashboards", "*.json")))
    names = {os.path.basename(p) for p in files}
    if "rapport-leaderboard.json" not in names:
        return ["deploy/grafana/dashboards/rapport-leaderboard.json is missing"]
    documented, recorded = documented_metrics(), recording_names()
    uids = set()
    all_exprs = []
    for p in files:
        try:
            dash = _dashboard(os.path.basename(p))
        except json.JSONDecodeError as e:
            errors.append(f"{rel(p)}: {e}")
            continue
        where = rel(p)
        for key in ("uid", "title", "panels", "schemaVersion"):
            if not dash.get(key):
                errors.append(f"{where}: no {key}")
        if dash.get("uid") in uids:
            errors.append(f"{where}: uid {dash.get('uid')} used twice")
        uids.add(dash.get("uid"))
        variables = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
        if variables.get("datasource", {}).get("type") != "datasource":
            errors.append(f"{where}: no datasource variable")
        ids = [pn.get("id") for pn in _panels(dash)]
        if len(set(ids)) != len(ids) or None in ids:
            errors.append(f"{where}: panel ids missing or repeated")
        for pn in _panels(dash):
            g = pn.get("gridPos", {})
            if pn.get("type") != "row" and (g.get("x", 0) + g.get("w", 0) > 24 or g.get("w", 0) <= 0):
                errors.append(f"{where}: panel {pn.get('title')!r} does not fit the 24 columns")
            for t in pn.get("targets", []):
                ds = t.get("datasource") or pn.get("datasource") or {}
                if ds.get("uid") != "${datasource}":
                    errors.append(f"{where}: panel {pn.get('title')!r} does not use ${{datasource}}")
                expr = t.get("expr", "")
                if not expr:
                    errors.append(f"{where}: panel {pn.get('title')!r} has a target without expr")
                    continue
                all_exprs.append(expr)
                bad = unknown_metrics(expr, documented, recorded)
                if bad:
                    errors.append(f"{where}: panel {pn.get('title')!r} reads undocumented metrics {sorted(bad)}")
        for v in variables.values():
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            if v.get("type") == "query" and unknown_metrics(q or "", documented, recorded):
                errors.append(f"{where}: variable {v['name']} reads undocumented metrics")

    lead = _dashboard("rapport-leaderboard.json")
    variables = {v["name"]: v for v in lead.get("templating", {}).get("list", [])}
    team = variables.get("team", {})
    tq = team.get("query")
    tq = tq.get("query") if isinstance(tq, dict) else tq
    if not re.fullmatch(r"label_values\(rapport_team_members(\{[^}]*\})?,\s*team\)", tq or ""):
        errors.append("leaderboard: the team variable is not label_values(rapport_team_members, team)")

    def targets(ptype, pred):
        return [(pn, t) for pn in _panels(lead) if pn.get("type") == ptype
                for t in pn.get("targets", []) if pred(t.get("expr", ""), t)]

    if not targets("table", lambda e, t: t.get("instant") and "$team" in e and
                   re.search(r"sort_desc\(\s*topk\(\s*\d+\s*,\s*rapport_member_ssi\{", e)):
        errors.append("leaderboard: no table with the instant query sort_desc(topk(N, rapport_member_ssi{team=~\"$team\"}))")
    if not targets("bargauge", lambda e, t: re.search(r"rapport_member_pillar_score|rapport_team_pillar_average", e)):
        errors.append("leaderboard: no bar gauge of the pillars")
    if not targets("timeseries", lambda e, t: re.search(r"rapport_team_ssi_average|rapport_member_ssi\b", e)
                   and not t.get("instant")):
        errors.append("leaderboard: no SSI trend time series")
    if not targets("table", lambda e, t: t.get("instant") and
                   re.search(r"rapport_member_ssi_change_7d\{[^}]*\}\s*<\s*0", e) and re.search(r"\bsort(_desc)?\(", e)):
        errors.append("leaderboard: no decliners table (sorted rapport_member_ssi_change_7d < 0)")
    errors.extend(_promql_check(all_exprs))

    ds = load_yaml(path("deploy", "grafana", "provisioning", "datasources", "rapport-prometheus.yml"))
    if ds.get("apiVersion") != 1 or not any(d.get("type") == "prometheus" and d.get("url")
                                            for d in ds.get("datasources", [])):
        errors.append("grafana provisioning: no Prometheus data source")
    for p in glob.glob(path("deploy", "grafana", "provisioning", "dashboards", "*.yml")):
        prov = load_yaml(p)
        if prov.get("apiVersion") != 1 or not any(
                pr.get("type") == "file" and pr.get("options", {}).get("path")
                for pr in prov.get("providers", [])):
            errors.append(f"{rel(p)}: no file provider with options.path")
        break
    else:
        errors.append("grafana provisioning: no dashboard provider")
    return errors


def _k8s(name):
    return load_yaml(path("deploy", "k8s", name))


# Where the image puts the CLI (deploy/Dockerfile).
CLI_IN_IMAGE = "/usr/local/bin/rapport"


def _check_health_exec(probe, pr, tls, mounts_by_path):
    """A probe that runs `rapport health` against the local gRPC port (over
    TLS with `tls`), with a timeout above the CLI's 2 s deadline."""
    errors = []
    cmd = pr.get("exec", {}).get("command", [])
    if not cmd or cmd[0] != CLI_IN_IMAGE or cmd[-1] != "health":
        return [f"deployment: {probe} must run `{CLI_IN_IMAGE} ... health` "
                f"(got {cmd})"]
    flags = flag_values(cmd[1:-1])
    server = flags.get("--server", "127.0.0.1:50051")
    if server.rsplit(":", 1)[-1] != "50051" or not is_loopback(server):
        errors.append(f"deployment: {probe}: --server must be the pod's own "
                      f"gRPC port on loopback (got {server})")
    ca = flags.get("--tls_ca_file", "")
    if tls and not ca or ca and not any(ca.startswith(m.rstrip("/") + "/")
                         for m in mounts_by_path):
        errors.append(f"deployment: {probe}: --tls_ca_file must be a file of "
                      "a mounted volume (the TLS port needs TLS)")
    if pr.get("timeoutSeconds", 1) <= 2:
        errors.append(f"deployment: {probe}: timeoutSeconds must exceed the "
                      "CLI's 2 s deadline")
    return errors


def _check_probe(probe, pr, tls, mounts_by_path):
    handlers = {"grpc", "httpGet", "tcpSocket", "exec"} & set(pr)
    if probe == "livenessProbe":
        # Lenient: a pod busy building its boards, or NOT_SERVING while its
        # storage fails, is not restarted.
        errors = []
        if handlers != {"tcpSocket"} or pr["tcpSocket"].get("port") not in (50051, "grpc"):
            errors.append("deployment: livenessProbe must be a TCP probe on the gRPC port "
                          "(a health check would restart a pod that is only busy)")
        if pr.get("periodSeconds", 10) * pr.get("failureThreshold", 3) < 60:
            errors.append("deployment: livenessProbe must allow at least 60 s of failures")
        return errors
    if tls:
        # The kubelet's gRPC probe speaks plaintext: it cannot reach a TLS
        # port, so readiness and startup run the image's CLI.
        if handlers != {"exec"}:
            return [f"deployment: with TLS, {probe} must exec `rapport health` "
                    "(the kubelet's gRPC probe has no TLS)"]
        return _check_health_exec(probe, pr, tls, mounts_by_path)
    if handlers == {"grpc"} and pr["grpc"].get("port") == 50051:
        return []
    if handlers == {"exec"}:
        return _check_health_exec(probe, pr, tls, mounts_by_path)
    return [f"deployment: {probe} must be a native gRPC probe on port 50051 "
            "or `rapport health`"]


def check_kubernetes():
    errors = []
    dep, svc, sm = _k8s("deployment.yaml"), _k8s("service.yaml"), _k8s("servicemonitor.yaml")
    pvc = _k8s("pvc.yaml")
    if (dep.get("apiVersion"), dep.get("kind")) != ("apps/v1", "Deployment"):
        errors.append("deployment.yaml: not an apps/v1 Deployment")
    spec = dep.get("spec", {})
    if spec.get("replicas") != 1:
        errors.append("deployment: replicas must be 1 (SQLite has one writer)")
    if spec.get("strategy", {}).get("type") != "Recreate":
        errors.append("deployment: strategy must be Recreate (never two pods on the database)")
    pod_labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
    if not pod_labels or spec.get("selector", {}).get("matchLabels", {}).items() - pod_labels.items():
        errors.append("deployment: the selector does not match the pod labels")
    pod = spec.get("template", {}).get("spec", {})
    containers = pod.get("containers", [])
    if len(containers) != 1:
        errors.append("deployment: one container expected")
        return errors
    c = containers[0]
    args = c.get("args", [])
    for a in ("--listen=0.0.0.0:50051", "--metrics_listen=0.0.0.0:9464", "--db=/var/lib/rapport/rapport.db"):
        if a not in args:
            errors.append(f"deployment: argument {a} missing")
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
    if ports.get("grpc") != 50051 or ports.get("metrics") != 9464:
        errors.append(f"deployment: ports {ports}, expected grpc 50051 and metrics 9464")
    flags = flag_values(args)
    tls = all(flags.get(f) for f in TLS_FLAGS)
    for flag in ("--listen", "--metrics_listen"):
        if flags.get(flag) and not is_loopback(flags[flag]) and not tls:
            errors.append(f"deployment: {flag}={flags[flag]} beyond loopback needs "
                          "--tls_cert_file and --tls_key_file")
    if flags.get("--auth", "on") != "on":
        errors.append("deployment: --auth must stay on")
    mounts_by_path = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        pr = c.get(probe)
        if not pr:
            errors.append(f"deployment: no {probe}")
            continue
        errors.extend(_check_probe(probe, pr, tls, mounts_by_path))
    sc = c.get("securityContext", {})
    psc = pod.get("securityContext", {})
    if not (sc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
        errors.append("deployment: runAsNonRoot missing")
    if sc.get("readOnlyRootFilesystem") is not True:
        errors.append("deployment: readOnlyRootFilesystem must be true")
    if sc.get("allowPrivilegeEscalation") is not False:
        errors.append("deployment: allowPrivilegeEscalation must be false")
    if not c.get("resources", {}).get("requests"):
        errors.append("deployment: no resource requests")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    shutdown = next((duration_seconds(a.split("=", 1)[1]) for a in args
                     if a.startswith("--shutdown_grace=")), 10)
    if grace <= shutdown:
        errors.append("deployment: terminationGracePeriodSeconds must exceed --shutdown_grace")
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    data = volumes.get(mounts.get("/var/lib/rapport"), {})
    claim = data.get("persistentVolumeClaim", {}).get("claimName")
    if not claim or claim != pvc.get("metadata", {}).get("name"):
        errors.append("deployment: /var/lib/rapport must be the PersistentVolumeClaim of pvc.yaml")
    errors.extend(_check_deployment_files(c, pod, flags))

    if (svc.get("apiVersion"), svc.get("kind")) != ("v1", "Service"):
        errors.append("service.yaml: not a v1 Service")
    sel = svc.get("spec", {}).get("selector", {})
    if not sel or sel.items() - pod_labels.items():
        errors.append("service: its selector does not select the deployment's pods")
    svc_ports = {p.get("name"): p for p in svc.get("spec", {}).get("ports", [])}
    for name, number in (("grpc", 50051), ("metrics", 9464)):
        p = svc_ports.get(name)
        if not p or p.get("targetPort") not in (name, number):
            errors.append(f"service: no port {name} targeting the container's {name} port")

    if (sm.get("apiVersion"), sm.get("kind")) != ("monitoring.coreos.com/v1", "ServiceMonitor"):
        errors.append("servicemonitor.yaml: not a monitoring.coreos.com/v1 ServiceMonitor")
    svc_labels = svc.get("metadata", {}).get("labels", {})
    ml = sm.get("spec", {}).get("selector", {}).get("matchLabels", {})
    if not ml or ml.items() - svc_labels.items():
        errors.append("servicemonitor: its selector does not select the Service's labels")
    eps = sm.get("spec", {}).get("endpoints", [])
    if not eps or any(e.get("port") != "metrics" for e in eps):
        errors.append("servicemonitor: the endpoint must be the Service's 'metrics' port")
    job_label = sm.get("spec", {}).get("jobLabel")
    job = svc_labels.get(job_label) if job_label else svc.get("metadata", {}).get("name")
    if job != "rapport":
        errors.append(f"servicemonitor: Prometheus would name the job {job!r}; the alerts expect 'rapport'")
    errors.extend(_check_servicemonitor_auth(eps))
    errors.extend(_check_networkpolicy(pod_labels, ports))

    kust = _k8s("kustomization.yaml")
    listed = set(kust.get("resources", []))
    present = {os.path.basename(p) for p in glob.glob(path("deploy", "k8s", "*.yaml"))} - {"kustomization.yaml"}
    if listed != present:
        errors.append(f"kustomization.yaml: resources {sorted(listed)} differ from the manifests {sorted(present)}")
    return errors


def _objects(kind):
    return [(f, d) for f, d in k8s_documents() if d.get("kind") == kind]


def _tls_secret_names():
    """Secrets holding a TLS certificate: cert-manager Certificates' secretName
    and kubernetes.io/tls Secrets."""
    names = {d.get("spec", {}).get("secretName") for _, d in _objects("Certificate")}
    names |= {d.get("metadata", {}).get("name") for _, d in _objects("Secret")
              if d.get("type") == "kubernetes.io/tls"}
    return names - {None}


def _mounted_source(c, pod, file_path):
    """(volume, mount) of the read-only mount holding file_path, or (None, reason)."""
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    best = None
    for m in c.get("volumeMounts", []):
        mp = m["mountPath"].rstrip("/")
        if file_path.startswith(mp + "/") and (best is None or len(mp) > len(best["mountPath"])):
            best = m
    if best is None:
        return None, "is on no volume"
    if best.get("readOnly") is not True:
        return None, f"is on the volume {best['name']}, mounted read-write"
    if best.get("subPath"):
        return None, f"is on a subPath mount of {best['name']}: updates would not reach the pod"
    return volumes.get(best["name"]), os.path.relpath(file_path, best["mountPath"])


def _check_deployment_files(c, pod, flags):
    errors = []
    tls_secrets = _tls_secret_names()
    for flag in ("--tls_cert_file", "--tls_key_file", "--tls_client_ca_file"):
        if not flags.get(flag):
            if flag != "--tls_client_ca_file":
                errors.append(f"deployment: {flag} missing (rapportd listens beyond loopback)")
            continue
        volume, where = _mounted_source(c, pod, flags[flag])
        if volume is None:
            errors.append(f"deployment: {flag}={flags[flag]} {where}")
            continue
        secret = volume.get("secret", {}).get("secretName")
        if secret not in tls_secrets:
            errors.append(f"deployment: {flag} is not read from the TLS Secret "
                          f"{sorted(tls_secrets)} (volume {volume.get('name')})")
        elif where not in ("tls.crt", "tls.key", "ca.crt"):
            errors.append(f"deployment: {flag} reads {where}, not a key of a kubernetes.io/tls Secret")
    auth_path = flags.get("--auth_config")
    if not auth_path:
        errors.append("deployment: --auth_config missing")
    else:
        volume, where = _mounted_source(c, pod, auth_path)
        if volume is None:
            errors.append(f"deployment: --auth_config={auth_path} {where}")
        else:
            name = volume.get("configMap", {}).get("name")
            maps = {d.get("metadata", {}).get("name"): d for _, d in _objects("ConfigMap")}
            if name not in maps:
                errors.append(f"deployment: --auth_config is not read from a ConfigMap of deploy/k8s")
            elif where not in (maps[name].get("data") or {}):
                errors.append(f"deployment: the ConfigMap {name} has no key {where} (--auth_config)")
    for v in pod.get("volumes", []):
        if v.get("secret") and int(v["secret"].get("defaultMode", 0o644)) & 0o007:
            errors.append(f"deployment: the Secret volume {v['name']} is readable by others "
                          "(defaultMode)")
    return errors


def _check_servicemonitor_auth(eps):
    errors = []
    secrets = {d.get("metadata", {}).get("name"): d for _, d in _objects("Secret")}
    tls_secrets = _tls_secret_names()
    cert_names = {n for _, d in _objects("Certificate")
                  for n in d.get("spec", {}).get("dnsNames", []) + [d.get("spec", {}).get("commonName")]}
    for e in eps:
        if e.get("scheme") != "https":
            errors.append("servicemonitor: the endpoint must scrape over https")
        auth = e.get("authorization") or {}
        cred = auth.get("credentials") or {}
        if auth.get("type", "Bearer") != "Bearer" or not cred.get("name") or not cred.get("key"):
            errors.append("servicemonitor: the endpoint needs authorization {type: Bearer, "
                          "credentials: {name, key}} (a Secret)")
        elif cred["name"] in secrets:
            s = secrets[cred["name"]]
            keys = set(s.get("stringData") or {}) | set(s.get("data") or {})
            if cred["key"] not in keys:
                errors.append(f"servicemonitor: the Secret {cred['name']} has no key {cred['key']}")
        if "bearerTokenSecret" in e or "basicAuth" in e:
            errors.append("servicemonitor: use authorization, not bearerTokenSecret or basicAuth")
        tls = e.get("tlsConfig") or {}
        ca = tls.get("ca") or {}
        ca_ref = ca.get("secret") or ca.get("configMap")
        if not ca_ref or not tls.get("serverName"):
            errors.append("servicemonitor: tlsConfig needs ca and serverName")
        elif ca.get("secret") and ca_ref.get("name") not in tls_secrets | set(secrets):
            errors.append(f"servicemonitor: tlsConfig.ca names the Secret {ca_ref.get('name')}, "
                          "not one of deploy/k8s")
        if tls.get("serverName") and cert_names and tls["serverName"] not in cert_names:
            errors.append(f"servicemonitor: serverName {tls['serverName']} is not a name of the "
                          f"certificate {sorted(n for n in cert_names if n)}")
        if tls.get("insecureSkipVerify"):
            errors.append("servicemonitor: insecureSkipVerify defeats TLS")
    return errors


def _check_networkpolicy(pod_labels, ports):
    errors = []
    policies = [d for _, d in _objects("NetworkPolicy")]
    if not policies:
        return ["networkpolicy: no NetworkPolicy in deploy/k8s"]
    selecting = [p for p in policies
                 if not (p.get("spec", {}).get("podSelector", {}).get("matchLabels", {}).items()
                         - pod_labels.items())
                 and "Ingress" in p.get("spec", {}).get("policyTypes", ["Ingress"])]
    if not selecting:
        return ["networkpolicy: no NetworkPolicy restricts ingress to rapportd's pods"]
    rules = [r for p in selecting for r in p.get("spec", {}).get("ingress", []) or []]
    by_port = {}
    for r in rules:
        if not r.get("ports"):
            errors.append("networkpolicy: a rule without ports opens every port")
            continue
        if not r.get("from"):
            errors.append("networkpolicy: a rule without `from` admits anyone")
        for pt in r["ports"]:
            port = pt.get("port")
            name = next((n for n, num in ports.items() if port in (n, num)), port)
            by_port.setdefault(name, []).extend(r.get("from") or [])
    for name in ("grpc", "metrics"):
        if not by_port.get(name):
            errors.append(f"networkpolicy: no rule admits anyone to the {name} port")
    for peer in by_port.get("metrics", []):
        labels = {**peer.get("podSelector", {}).get("matchLabels", {})}
        if "ipBlock" in peer or "prometheus" not in json.dumps(labels):
            errors.append(f"networkpolicy: the metrics port admits {peer}; Prometheus only")
    return errors


def _unit_sections(text):
    sections, current = {}, None
    lines = text.replace("\\\n", " ").splitlines()
    for line in lines:
        s = line.strip()
        if not s or s.startswith(("#", ";")):
            continue
        if s.startswith("[") and s.endswith("]"):
            current = sections.setdefault(s[1:-1], {})
            continue
        if current is None or "=" not in s:
            raise CheckError(f"rapportd.service: cannot read {s!r}")
        k, v = s.split("=", 1)
        current.setdefault(k.strip(), []).append(re.sub(r"\s+", " ", v.strip()))
    return sections


def check_systemd():
    errors = []
    unit_path = path("deploy", "systemd", "rapportd.service")
    with open(unit_path, encoding="utf-8") as f:
        text = f.read()
    u = _unit_sections(text)

    def one(section, key):
        return (u.get(section, {}).get(key) or [None])[-1]

    want = {("Service", "Type"): "simple", ("Service", "User"): "rapport",
            ("Service", "StateDirectory"): "rapport", ("Service", "KillSignal"): "SIGTERM",
            ("Service", "NoNewPrivileges"): "yes", ("Service", "ProtectSystem"): "strict",
            ("Service", "ProtectHome"): "yes", ("Service", "PrivateTmp"): "yes",
            ("Install", "WantedBy"): "multi-user.target"}
    for (section, key), value in want.items():
        if one(section, key) != value:
            errors.append(f"rapportd.service: [{section}] {key}={value} expected, got {one(section, key)}")
    if not one("Unit", "Description"):
        errors.append("rapportd.service: no Description")
    exec_start = one("Service", "ExecStart") or ""
    if not exec_start.startswith("/usr/local/bin/rapportd ") or "--db=/var/lib/rapport/" not in exec_start:
        errors.append("rapportd.service: ExecStart must run /usr/local/bin/rapportd with --db=/var/lib/rapport/…")
    m = re.search(r"--shutdown_grace=(\S+)", exec_start)
    grace = duration_seconds(m.group(1)) if m else 10
    stop = one("Service", "TimeoutStopSec")
    if stop is None or duration_seconds(stop) <= grace:
        errors.append(f"rapportd.service: TimeoutStopSec must exceed the shutdown grace ({grace:g}s)")
    # TLS, the auth config: as credentials (LoadCredential=NAME:PATH, %d/NAME).
    flags = flag_values(exec_start.split()[1:])
    credentials = {v.split(":", 1)[0] for v in u.get("Service", {}).get("LoadCredential", [])}
    for flag in ("--listen", "--metrics_listen"):
        if flags.get(flag) and not is_loopback(flags[flag]) and not all(flags.get(f) for f in TLS_FLAGS):
            errors.append(f"rapportd.service: {flag}={flags[flag]} beyond loopback needs TLS")
    for flag in TLS_FLAGS + ("--auth_config",):
        value = flags.get(flag, "")
        if not value.startswith("%d/"):
            errors.append(f"rapportd.service: {flag} must read a credential (%d/NAME), got {value!r}")
        elif value[3:] not in credentials:
            errors.append(f"rapportd.service: {flag}={value}: no LoadCredential={value[3:]}:...")
    if flags.get("--auth", "on") != "on":
        errors.append("rapportd.service: --auth must stay on")

    analyze = shutil.which("systemd-analyze")
    if analyze:
        # The binary is not installed here: verify copies that run /bin/true.
        units = sorted(glob.glob(path("deploy", "systemd", "*.service")) +
                       glob.glob(path("deploy", "systemd", "*.timer")))
        with tempfile.TemporaryDirectory() as d:
            copies = []
            for unit in units:
                with open(unit, encoding="utf-8") as f:
                    body = f.read()
                copy = os.path.join(d, os.path.basename(unit))
                with open(copy, "w", encoding="utf-8") as f:
                    f.write(body.replace("/usr/local/bin/rapportd", "/bin/true"))
                copies.append(copy)
            r = run([analyze, "verify", *copies], cwd=d)
            names = tuple(os.path.basename(u) for u in units)
            complaints = [line for line in r.stdout.splitlines() if any(n in line for n in names)]
            if r.returncode != 0 or complaints:
                errors.append("systemd-analyze verify:\n" + r.stdout)
    else:
        print("    (systemd-analyze not found: the unit's keys are checked, not verified)")
    return errors


def _dockerfile_instructions(text):
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        op, _, rest = s.partition(" ")
        out.append((op.upper(), rest.strip()))
    return out


def _apt_packages(run_cmd):
    pkgs = []
    for m in re.finditer(r"apt-get\s+install\s+(.*?)(?:&&|;|\||$)", run_cmd):
        pkgs.extend(t for t in m.group(1).split() if not t.startswith("-"))
    return pkgs


def check_dockerfile():
    errors = []
    with open(path("deploy", "Dockerfile"), encoding="utf-8") as f:
        ins = _dockerfile_instructions(f.read())
    ignore_path = path("deploy", "Dockerfile.dockerignore")
    allowed = None
    if os.path.exists(ignore_path):
        with open(ignore_path, encoding="utf-8") as f:
            lines = [s.strip() for s in f if s.strip() and not s.startswith("#")]
        if lines and lines[0] == "*":
            allowed = [s[1:].strip("/") for s in lines if s.startswith("!")]
    stages, workdir = [], "/"
    stage_cmds = {}
    packages = []
    for op, rest in ins:
        if op == "FROM":
            parts = rest.split()
            parts = [p for p in parts if not p.startswith("--")]
            image = parts[0]
            name = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else str(len(stages))
            if image not in stages and not re.fullmatch(r"debian:(12|bookworm)(-slim)?(@sha256:[0-9a-f]+)?", image):
                errors.append(f"Dockerfile: FROM {image}: Debian 12 (debian:12 or debian:bookworm) expected")
            stages.append(name)
            stage_cmds[name] = []
            workdir = "/"
        elif op == "WORKDIR":
            workdir = rest
        elif op == "RUN":
            stage_cmds[stages[-1]].append(rest)
            packages.extend(_apt_packages(rest))
        elif op == "COPY":
            parts = rest.split()
            flags = [p for p in parts if p.startswith("--")]
            srcs = [p for p in parts if not p.startswith("--")][:-1]
            src_from = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
            if src_from is None:
                for s in srcs:
                    s = s.strip("/").removeprefix("./")
                    if not os.path.exists(path(s)):
                        errors.append(f"Dockerfile: COPY {s}: no such file in the repository")
                    if allowed is not None and not any(s == a or s.startswith(a + "/") for a in allowed):
                        errors.append(f"Dockerfile: COPY {s}: excluded by Dockerfile.dockerignore")
            elif src_from not in stages[:-1]:
                errors.append(f"Dockerfile: COPY --from={src_from}: no such earlier stage")
            else:
                for s in srcs:
                    m = re.match(r"/src/build/(.+)/[^/]+$", s)
                    if not m or not os.path.isdir(path(m.group(1))):
                        errors.append(f"Dockerfile: COPY --from={src_from} {s}: not a target of the build")
        elif op == "USER":
            if rest.split(":")[0] in ("root", "0"):
                errors.append("Dockerfile: USER must not be root")
        elif op == "EXPOSE":
            stage_cmds.setdefault("EXPOSE", []).extend(rest.split())
    if len(stages) < 2:
        errors.append("Dockerfile: a build stage and a runtime stage expected")
    else:
        build = " ".join(stage_cmds[stages[0]])
        if "deploy/install-deps.sh build" not in build:
            errors.append("Dockerfile: the build stage must install with deploy/install-deps.sh build")
        if "CMAKE_BUILD_TYPE=Release" not in build or "--target rapportd rapport" not in build:
            errors.append("Dockerfile: the build stage must build rapportd and rapport in Release")
        runtime = " ".join(stage_cmds[stages[-1]])
        if "install-deps.sh" in runtime or re.search(r"-dev\b", runtime):
            errors.append("Dockerfile: the runtime stage must install runtime libraries only")
    cmds = [rest for op, rest in ins if op == "CMD"]
    if cmds:
        try:
            cmd = json.loads(cmds[-1])
        except json.JSONDecodeError:
            cmd = None
            errors.append("Dockerfile: CMD must be the JSON (exec) form")
        if cmd is not None:
            flags = flag_values(cmd)
            for flag in ("--listen", "--metrics_listen"):
                if flags.get(flag) and not is_loopback(flags[flag]) and \
                        not all(flags.get(f) for f in TLS_FLAGS):
                    errors.append(f"Dockerfile: CMD {flag}={flags[flag]} beyond loopback needs "
                                  "--tls_cert_file and --tls_key_file")
    users = [rest for op, rest in ins if op == "USER"]
    if not users:
        errors.append("Dockerfile: no USER (the image would run as root)")
    exposed = {p.split("/")[0] for p in stage_cmds.get("EXPOSE", [])}
    if not {"50051", "9464"} <= exposed:
        errors.append(f"Dockerfile: EXPOSE {sorted(exposed)}, expected 50051 and 9464")
    missing = RUNTIME_LIBS - set(packages)
    if missing:
        errors.append(f"Dockerfile: runtime libraries not installed: {sorted(missing)}")
    apt_cache = shutil.which("apt-cache")
    if apt_cache:
        r = run([apt_cache, "show", "--no-all-versions", *sorted(set(packages))])
        found = set(re.findall(r"^Package: (\S+)$", r.stdout, re.M))
        for p in sorted(set(packages) - found):
            errors.append(f"Dockerfile: apt package {p} does not exist in this Debian")
    else:
        print("    (apt-cache not found: package names not checked)")
    return errors


def check_no_secrets():
    """No private key, API key or token under deploy/ or in docs/security.md;
    the Secrets of deploy/k8s hold placeholders only."""
    errors = []
    files = [p for p in glob.glob(path("deploy", "**", "*"), recursive=True) if os.path.isfile(p)]
    files.append(path("docs", "security.md"))
    for p in sorted(files):
        if os.path.basename(p).endswith((".key", ".pem", ".p12", ".pfx", ".jks")):
            errors.append(f"{rel(p)}: a key or certificate file does not belong in the repository")
        try:
            with open(p, encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for what, pattern in _SECRET_PATTERNS:
            if pattern.search(text):
                errors.append(f"{rel(p)}: holds {what}")
    secrets = _objects("Secret")
    for f, d in secrets:
        name = d.get("metadata", {}).get("name")
        values = dict(d.get("stringData") or {})
        for k, v in (d.get("data") or {}).items():
            values[k] = v  # base64: a placeholder is not valid base64 of anything useful
        if not values:
            errors.append(f"{f}: the Secret {name} is empty")
        for k, v in values.items():
            if not PLACEHOLDER.fullmatch(str(v).strip()):
                errors.append(f"{f}: the Secret {name} key {k} holds a value, not a "
                              "REPLACE_WITH_... placeholder")
    return errors


def check_auth_configs():
    """The example auth configs (deploy/k8s ConfigMaps' auth.json, the JSON
    AuthConfigs of docs/security.md) parse as rapport.config.v1.AuthConfig."""
    errors = []
    messages = proto_messages(os.path.join("proto", "rapport", "config", "v1", "auth.proto"))
    if "AuthConfig" not in messages:
        return ["proto/rapport/config/v1/auth.proto: no message AuthConfig"]
    examples = []
    for f, d in _objects("ConfigMap"):
        for key, text in (d.get("data") or {}).items():
            if key.startswith("auth") and key.endswith(".json"):
                examples.append((f"{f}: {key}", text))
    if not examples:
        errors.append("deploy/k8s: no ConfigMap holds an auth config (auth*.json)")
    sec = path("docs", "security.md")
    if os.path.exists(sec):
        with open(sec, encoding="utf-8") as f:
            blocks = markdown_json_blocks(f.read())
        for i, block in enumerate(blocks):
            try:
                obj = json.loads(block)
            except json.JSONDecodeError as e:
                errors.append(f"docs/security.md: JSON block {i + 1} does not parse: {e}")
                continue
            if isinstance(obj, dict) and set(obj) & {"oidc", "clientCerts", "client_certs",
                                                     "trustedProxies", "trusted_proxies"}:
                examples.append((f"docs/security.md: JSON block {i + 1}", block))
    for where, text in examples:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON: {e}")
            continue
        errors.extend(proto_json_errors(obj, "AuthConfig", messages, where))
        for j, provider in enumerate(obj.get("oidc", [])):
            for need in ("issuer", "audiences"):
                if not provider.get(need):
                    errors.append(f"{where}: oidc[{j}] has no {need}")
            if not (provider.get("jwksFile") or provider.get("jwks_file")):
                errors.append(f"{where}: oidc[{j}] has no jwksFile")
    return errors


def check_security_docs():
    """docs/security.md covers every RPC and permission; operations.md links it."""
    errors = []
    sec = path("docs", "security.md")
    if not os.path.exists(sec):
        return ["docs/security.md is missing"]
    with open(sec, encoding="utf-8") as f:
        doc = f.read()
    rpcs = []
    for p in sorted(glob.glob(path("proto", "rapport", "v1", "*.proto"))):
        with open(p, encoding="utf-8") as f:
            rpcs.extend(re.findall(r"^\s*rpc\s+(\w+)\s*\(", f.read(), re.M))
    if not rpcs:
        errors.append("proto/rapport/v1: no rpc found")
    for rpc in rpcs:
        if f"`{rpc}`" not in doc:
            errors.append(f"docs/security.md does not give the permission of `{rpc}`")
    for perm in PERMISSIONS:
        if f"`{perm}`" not in doc:
            errors.append(f"docs/security.md does not describe the permission `{perm}`")
    for flag in ("--tls_cert_file", "--tls_client_auth", "--auth_config", "--bootstrap_admin_key",
                 "--reflection", "--key_cache_ttl"):
        if flag not in doc:
            errors.append(f"docs/security.md does not describe {flag}")
    with open(path("docs", "operations.md"), encoding="utf-8") as f:
        if "security.md" not in f.read():
            errors.append("docs/operations.md does not link docs/security.md")
    return errors


def check_install_deps():
    with open(path("deploy", "install-deps.sh"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"test_pkgs=\((.*?)\)", text, re.S)
    pkgs = set(m.group(1).split()) if m else set()
    need = {"python3-yaml", "prometheus", "prometheus-alertmanager"}
    return [] if need <= pkgs else [f"install-deps.sh: test_pkgs lacks {sorted(need - pkgs)}"]


def check_docs():
    errors = []
    with open(path("docs", "alerts.md"), encoding="utf-8") as f:
        doc = f.read()
    for name in sorted(alert_rules()):
        if name not in doc:
            errors.append(f"docs/alerts.md does not describe {name}")
    with open(path("README.md"), encoding="utf-8") as f:
        if "docs/alerts.md" not in f.read():
            errors.append("README.md does not link docs/alerts.md")
    return errors


# ------------------------------------------------ replicas over PostgreSQL

# PostgreSQL's default max_connections, and what the replicas leave of it
# to the superuser's reserve and to operators (psql, pg_dump, migrations).
PG_DEFAULT_MAX_CONNECTIONS = 100
PG_RESERVED_CONNECTIONS = 10
# Flags only a shared (PostgreSQL) deployment has. Each replica opens up to
# --db_connections, and one more for the deployment's lease.
REPLICA_FLAGS = ("--db_connections", "--change_poll")


def rapportd_flags():
    """Every flag rapportd defines (ABSL_FLAG in server/app/)."""
    names = set()
    for p in glob.glob(path("server", "app", "*.cc")):
        with open(p, encoding="utf-8") as f:
            names |= set(re.findall(r"ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)\s*,", f.read()))
    return {"--" + n for n in names}


def _unknown_flags(where, args, known):
    return [f"{where}: rapportd has no flag {a.split('=', 1)[0]}"
            for a in args if a.startswith("--") and a.split("=", 1)[0] not in known]


# The keys by which a strategic merge patch matches list items, per field
# (as Kubernetes' own types declare them); other lists are replaced.
_MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name",
               "volumes": "name", "volumeMounts": "mountPath", "ports": "containerPort"}


def _strategic_merge(base, patch, field=None):
    """kubectl's strategic merge, as far as the overlay uses it: maps merge
    key by key, keyed lists item by item ($patch: delete removes one), every
    other value (scalars, lists of scalars) is replaced by the patch's."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _strategic_merge(base.get(key), value, key) \
                if key in base else value
        return merged
    key = _MERGE_KEYS.get(field)
    if key and isinstance(base, list) and isinstance(patch, list):
        merged = [dict(item) for item in base]
        for item in patch:
            at = next((i for i, b in enumerate(merged) if b.get(key) == item.get(key)), None)
            if item.get("$patch") == "delete":
                if at is not None:
                    merged.pop(at)
            elif at is None:
                merged.append(item)
            else:
                merged[at] = _strategic_merge(merged[at], item)
        return merged
    return patch


def _render_replicas():
    """deploy/k8s/replicas as `kubectl kustomize` renders it: its resources,
    each patch merged into the object of the same kind and name, the image
    tags set."""
    kdir = path("deploy", "k8s", "replicas")
    kust = load_yaml(os.path.join(kdir, "kustomization.yaml"))
    docs = []
    for resource in kust.get("resources", []):
        with open(os.path.join(kdir, resource), encoding="utf-8") as f:
            docs.extend(d for d in yaml.safe_load_all(f) if d)
    for entry in kust.get("patches", []):
        with open(os.path.join(kdir, entry["path"]), encoding="utf-8") as f:
            patch = yaml.safe_load(f)
        at = [i for i, d in enumerate(docs) if d.get("kind") == patch.get("kind")
              and d.get("metadata", {}).get("name") == patch.get("metadata", {}).get("name")]
        if len(at) != 1:
            raise CheckError(f"replicas: the patch {entry['path']} matches {len(at)} objects")
        docs[at[0]] = _strategic_merge(docs[at[0]], patch)
    tags = {i["name"]: i.get("newTag") for i in kust.get("images", [])}
    for d in docs:
        pod = d.get("spec", {}).get("template", {}).get("spec", {})
        for c in pod.get("containers", []):
            name = str(c.get("image", "")).split(":")[0]
            if tags.get(name):
                c["image"] = f"{name}:{tags[name]}"
    return docs


def _check_replicas_kustomization():
    errors = []
    kdir = path("deploy", "k8s", "replicas")
    kust = load_yaml(os.path.join(kdir, "kustomization.yaml"))
    resources = kust.get("resources", [])
    patches = [p.get("path") for p in kust.get("patches", [])]
    base = {os.path.basename(p) for p in glob.glob(path("deploy", "k8s", "*.yaml"))}
    wanted = base - {"kustomization.yaml", "pvc.yaml"}
    taken = {r[3:] for r in resources if r.startswith("../")}
    if taken != wanted:
        errors.append(f"replicas/kustomization.yaml: takes {sorted(taken)} of the base; "
                      f"expected every manifest but pvc.yaml: {sorted(wanted)}")
    local = {os.path.basename(p) for p in glob.glob(os.path.join(kdir, "*.yaml"))}
    listed = {r for r in resources if not r.startswith("../")} | set(patches)
    if listed != local - {"kustomization.yaml"}:
        errors.append(f"replicas/kustomization.yaml: lists {sorted(listed)}, the directory holds "
                      f"{sorted(local - {'kustomization.yaml'})}")
    return errors


def _check_replicas_deployment(docs, known):
    errors = []
    base_dep = _k8s("deployment.yaml")
    deps = [d for d in docs if d.get("kind") == "Deployment"]
    if len(deps) != 1:
        return [f"replicas: {len(deps)} Deployments rendered, expected 1"]
    dep = deps[0]
    spec = dep.get("spec", {})
    replicas = spec.get("replicas", 1)
    if not isinstance(replicas, int) or replicas < 2:
        errors.append(f"replicas: the Deployment runs {replicas} replica(s); several expected")
    strategy = spec.get("strategy", {})
    if strategy.get("type") != "RollingUpdate" or \
            strategy.get("rollingUpdate", {}).get("maxUnavailable") != 0:
        errors.append("replicas: strategy must be RollingUpdate with maxUnavailable 0 "
                      "(a new pod builds its boards before it is ready)")
    if any(d.get("kind") == "PersistentVolumeClaim" for d in docs):
        errors.append("replicas: a PersistentVolumeClaim is rendered; the database is PostgreSQL")
    pod = spec.get("template", {}).get("spec", {})
    pod_labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
    for v in pod.get("volumes", []):
        if "persistentVolumeClaim" in v:
            errors.append(f"replicas: the pod mounts the volume claim of {v['name']}")
    c = (pod.get("containers") or [{}])[0]
    args = c.get("args", [])
    flags = flag_values(args)
    errors.extend(_unknown_flags("replicas: the Deployment", args, known))
    if flags.get("--db") != "$(RAPPORT_DB)":
        errors.append(f"replicas: --db must be $(RAPPORT_DB), the Secret's URI (got {flags.get('--db')!r})")
    env = {e.get("name"): e for e in c.get("env", [])}
    ref = env.get("RAPPORT_DB", {}).get("valueFrom", {}).get("secretKeyRef", {})
    secrets = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Secret"}
    secret = secrets.get(ref.get("name"))
    if not secret:
        errors.append("replicas: RAPPORT_DB must come from a Secret of the overlay (secretKeyRef)")
    else:
        value = (secret.get("stringData") or {}).get(ref.get("key"))
        if value is None or not PLACEHOLDER.fullmatch(str(value).strip()):
            errors.append(f"replicas: the Secret {ref.get('name')} key {ref.get('key')} must hold "
                          "a REPLACE_WITH_... placeholder, not a URI")
    for flag in REPLICA_FLAGS:
        if not flags.get(flag):
            errors.append(f"replicas: {flag} missing")
    # Everything else as the single-replica Deployment has it.
    base_c = base_dep["spec"]["template"]["spec"]["containers"][0]
    base_args = {a for a in base_c.get("args", []) if not a.startswith("--db=")}
    ours = {a for a in args if not a.startswith(("--db=",) + tuple(f + "=" for f in REPLICA_FLAGS))}
    if ours != base_args:
        errors.append(f"replicas: arguments differ from deployment.yaml's: only here "
                      f"{sorted(ours - base_args)}, missing {sorted(base_args - ours)}")
    for key in ("startupProbe", "readinessProbe", "livenessProbe", "ports", "securityContext",
                "resources"):
        if c.get(key) != base_c.get(key):
            errors.append(f"replicas: the container's {key} differs from deployment.yaml's")
    mounts_by_path = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
    tls = all(flags.get(f) for f in TLS_FLAGS)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        if c.get(probe):
            errors.extend("replicas: " + e for e in _check_probe(probe, c[probe], tls, mounts_by_path))
    errors.extend("replicas: " + e for e in _check_deployment_files(c, pod, flags))
    if pod.get("terminationGracePeriodSeconds", 30) <= duration_seconds(flags.get("--shutdown_grace", "10s")):
        errors.append("replicas: terminationGracePeriodSeconds must exceed --shutdown_grace")

    pdbs = [d for d in docs if d.get("kind") == "PodDisruptionBudget"]
    if len(pdbs) != 1 or pdbs[0].get("apiVersion") != "policy/v1":
        errors.append("replicas: one policy/v1 PodDisruptionBudget expected")
    else:
        ps = pdbs[0].get("spec", {})
        ml = ps.get("selector", {}).get("matchLabels", {})
        if not ml or ml.items() - pod_labels.items():
            errors.append("replicas: the PodDisruptionBudget does not select rapportd's pods")
        if "maxUnavailable" in ps:
            if not (isinstance(ps["maxUnavailable"], int) and 1 <= ps["maxUnavailable"] < replicas):
                errors.append("replicas: the PodDisruptionBudget must keep a replica serving "
                              f"(maxUnavailable {ps['maxUnavailable']} of {replicas})")
        elif not (isinstance(ps.get("minAvailable"), int) and 1 <= ps["minAvailable"] < replicas):
            errors.append("replicas: the PodDisruptionBudget must keep a replica serving and "
                          "allow a drain")
    hpas = [d for d in docs if d.get("kind") == "HorizontalPodAutoscaler"]
    if len(hpas) != 1 or hpas[0].get("apiVersion") != "autoscaling/v2":
        errors.append("replicas: one autoscaling/v2 HorizontalPodAutoscaler expected")
    else:
        hs = hpas[0].get("spec", {})
        target = hs.get("scaleTargetRef", {})
        if (target.get("kind"), target.get("name")) != ("Deployment", dep["metadata"]["name"]):
            errors.append(f"replicas: the autoscaler scales {target}, not the Deployment")
        lo, hi = hs.get("minReplicas", 1), hs.get("maxReplicas", 0)
        if lo != replicas or hi < lo:
            errors.append(f"replicas: the autoscaler's range {lo}..{hi} must start at the "
                          f"Deployment's {replicas} replicas")
        if not hs.get("metrics"):
            errors.append("replicas: the autoscaler has no metrics")
        try:
            per_pod = int(flags.get("--db_connections", "8"))
        except ValueError:
            per_pod = 0
            errors.append("replicas: --db_connections is not a number")
        budget = PG_DEFAULT_MAX_CONNECTIONS - PG_RESERVED_CONNECTIONS
        if hi * (per_pod + 1) > budget:
            errors.append(f"replicas: {hi} replicas x (--db_connections={per_pod} + the lease's) "
                          f"exceed the {budget} connections a default PostgreSQL leaves them")
    # The metrics endpoint is scraped as the base's is.
    for kind in ("Service", "ServiceMonitor", "NetworkPolicy"):
        if not any(d.get("kind") == kind for d in docs):
            errors.append(f"replicas: no {kind} rendered")
    return errors


def _read_env_file(p):
    out = {}
    with open(p, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


def _check_compose(known):
    errors = []
    cdir = path("deploy", "compose")
    compose = load_yaml(os.path.join(cdir, "compose.yaml"))
    services = compose.get("services", {})
    pg = {n: s for n, s in services.items() if str(s.get("image", "")).startswith("postgres:15")}
    rd = {n: s for n, s in services.items() if str(s.get("image", "")).startswith("rapportd")}
    if len(pg) != 1:
        return [f"compose: one postgres:15 service expected, found {sorted(pg)}"]
    (pg_name, pg_svc), = pg.items()
    if len(rd) < 2:
        errors.append(f"compose: two or more rapportd replicas expected, found {sorted(rd)}")
    named = set(compose.get("volumes") or {})
    data = [v for v in pg_svc.get("volumes", []) if str(v).endswith(":/var/lib/postgresql/data")]
    if len(data) != 1 or data[0].split(":", 1)[0] not in named:
        errors.append("compose: PostgreSQL's data must be a named volume at /var/lib/postgresql/data")
    if not pg_svc.get("healthcheck"):
        errors.append("compose: the postgres service needs a healthcheck (pg_isready)")
    command = pg_svc.get("command") or []
    m = re.search(r"max_connections=(\d+)", " ".join(command) if isinstance(command, list) else command)
    max_conn = int(m.group(1)) if m else PG_DEFAULT_MAX_CONNECTIONS
    env = {}
    env_example = os.path.join(cdir, "env.example")
    if not os.path.exists(env_example):
        errors.append("compose: env.example missing")
    else:
        env = _read_env_file(env_example)
        for key in ("POSTGRES_PASSWORD", "RAPPORT_DB"):
            if key not in env:
                errors.append(f"compose: env.example has no {key}")
            elif not PLACEHOLDER.search(env[key]):
                errors.append(f"compose: env.example's {key} must hold a REPLACE_WITH_... placeholder")
        uri = env.get("RAPPORT_DB", "")
        want = (f"postgresql://{env.get('POSTGRES_USER')}:{env.get('POSTGRES_PASSWORD')}"
                f"@{pg_name}:5432/{env.get('POSTGRES_DB')}")
        if uri != want:
            errors.append(f"compose: env.example's RAPPORT_DB {uri!r} does not name the postgres "
                          f"service's user, password and database ({want!r})")
    ignore = os.path.join(cdir, ".gitignore")
    if not os.path.exists(ignore) or ".env" not in open(ignore, encoding="utf-8").read().split():
        errors.append("compose: .gitignore must keep .env out of git")
    host_ports, total = [], 0
    for name, svc in sorted(rd.items()):
        args = svc.get("command") or []
        flags = flag_values(args)
        errors.extend(_unknown_flags(f"compose: {name}", args, known))
        if not re.fullmatch(r"\$\{RAPPORT_DB(:\?[^}]*)?\}", flags.get("--db", "")):
            errors.append(f"compose: {name}: --db must be ${{RAPPORT_DB}} from .env "
                          f"(got {flags.get('--db')!r})")
        for flag in REPLICA_FLAGS:
            if not flags.get(flag):
                errors.append(f"compose: {name}: {flag} missing")
        try:
            total += int(flags.get("--db_connections", "8")) + 1  # and the lease's
        except ValueError:
            errors.append(f"compose: {name}: --db_connections is not a number")
        tls = all(flags.get(f) for f in TLS_FLAGS)
        for flag in ("--listen", "--metrics_listen"):
            if flags.get(flag) and not is_loopback(flags[flag]) and not tls:
                errors.append(f"compose: {name}: {flag} beyond loopback needs TLS")
        if flags.get("--auth", "on") != "on" or not flags.get("--auth_config"):
            errors.append(f"compose: {name}: authentication must stay on with --auth_config")
        mounts = {}
        for v in svc.get("volumes", []):
            parts = str(v).split(":")
            if len(parts) >= 2:
                mounts[parts[1]] = parts[2:] == ["ro"]
            if len(parts) >= 2 and parts[1].startswith("/var/lib/rapport"):
                errors.append(f"compose: {name} mounts {parts[1]}: the replicas keep no database")
        for flag in TLS_FLAGS + ("--auth_config",):
            value = flags.get(flag, "")
            if value and not any(value == mp or value.startswith(mp.rstrip("/") + "/")
                                 for mp, ro in mounts.items() if ro):
                errors.append(f"compose: {name}: {flag}={value} is on no read-only mount")
        deps = svc.get("depends_on") or {}
        if not isinstance(deps, dict) or deps.get(pg_name, {}).get("condition") != "service_healthy":
            errors.append(f"compose: {name} must wait for {pg_name} to be healthy")
        test = (svc.get("healthcheck") or {}).get("test") or []
        if not (len(test) > 2 and test[0] == "CMD" and test[1] == CLI_IN_IMAGE and test[-1] == "health"
                and flag_values(test[2:-1]).get("--tls_ca_file")):
            errors.append(f"compose: {name}: the healthcheck must run `{CLI_IN_IMAGE} "
                          "--tls_ca_file=... health`")
        grace = duration_seconds(flags.get("--shutdown_grace", "10s"))
        if duration_seconds(svc.get("stop_grace_period", "10s")) <= grace:
            errors.append(f"compose: {name}: stop_grace_period must exceed --shutdown_grace")
        for p in svc.get("ports", []):
            host_ports.append(str(p).rsplit(":", 1)[0])
    if len(host_ports) != len(set(host_ports)):
        errors.append(f"compose: the replicas' host ports clash: {host_ports}")
    if total > max_conn - PG_RESERVED_CONNECTIONS:
        errors.append(f"compose: the replicas' pools ({total} connections) leave less than "
                      f"{PG_RESERVED_CONNECTIONS} of max_connections={max_conn}")
    return errors


def check_scale_out():
    """deploy/k8s/replicas (rendered as kubectl kustomize does) and
    deploy/compose: several replicas over PostgreSQL, the base's probes, TLS
    and auth, a placeholder URI, flags rapportd defines, connection budgets."""
    known = rapportd_flags()
    if not known:
        return ["server/app: no ABSL_FLAG found"]
    errors = _check_replicas_kustomization()
    errors.extend(_check_replicas_deployment(_render_replicas(), known))
    errors.extend(_check_compose(known))
    return errors


CHECKS = [
    ("yaml", "every YAML file under deploy/ parses", check_yaml_parses),
    ("prometheus-config", "promtool check config; the rapport job, rules and Alertmanager", check_prometheus_config),
    ("prometheus-rules", "promtool check rules", check_prometheus_rules),
    ("rule-contents", "alerts, labels, annotations, thresholds, metric names", check_rule_contents),
    ("promtool-tests", "promtool test rules", check_promtool_tests),
    ("test-coverage", "every alert tested firing and quiet, every recording rule tested", check_promtool_test_coverage),
    ("prometheusrule", "the PrometheusRule holds exactly the tested rules", check_prometheusrule),
    ("alertmanager", "amtool check-config, routes of every alert and team, inhibition", check_alertmanager),
    ("grafana", "dashboards, required panels, valid PromQL, provisioning", check_grafana),
    ("kubernetes", "Deployment, Service, ServiceMonitor, NetworkPolicy, TLS and auth mounts, PVC, "
     "kustomization", check_kubernetes),
    ("scale-out", "deploy/k8s/replicas and deploy/compose: replicas over PostgreSQL", check_scale_out),
    ("systemd", "rapportd.service keys, credentials, systemd-analyze verify", check_systemd),
    ("dockerfile", "Dockerfile stages, packages, COPY sources, user, ports", check_dockerfile),
    ("secrets", "no private key, API key or token committed; Secrets are placeholders", check_no_secrets),
    ("auth-config", "the example auth configs match rapport.config.v1.AuthConfig", check_auth_configs),
    ("security-docs", "docs/security.md covers every RPC and permission", check_security_docs),
    ("install-deps", "the test packages are installed by install-deps.sh", check_install_deps),
    ("docs", "docs/alerts.md describes every alert", check_docs),
]


def main():
    global ROOT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=ROOT, help="the repository (default: this one)")
    parser.add_argument("--only", action="append", default=[], help="run only this check")
    parser.add_argument("--list", action="store_true", help="list the checks")
    args = parser.parse_args()
    ROOT = os.path.abspath(args.root)
    if args.list:
        for name, what, _ in CHECKS:
            print(f"{name:18} {what}")
        return 0
    unknown = set(args.only) - {n for n, _, _ in CHECKS}
    if unknown:
        parser.error(f"unknown check(s) {sorted(unknown)}; see --list")
    failed = []
    for name, what, fn in CHECKS:
        if args.only and name not in args.only:
            continue
        try:
            errors = fn()
        except Exception as e:  # A crash is a failure, said as clearly.
            errors = [f"{type(e).__name__}: {e}\n{traceback.format_exc()}"]
        if errors:
            failed.append(name)
            print(f"FAIL {name}: {what}")
            for e in errors:
                print("    " + e.replace("\n", "\n    "))
        else:
            print(f"ok   {name}: {what}")
        sys.stdout.flush()
    if failed:
        print(f"\ndeploy checks FAILED: {', '.join(failed)}")
        return 1
    print("\ndeploy checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
