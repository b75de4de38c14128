#!/usr/bin/env python3
"""`rapport health` against the real rapportd: what a readiness or startup
probe sees. Exit status 0 and SERVING for a serving server and for each of
its services; 1 and SERVICE_UNKNOWN for a service it does not have; 1 and
NOT_SERVING while storage fails (writes past a file size limit set on the
rapportd process, lifted again to heal); 2 when nothing listens, when the
peer never answers (within the default 2 s deadline, not the CLI's 30 s)
and when the TLS port is called in plaintext; and the same answers over TLS
and mutual TLS with authentication on, without any API key.

  health_e2e.py --rapportd BUILD/server/app/rapportd --cli BUILD/client/cli/rapport
"""

import argparse
import json
import os
import resource
import shlex
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rapport_e2e as e2e  # noqa: E402

ARGS = None
SERVICES = ("rapport.v1.ActivityService", "rapport.v1.ScoringService",
            "rapport.v1.OutreachService", "rapport.v1.RecommendationService",
            "rapport.v1.AdminService")


def health(address, *args, env=None):
    """Runs `rapport health`; returns (exit status, stdout, stderr)."""
    clean = dict(os.environ if env is None else env)
    if env is None:
        clean.pop("RAPPORT_API_KEY", None)
    proc = subprocess.run([ARGS.cli, f"--server={address}", "health", *args],
                          capture_output=True, text=True, timeout=60,
                          env=clean)
    return proc.returncode, proc.stdout, proc.stderr


def wait_for(address, want, *args, patience=60):
    """Polls `rapport health` until it exits `want`; returns the last
    (exit status, stdout, stderr)."""
    deadline = time.time() + patience
    while True:
        result = health(address, *args)
        if result[0] == want or time.time() > deadline:
            return result
        time.sleep(0.2)


class PlainHealthTest(unittest.TestCase):
    """rapportd on loopback, authentication off, no TLS."""

    def setUp(self):
        self.dir = e2e.temp_dir()
        # rapportd through a shell that ignores SIGXFSZ and execs it (same
        # pid): a write past RLIMIT_FSIZE then fails with EFBIG instead of
        # killing the process (test_not_serving_while_storage_fails).
        wrapper = os.path.join(self.dir, "rapportd.sh")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\ntrap '' XFSZ\nexec "
                    f"{shlex.quote(ARGS.rapportd)} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        self.server = e2e.Rapportd(wrapper,
                                   os.path.join(self.dir, "rapport.db"),
                                   ["--history_interval=0s"])
        self.server.start()
        self.addCleanup(e2e.stop_server, self.server, self.dir)

    def test_serving_server_and_services(self):
        code, out, err = wait_for(self.server.address, 0)
        self.assertEqual((code, out, err), (0, "SERVING\n", ""))
        for service in SERVICES:
            code, out, _ = health(self.server.address, f"--service={service}")
            self.assertEqual((code, out), (0, "SERVING\n"), service)
        code, out, _ = health(self.server.address, "--json")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out), {"status": "SERVING"})

    def test_unknown_service_exits_1(self):
        wait_for(self.server.address, 0)
        for service in ("rapport.v1.NoSuchService", "grpc.health.v1.Nope"):
            code, out, _ = health(self.server.address, f"--service={service}")
            self.assertEqual((code, out), (1, "SERVICE_UNKNOWN\n"), service)

    def test_not_serving_while_storage_fails(self):
        wait_for(self.server.address, 0)
        # From now on every write of rapportd past the first 64 KiB of a
        # file fails with EFBIG: storage fails as on a full device.
        pid = self.server.proc.pid
        _, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (64 << 10, hard))
        # A demo load needs more than that: it fails, and so does storage.
        load = e2e.run_cli(ARGS.cli, self.server.address, "demo",
                           "--members=40", "--days=30", check=False)
        self.assertNotEqual(load.returncode, 0, load.stdout)
        code, out, err = wait_for(self.server.address, 1, patience=30)
        self.assertEqual((code, out), (1, "NOT_SERVING\n"), err)
        code, out, _ = health(self.server.address,
                              "--service=rapport.v1.ScoringService")
        self.assertEqual((code, out), (1, "NOT_SERVING\n"))
        # Healed: the storage probe finds it, without a restart.
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (hard, hard))
        code, out, err = wait_for(self.server.address, 0, patience=30)
        self.assertEqual((code, out), (0, "SERVING\n"), err)

    def test_stopped_server_exits_2(self):
        address = self.server.address
        wait_for(address, 0)
        self.server.terminate()
        code, out, err = health(address)
        self.assertEqual(code, 2, out)
        self.assertEqual(out, "")
        self.assertIn("error: UNAVAILABLE", err)


