"""Helpers for Rapport's end-to-end tests: generate the Python client from
proto/, start the real rapportd on a free loopback port, run the CLI."""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

GRPC_PROTO_DIR = "/usr/share/grpc-proto"
PROTOBUF_INCLUDE = "/usr/include"


def generate_python_client(proto_dir, out_dir):
    """Runs protoc with grpc_python_plugin over rapport/v1 and the gRPC
    health and reflection protos; returns out_dir, ready for sys.path."""
    protos = sorted(
        os.path.join("rapport/v1", f)
        for f in os.listdir(os.path.join(proto_dir, "rapport/v1"))
        if f.endswith(".proto"))
    plugin = shutil.which("grpc_python_plugin") or "/usr/bin/grpc_python_plugin"
    common = ["protoc", f"--python_out={out_dir}", f"--grpc_out={out_dir}",
              f"--plugin=protoc-gen-grpc={plugin}"]
    subprocess.run(common + [f"-I{proto_dir}", f"-I{PROTOBUF_INCLUDE}"] + protos,
                   check=True)
    # The health and reflection protos live under grpc/, which would shadow
    # the grpc package in Python: compile copies under flat module names.
    ext_dir = os.path.join(out_dir, "ext_protos")
    os.makedirs(ext_dir, exist_ok=True)
    for src, dst in (("grpc/health/v1/health.proto", "grpc_health_v1.proto"),
                     ("grpc/reflection/v1alpha/reflection.proto",
                      "grpc_reflection_v1alpha.proto")):
        shutil.copy(os.path.join(GRPC_PROTO_DIR, src),
                    os.path.join(ext_dir, dst))
    subprocess.run(common + [f"-I{ext_dir}", "grpc_health_v1.proto",
                             "grpc_reflection_v1alpha.proto"], check=True)
    for root, _, _ in os.walk(out_dir):
        open(os.path.join(root, "__init__.py"), "a").close()
    return out_dir


def varint(n):
    """A protobuf varint (wire format)."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_bytes(number, payload):
    """A length-delimited field (string, bytes or message), hand-encoded: how
    tests send what a client library would refuse to serialize."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def field_varint(number, value):
    """A varint field (integers, enums)."""
    return varint(number << 3) + varint(value)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Rapportd:
    """The real rapportd binary on loopback, over a database file."""

    def __init__(self, binary, db_path, extra_args=()):
        self.binary = binary
        self.db_path = db_path
        self.extra_args = list(extra_args)
        # Authentication is on by default; tests that are not about it run
        # on loopback without it, as rapportd allows there.
        if not any(a.startswith("--auth") for a in self.extra_args):
            self.extra_args.append("--auth=off")
        self.proc = None
        self.port = None
        self.metrics_port = None
        self.log_path = db_path + ".log"

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    # What rapportd prints once both ports serve every call (gRPC, and the
    # HTTP port's gate and routes: it answers 503 before).
    READY_LINE = "rapportd: serving gRPC on port "

    def _ready_lines(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read().count(self.READY_LINE)
        except FileNotFoundError:
            return 0

    def start(self, timeout=30):
        self.port = free_port()
        self.metrics_port = free_port()
        # The log is kept across restarts: this start's line is one more.
        ready_before = self._ready_lines()
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [self.binary, f"--listen=127.0.0.1:{self.port}",
                 f"--db={self.db_path}",
                 f"--metrics_listen=127.0.0.1:{self.metrics_port}"]
                + self.extra_args,
                stdout=log, stderr=log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rapportd exited: {self.log()}")
            if self._ready_lines() > ready_before:
                return self
            time.sleep(0.05)
        raise RuntimeError(f"rapportd did not start: {self.log()}")

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def terminate(self, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            return self.proc.wait(timeout)
        return self.proc.returncode if self.proc else None


def stop_server(server, directory):
    """Stops rapportd, removes the test's directory, and fails when rapportd
    did not exit cleanly (its log in the message)."""
    rc = server.terminate()
    log = server.log()
    shutil.rmtree(directory, ignore_errors=True)
    if rc not in (0, None):
        raise AssertionError(f"rapportd exited {rc}: {log}")


def run_cli(cli, address, *args, input_text=None, check=True, env=None):
    """Runs the rapport CLI against address; returns CompletedProcess."""
    proc = subprocess.run([cli, f"--server={address}", *args],
                          capture_output=True, text=True, input=input_text,
                          timeout=300, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"rapport {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stdout}\n{proc.stderr}")
    return proc


def temp_dir():
    return tempfile.mkdtemp(prefix="rapport-e2e-")


def main_with_client(script_globals, load_generated, cli=True):
    """The main of a test script that calls rapportd through the generated
    Python client: parses --rapportd, --proto_dir and (with `cli`) --cli
    into the script's ARGS, generates the client and hands its directory to
    the script's load_generated, then runs the script's tests."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rapportd", required=True)
    if cli:
        parser.add_argument("--cli", required=True)
    parser.add_argument("--proto_dir", required=True)
    args, rest = parser.parse_known_args()
    script_globals["ARGS"] = args
    load_generated(generate_python_client(args.proto_dir, temp_dir()))
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   capture_output=True)


def make_certs(d):
    """Makes now, in d: a CA (ca.pem), a server certificate for 127.0.0.1
    and localhost (server.pem, server.key) and a client certificate whose
    URI SAN is spiffe://acme.test/crm-sync (client.pem, client.key)."""
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-days", "2", "-subj", "/CN=Rapport test CA",
             cwd=d)
    for name, subject, san in (
            ("server", "/CN=localhost", "IP:127.0.0.1,DNS:localhost"),
            ("client", "/CN=crm-sync/O=Acme",
             "URI:spiffe://acme.test/crm-sync")):
        _openssl("req", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                 f"{name}.key", "-out", f"{name}.csr", "-subj", subject,
                 cwd=d)
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(f"subjectAltName={san}\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem",
                 "-CAkey", "ca.key", "-CAcreateserial", "-out",
                 f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext",
                 cwd=d)


def bootstrap_admin_key(rapportd, db_path, tenant):
    """The first admin key of `tenant`, made offline against the database."""
    return subprocess.run(
        [rapportd, f"--db={db_path}", f"--bootstrap_admin_key={tenant}"],
        capture_output=True, text=True, check=True).stdout.strip()


def run_chromium(binary, work_dir, *args):
    """Runs headless Chromium (Debian's) in a fresh profile under work_dir,
    without the background traffic a closed network refuses; returns its
    stdout. Raises AssertionError when it fails."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=work_dir)
    proc = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": profile})
    if proc.returncode != 0:
        raise AssertionError(
            f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


class RapportdTestCase(unittest.TestCase):
    """A fresh rapportd (authentication off, loopback) for each test, with an
    insecure channel to it. Subclasses set `rapportd` (the binary) and make
    their stubs on self.channel."""

    rapportd = None

    def setUp(self):
        import grpc  # Debian's python3-grpcio.
        self.dir = temp_dir()
        self.server = Rapportd(self.rapportd,
                               os.path.join(self.dir, "rapport.db"))
        self.server.start()
        self.channel = grpc.insecure_channel(self.server.address)

    def tearDown(self):
        self.channel.close()
        rc = self.server.terminate()
        if rc not in (0, None, -9):
            self.fail(f"rapportd exited {rc}: {self.server.log()}")
