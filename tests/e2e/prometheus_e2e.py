"""End to end with the real Prometheus: rapportd serves the demo org, Debian's
prometheus scrapes it over TLS with a key of role metrics, with
deploy/prometheus's config and rules (only the target address, the intervals
and the key's and CA's files changed), and its HTTP API must show the
leaderboard and the declining-engagement alert a manager relies on.

  prometheus_e2e.py --rapportd PATH --cli PATH --deploy_dir PATH
                    [--prometheus PATH] [--promtool PATH]
"""

import argparse
import datetime
import ssl
import glob
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

import yaml  # Debian's python3-yaml.

import rapport_e2e as e2e

ARGS = None


def http_get(url, timeout=10, headers=None, context=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout,
                                context=context) as resp:
        return resp.read().decode()


class Prometheus:
    """Debian's prometheus on loopback, over a config written for the test."""

    def __init__(self, binary, work_dir, config):
        self.binary = binary
        self.work_dir = work_dir
        self.config_path = os.path.join(work_dir, "prometheus.yml")
        with open(self.config_path, "w") as f:
            yaml.safe_dump(config, f)
        self.port = e2e.free_port()
        self.log_path = os.path.join(work_dir, "prometheus.log")
        self.proc = None

    def start(self, timeout=60):
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [self.binary, f"--config.file={self.config_path}",
                 f"--storage.tsdb.path={os.path.join(self.work_dir, 'tsdb')}",
                 f"--web.listen-address=127.0.0.1:{self.port}"],
                stdout=log, stderr=log)
        self.wait_for(lambda: http_get(self.url("/-/ready"), 1), timeout,
                      "prometheus ready")
        return self

    def url(self, path, **params):
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        return f"http://127.0.0.1:{self.port}{path}{query}"

    def api(self, path, **params):
        body = json.loads(http_get(self.url(f"/api/v1/{path}", **params)))
        if body.get("status") != "success":
            raise AssertionError(f"{path} {params}: {body}")
        return body["data"]

    def query(self, expr):
        return self.api("query", query=expr)["result"]

    def wait_for(self, probe, timeout, what):
        """Calls probe until it returns a true value; returns that value."""
        deadline = time.time() + timeout
        last_error = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"prometheus exited: {self.log()}")
            try:
                value = probe()
                if value:
                    return value
            except (OSError, ValueError, AssertionError) as e:
                last_error = e
            time.sleep(0.5)
        raise AssertionError(f"timed out waiting for {what} ({last_error})\n"
                             f"{self.log()[-3000:]}")

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def test_config(deploy_dir, metrics_address, key_file, ca_file):
    """deploy's prometheus.yml with only the target, the intervals, and the
    files of its scrape key and CA (made by this test) changed: Prometheus
    scrapes over TLS with a key of role metrics, as deployed."""
    prom_dir = os.path.join(os.path.abspath(deploy_dir), "prometheus")
    with open(os.path.join(prom_dir, "prometheus.yml")) as f:
        config = yaml.safe_load(f)
    config.setdefault("global", {}).update(
        {"scrape_interval": "1s", "evaluation_interval": "1s",
         "scrape_timeout": "1s"})
    config["rule_files"] = [
        os.path.join(prom_dir, pattern) for pattern in config["rule_files"]]
    config.pop("alerting", None)  # No Alertmanager in this test.
    jobs = [j for j in config["scrape_configs"] if j["job_name"] == "rapport"]
    if len(jobs) != 1:
        raise AssertionError("deploy's prometheus.yml has no 'rapport' job")
    jobs[0]["static_configs"] = [{"targets": [metrics_address]}]
    if jobs[0].get("scheme") != "https":
        raise AssertionError("deploy's prometheus.yml scrapes without TLS")
    jobs[0]["authorization"]["credentials_file"] = key_file
    jobs[0]["tls_config"]["ca_file"] = ca_file
    jobs[0]["tls_config"]["server_name"] = "localhost"
    jobs[0]["scrape_interval"] = "1s"
    jobs[0]["scrape_timeout"] = "1s"
    return config