class NoServerTest(unittest.TestCase):

    def test_nothing_listening_exits_2(self):
        code, out, err = health(f"127.0.0.1:{e2e.free_port()}")
        self.assertEqual((code, out), (2, ""))
        self.assertIn("error: UNAVAILABLE", err)

    def test_silent_peer_exits_2_within_the_default_deadline(self):
        # Accepts connections (the kernel does) but never speaks HTTP/2.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            address = "127.0.0.1:%d" % silent.getsockname()[1]
            start = time.monotonic()
            code, out, err = health(address)
            elapsed = time.monotonic() - start
            self.assertEqual((code, out), (2, ""))
            self.assertIn("error: DEADLINE_EXCEEDED", err)
            # The default deadline is 2 s, not the other commands' 30 s.
            self.assertLess(elapsed, 20)
            code, _, err = health(address, "--timeout=300ms")
            self.assertEqual(code, 2)
            self.assertIn("error: DEADLINE_EXCEEDED", err)

    def test_usage_error_exits_2(self):
        code, _, err = health("127.0.0.1:1", "extra-argument")
        self.assertEqual(code, 2)
        self.assertIn("usage: rapport health", err)


class TlsHealthTest(unittest.TestCase):
    """rapportd with TLS, client certificates requested and authentication
    on: health needs the CA but no API key."""

    @classmethod
    def setUpClass(cls):
        cls.dir = e2e.temp_dir()
        e2e.make_certs(cls.dir)
        d = cls.dir
        cls.ca = os.path.join(d, "ca.pem")
        cls.server = e2e.Rapportd(
            ARGS.rapportd, os.path.join(d, "rapport.db"),
            ["--auth=on", "--history_interval=0s",
             f"--tls_cert_file={d}/server.pem",
             f"--tls_key_file={d}/server.key",
             f"--tls_client_ca_file={cls.ca}",
             "--tls_client_auth=request"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        e2e.stop_server(cls.server, cls.dir)

    def test_tls_without_key(self):
        code, out, err = wait_for(self.server.address, 0,
                                  f"--tls_ca_file={self.ca}")
        self.assertEqual((code, out), (0, "SERVING\n"), err)
        code, out, _ = health(self.server.address, f"--tls_ca_file={self.ca}",
                              "--service=rapport.v1.ScoringService")
        self.assertEqual((code, out), (0, "SERVING\n"))

    def test_mutual_tls(self):
        d = self.dir
        code, out, err = wait_for(self.server.address, 0,
                                  f"--tls_ca_file={self.ca}",
                                  f"--tls_cert_file={d}/client.pem",
                                  f"--tls_key_file={d}/client.key")
        self.assertEqual((code, out), (0, "SERVING\n"), err)

    def test_tls_from_the_environment(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("RAPPORT_")}
        env["RAPPORT_TLS_CA_FILE"] = self.ca
        code, out, err = health(self.server.address, env=env)
        self.assertEqual((code, out), (0, "SERVING\n"), err)

    def test_plaintext_to_the_tls_port_exits_2(self):
        code, out, err = health(self.server.address)
        self.assertEqual((code, out), (2, ""))
        self.assertIn("error: UNAVAILABLE", err)

    def test_unknown_service_exits_1(self):
        code, out, _ = health(self.server.address, f"--tls_ca_file={self.ca}",
                              "--service=rapport.v1.NoSuchService")
        self.assertEqual((code, out), (1, "SERVICE_UNKNOWN\n"))


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    parser.add_argument("--cli", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.rapportd = os.path.abspath(ARGS.rapportd)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
