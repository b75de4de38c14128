#!/usr/bin/env python3
"""Identity on the wire, end to end: the real rapportd over TLS with
authentication on, certificates made now with openssl, the first admin key
made offline, then:

- Python clients generated from proto/: over TLS with an API key, over
  mutual TLS with a client certificate mapped to a principal, without a key,
  and in plaintext;
- the rapport CLI over TLS, reading its key from RAPPORT_API_KEY or
  --api_key_file, making keys with `admin create-key`;
- the HTTP port over TLS: /metrics with and without a metrics key, the page
  with a manager's and a rep's key;
- the page in headless Chromium, directly (no credential) and through an
  authenticating proxy that passes the user's identity in headers.

  auth_e2e.py --rapportd PATH --cli PATH --proto_dir DIR [--chromium PATH]
"""

import argparse
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

import rapport_e2e as e2e

ARGS = None


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    """An authenticating proxy in miniature (oauth2-proxy style): forwards
    GETs to rapportd's page over TLS with the signed-in user's identity in
    X-Forwarded-* headers."""

    upstream = None
    context = None

    def do_GET(self):
        request = urllib.request.Request(
            self.upstream + self.path,
            headers={"X-Forwarded-Email": "lena@acme.test",
                     "X-Forwarded-Groups": "rapport-managers,rapport-team-Atlas"})
        try:
            with urllib.request.urlopen(request, context=self.context,
                                        timeout=30) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class AuthEndToEndTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = e2e.temp_dir()
        d = cls.dir
        e2e.make_certs(d)
        cls.ca = os.path.join(d, "ca.pem")
        with open(os.path.join(d, "auth.json"), "w") as f:
            json.dump({
                "client_certs": [{
                    "uri_san": "spiffe://acme.test/crm-sync",
                    "tenant": "acme", "role": "integration"}],
                "trusted_proxies": [{
                    "addresses": ["127.0.0.1/32"],
                    "headers": {"X-Forwarded-Email": "email",
                                "X-Forwarded-Groups": "groups"},
                    "claims": {"tenant": "acme", "member_claim": "email",
                               "role_claim": "groups",
                               "roles": {"rapport-managers": "manager"},
                               "teams_claim": "groups",
                               "team_prefix": "rapport-team-"}}],
            }, f)
        db = os.path.join(d, "rapport.db")
        cls.admin_key = e2e.bootstrap_admin_key(ARGS.rapportd, db, "acme")
        cls.server = e2e.Rapportd(
            ARGS.rapportd, db,
            extra_args=["--auth=on", "--score_refresh=0s",
                        "--history_interval=0s",
                        f"--tls_cert_file={d}/server.pem",
                        f"--tls_key_file={d}/server.key",
                        f"--tls_client_ca_file={cls.ca}",
                        "--tls_client_auth=request",
                        f"--auth_config={d}/auth.json"])
        cls.server.start()
        os.makedirs(os.path.join(d, "py"))
        cls.client = e2e.generate_python_client(
            os.path.abspath(ARGS.proto_dir), os.path.join(d, "py"))
        sys.path.insert(0, cls.client)
        sys.path.insert(0, os.path.join(cls.client, "ext_protos"))
        cls.https = f"https://127.0.0.1:{cls.server.metrics_port}"
        cls.tls = ssl.create_default_context(cafile=cls.ca)

        # Keys for each role, made with the CLI as an operator would.
        cls.keys = {"admin": cls.admin_key}
        for name, args in (
                ("integration", ["--role=integration"]),
                ("manager", ["--role=manager", "--teams=Atlas"]),
                ("rep", ["--role=rep", "--member_id=rep-001"]),
                ("metrics", ["--role=metrics"])):
            cls.keys[name] = cls.cli("admin", "create-key", f"--name={name}",
                                     *args).stdout.strip()
        cls.cli("demo", "--members=12", "--days=20", "--seed=3",
                key=cls.keys["integration"])

    @classmethod
    def tearDownClass(cls):
        e2e.stop_server(cls.server, cls.dir)

    @classmethod
    def cli(cls, *args, key=None, check=True, env_key=True):
        env = dict(os.environ)
        env.pop("RAPPORT_API_KEY", None)
        if env_key:
            env["RAPPORT_API_KEY"] = key or cls.admin_key
        return e2e.run_cli(ARGS.cli, cls.server.address,
                           f"--tls_ca_file={cls.ca}", *args, env=env,
                           check=check)

    def stubs(self, credentials, key=None):
        import grpc
        from rapport.v1 import activity_pb2_grpc, scoring_pb2_grpc
        channel = grpc.secure_channel(self.server.address, credentials)
        self.addCleanup(channel.close)
        metadata = [("authorization", f"Bearer {key}")] if key else []
        return (activity_pb2_grpc.ActivityServiceStub(channel),
                scoring_pb2_grpc.ScoringServiceStub(channel), metadata)

    def read(self, name):
        with open(os.path.join(self.dir, name), "rb") as f:
            return f.read()

    def test_python_client_over_tls_with_a_key(self):
        import grpc
        from rapport.v1 import activity_pb2, scoring_pb2
        creds = grpc.ssl_channel_credentials(root_certificates=self.read("ca.pem"))
        activity, scoring, md = self.stubs(creds, self.keys["manager"])
        board = scoring.GetLeaderboard(
            scoring_pb2.GetLeaderboardRequest(team="Atlas"), metadata=md)
        self.assertGreater(len(board.entries), 0)
        self.assertTrue(all(e.team == "Atlas" for e in board.entries))
        with self.assertRaises(grpc.RpcError) as denied:
            activity.DeleteMember(
                activity_pb2.DeleteMemberRequest(member_id="rep-001"),
                metadata=md)
        self.assertEqual(denied.exception.code(),
                         grpc.StatusCode.PERMISSION_DENIED)
        self.assertIn("members.write", denied.exception.details())
        _, scoring_anon, _ = self.stubs(creds)
        with self.assertRaises(grpc.RpcError) as anon:
            scoring_anon.GetScore(scoring_pb2.GetScoreRequest(member_id="rep-001"))
        self.assertEqual(anon.exception.code(), grpc.StatusCode.UNAUTHENTICATED)

    def test_python_client_over_mutual_tls(self):
        import grpc
        from rapport.v1 import activity_pb2, scoring_pb2
        creds = grpc.ssl_channel_credentials(
            root_certificates=self.read("ca.pem"),
            private_key=self.read("client.key"),
            certificate_chain=self.read("client.pem"))
        activity, scoring, _ = self.stubs(creds)
        # The certificate's SPIFFE id maps to acme's integration role.
        member = activity.GetMember(
            activity_pb2.GetMemberRequest(member_id="rep-001"))
        self.assertEqual(member.member.member_id, "rep-001")
        with self.assertRaises(grpc.RpcError) as denied:
            scoring.GetLeaderboard(scoring_pb2.GetLeaderboardRequest())
        self.assertEqual(denied.exception.code(),
                         grpc.StatusCode.PERMISSION_DENIED)

    def test_plaintext_is_refused(self):
        import grpc
        from rapport.v1 import scoring_pb2, scoring_pb2_grpc
        channel = grpc.insecure_channel(self.server.address)
        self.addCleanup(channel.close)
        with self.assertRaises(grpc.RpcError) as e:
            scoring_pb2_grpc.ScoringServiceStub(channel).GetScore(
                scoring_pb2.GetScoreRequest(member_id="rep-001"), timeout=5,
                metadata=[("authorization", f"Bearer {self.admin_key}")])
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_cli_reads_its_key_from_the_environment_or_a_file(self):
        score = json.loads(self.cli("--json", "score", "rep-001",
                                    key=self.keys["rep"]).stdout)
        self.assertEqual(score["score"]["memberId"], "rep-001")
        denied = self.cli("score", "rep-002", key=self.keys["rep"], check=False)
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("PERMISSION_DENIED", denied.stderr + denied.stdout)
        key_file = os.path.join(self.dir, "rep.key")
        with open(key_file, "w") as f:
            f.write(self.keys["rep"] + "\n")
        self.cli(f"--api_key_file={key_file}", "score", "rep-001",
                 env_key=False)
        anon = self.cli("score", "rep-001", env_key=False, check=False)
        self.assertIn("UNAUTHENTICATED", anon.stderr + anon.stdout)
        listed = self.cli("admin", "list-keys").stdout
        self.assertIn("manager of Atlas", listed)
        # The secret: everything after the id (it may itself hold "_").
        secret = self.keys["manager"].split("_", 2)[2]
        self.assertTrue(secret)
        self.assertNotIn(secret, listed)

    def fetch(self, path, key=None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        request = urllib.request.Request(self.https + path, headers=headers)
        try:
            with urllib.request.urlopen(request, context=self.tls,
                                        timeout=30) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def test_metrics_need_a_metrics_key(self):
        status, headers, _ = self.fetch("/metrics")
        self.assertEqual(status, 401)
        self.assertIn("Bearer", headers.get("WWW-Authenticate", ""))
        status, _, body = self.fetch("/metrics", self.keys["rep"])
        self.assertEqual(status, 403)
        self.assertIn("metrics.scrape", body)
        status, _, body = self.fetch("/metrics", self.keys["metrics"])
        self.assertEqual(status, 200)
        self.assertIn('rapport_member_ssi', body)
        self.assertIn('team="Atlas"', body)

    def test_a_client_certificate_identifies_http_callers_too(self):
        mtls = ssl.create_default_context(cafile=self.ca)
        mtls.load_cert_chain(os.path.join(self.dir, "client.pem"),
                             os.path.join(self.dir, "client.key"))
        request = urllib.request.Request(self.https + "/metrics")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(request, context=mtls, timeout=30)
        # Known (the integration of the rule), but not allowed to scrape.
        self.assertEqual(e.exception.code, 403)
        self.assertIn("metrics.scrape", e.exception.read().decode())

    def test_the_page_shows_each_viewer_their_scope(self):
        self.assertEqual(self.fetch("/")[0], 401)
        status, _, body = self.fetch("/", self.keys["manager"])
        self.assertEqual(status, 200, body)
        self.assertIn('data-view="team"', body)
        self.assertIn("Atlas", body)
        status, _, body = self.fetch("/?team=Borealis", self.keys["manager"])
        self.assertEqual(status, 403, body)
        status, _, body = self.fetch("/", self.keys["rep"])
        self.assertEqual(status, 200, body)
        self.assertIn("hidden-score", body)  # Ranks only for the others.

    def chromium(self, url):
        return e2e.run_chromium(ARGS.chromium, self.dir,
                                "--ignore-certificate-errors", "--dump-dom",
                                url)

    def test_the_page_in_chromium_with_and_without_a_credential(self):
        anonymous = self.chromium(self.https + "/")
        self.assertIn("authentication required", anonymous)
        self.assertNotIn("data-member", anonymous)

        ProxyHandler.upstream = self.https
        ProxyHandler.context = self.tls
        proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ProxyHandler)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        self.addCleanup(proxy.server_close)
        self.addCleanup(proxy.shutdown)
        page = self.chromium(f"http://127.0.0.1:{proxy.server_address[1]}/")
        self.assertIn('data-view="team"', page)
        self.assertIn("data-member=", page)
        self.assertIn("Atlas", page)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--proto_dir", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