class PrometheusE2ETest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = e2e.temp_dir()
        d = cls.dir
        e2e.make_certs(d)
        db = os.path.join(d, "rapport.db")
        admin_key = e2e.bootstrap_admin_key(ARGS.rapportd, db, "acme")
        cls.server = e2e.Rapportd(
            ARGS.rapportd, db,
            # Every member's series, so that every decliner has an alert.
            ["--auth=on", "--score_refresh=0s", "--metrics_all_members",
             f"--tls_cert_file={d}/server.pem",
             f"--tls_key_file={d}/server.key"])
        cls.server.start()
        env = {**os.environ, "RAPPORT_API_KEY": admin_key}

        def cli(*args):
            return e2e.run_cli(ARGS.cli, cls.server.address,
                               f"--tls_ca_file={d}/ca.pem", *args,
                               env=env).stdout

        end = (datetime.datetime.now(datetime.timezone.utc) -
               datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cli("demo", "--members=30", "--days=45", f"--end_time={end}")
        cls.leaderboard = json.loads(
            cli("leaderboard", "--page_size=10", "--json"))
        cls.decliners = json.loads(
            cli("decliners", "--min_drop=5", "--page_size=100", "--json"))
        cls.everyone = json.loads(
            cli("leaderboard", "--page_size=100", "--json"))["entries"]
        cls.top_actions = {}
        for e in cls.everyone:
            if e.get("forecast7d", 0.0) - e.get("total", 0.0) <= -5:
                recs = json.loads(cli("recommend", f"--member={e['memberId']}",
                                      "--max_results=1", "--json"))
                cls.top_actions[e["memberId"]] = (
                    recs.get("recommendations") or [{}])[0].get("title")
        key_file = os.path.join(d, "metrics.key")
        with open(key_file, "w") as f:
            f.write(cli("admin", "create-key", "--name=prometheus",
                        "--role=metrics"))
        metrics = f"127.0.0.1:{cls.server.metrics_port}"
        cls.prometheus = Prometheus(
            ARGS.prometheus, cls.dir,
            test_config(ARGS.deploy_dir, metrics, key_file, f"{d}/ca.pem"))
        cls.prometheus.start()

    @classmethod
    def tearDownClass(cls):
        cls.prometheus.stop()
        e2e.stop_server(cls.server, cls.dir)

    def wait_for_scrape(self):
        def scraped():
            return self.prometheus.query(
                'up{job="rapport"} == 1 and on() '
                'count(rapport_member_ssi) > 0')
        self.prometheus.wait_for(scraped, 60, "a successful scrape")

    def test_rules_are_loaded(self):
        groups = self.prometheus.api("rules")["groups"]
        files = {os.path.realpath(g["file"]) for g in groups}
        expected = {os.path.realpath(p) for p in glob.glob(os.path.join(
            ARGS.deploy_dir, "prometheus", "rules", "*.yml"))}
        self.assertTrue(expected)
        self.assertEqual(files, expected)
        for g in groups:
            for rule in g["rules"]:
                self.assertEqual(rule["health"], "ok", rule)

    def test_leaderboard_query_ranks_like_rapport(self):
        self.wait_for_scrape()
        result = self.prometheus.query("sort_desc(topk(5, rapport_member_ssi))")
        got = [(r["metric"]["member"], float(r["value"][1])) for r in result]
        want = [(e["memberId"], e.get("total", 0.0))
                for e in self.leaderboard["entries"][:5]]
        self.assertEqual(len(got), 5)
        # The same scores in the same order (ties may list members in
        # either order), each carried by the member Rapport ranks there.
        for (g_id, g_total), (w_id, w_total) in zip(got, want):
            self.assertAlmostEqual(g_total, w_total, places=6)
        self.assertEqual({g for g, _ in got}, {w for w, _ in want})
        # Each team's metric agrees with the team's own leaderboard top.
        team = self.leaderboard["entries"][0]["team"]
        top = self.prometheus.query(
            f'topk(1, rapport_member_ssi{{team="{team}"}})')
        self.assertEqual(float(top[0]["value"][1]),
                         self.leaderboard["entries"][0]["total"])

    def test_declining_member_alert_becomes_active(self):
        declining = {m["memberId"]: m for m in self.decliners.get("members", [])}
        self.assertTrue(declining, "the demo org has declining reps")

        def active_alerts():
            alerts = [a for a in self.prometheus.api("alerts")["alerts"]
                      if a["labels"].get("alertname") ==
                      ARGS.member_drop_alert]
            found = {a["labels"].get("member") for a in alerts
                     if a["state"] in ("pending", "firing")}
            return alerts if found == set(declining) else None

        alerts = self.prometheus.wait_for(
            active_alerts, 60, f"{ARGS.member_drop_alert} for {sorted(declining)}")
        for a in alerts:
            member = declining[a["labels"]["member"]]
            self.assertEqual(a["labels"]["team"], member["team"])
            self.assertAlmostEqual(float(a["value"]), member["change"], places=6)
            self.assertTrue(a["annotations"].get("summary"))
            self.assertTrue(a["annotations"].get("description"))

    def test_projected_drop_alert_names_the_top_action(self):
        at_risk = {e["memberId"]: e for e in self.everyone
                   if e.get("forecast7d", 0.0) - e.get("total", 0.0) <= -5}
        self.assertTrue(at_risk, "the demo org has reps heading down")

        def active_alerts():
            alerts = [a for a in self.prometheus.api("alerts")["alerts"]
                      if a["labels"].get("alertname") ==
                      "RapportMemberSsiProjectedDrop"]
            found = {a["labels"].get("member") for a in alerts
                     if a["state"] in ("pending", "firing")}
            return alerts if found == set(at_risk) else None

        alerts = self.prometheus.wait_for(
            active_alerts, 60,
            f"RapportMemberSsiProjectedDrop for {sorted(at_risk)}")
        for a in alerts:
            member = at_risk[a["labels"]["member"]]
            self.assertEqual(a["labels"]["team"], member["team"])
            self.assertAlmostEqual(float(a["value"]),
                                   member["forecast7d"] - member["total"],
                                   places=6)
            title = self.top_actions[member["memberId"]]
            if title:
                self.assertIn(f"Worth most now: {title} (about",
                              a["annotations"]["description"])

    def test_live_scrape_passes_promtool(self):
        with open(os.path.join(self.dir, "metrics.key")) as f:
            key = f.read().strip()
        body = http_get(
            f"https://127.0.0.1:{self.server.metrics_port}/metrics",
            headers={"Authorization": f"Bearer {key}"},
            context=ssl.create_default_context(
                cafile=os.path.join(self.dir, "ca.pem")))
        proc = subprocess.run([ARGS.promtool, "check", "metrics"], input=body,
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--deploy_dir", required=True)
    parser.add_argument("--prometheus", default="/usr/bin/prometheus")
    parser.add_argument("--promtool", default="/usr/bin/promtool")
    parser.add_argument("--member_drop_alert", default="RapportMemberSsiDropped")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
