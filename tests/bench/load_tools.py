"""Helpers shared by Rapport's load benchmarks: h2load in raw gRPC framing,
one raw gRPC call from Python, timed HTTP GETs and a process's memory."""

import statistics
import subprocess
import time
import urllib.request


def grpc_frame(message):
    """One gRPC message on the wire: uncompressed, length-prefixed."""
    return b"\x00" + len(message).to_bytes(4, "big") + message


def write_body(path, message):
    """Writes message, framed, to path (an h2load -d file); returns path."""
    with open(path, "wb") as f:
        f.write(grpc_frame(message))
    return path


def h2load_cmd(url, body_file, requests, clients, streams, headers=(),
               log=None, seconds=None):
    """The h2load command for `requests` gRPC calls of body_file to url
    (http:// or https://address/package.Service/Method), or as many as fit
    in `seconds` when given, from one thread, `clients` connections with
    `streams` concurrent streams each."""
    count = ["-D", str(seconds)] if seconds else ["-n", str(requests)]
    cmd = ["h2load", *count, "-c", str(clients), "-m",
           str(streams), "-t", "1", "-d", body_file,
           "-H", "content-type: application/grpc", "-H", "te: trailers"]
    for h in headers:
        cmd += ["-H", h]
    if log:
        cmd.append(f"--log-file={log}")
    return cmd + [url]


def h2load_rps(stdout):
    """Requests/s from h2load's output; raises RuntimeError when any request
    failed or errored. (gRPC errors also come with HTTP 200: check one call
    with grpc_call first.)"""
    rps, ok = None, False
    for line in stdout.splitlines():
        if line.startswith("finished in"):
            rps = float(line.split(",")[1].split()[0])
        if line.startswith("requests:"):
            ok = " 0 failed" in line and " 0 errored" in line
        if line.startswith("status codes:") and " 0 2xx" in line:
            ok = False
    if rps is None or not ok:
        raise RuntimeError(f"h2load failed:\n{stdout}")
    return rps


def h2load_latencies(log):
    """The per-request latencies (ms, sorted) of an h2load --log-file."""
    lat = []
    with open(log) as f:
        for row in f:
            cols = row.split("\t")
            if cols[1] != "200":
                raise RuntimeError(f"status {cols[1]} in {log}")
            lat.append(int(cols[2]) / 1000)
    lat.sort()
    return lat


def quantile(sorted_values, q):
    """The q-quantile (0..1) of an already sorted, non-empty list."""
    return sorted_values[min(len(sorted_values) - 1,
                             int(len(sorted_values) * q))]


def h2load(address, path, body_file, requests, clients, streams, log,
           seconds=None):
    """Runs h2load over plain HTTP/2 (see h2load_cmd); returns requests/s
    and p50, p99 and mean latency (ms)."""
    out = subprocess.run(
        h2load_cmd(f"http://{address}{path}", body_file, requests, clients,
                   streams, log=log, seconds=seconds),
        capture_output=True, text=True, check=True)
    rps = h2load_rps(out.stdout)
    lat = h2load_latencies(log)
    return {"rps": rps, "p50_ms": quantile(lat, 0.5),
            "p99_ms": quantile(lat, 0.99), "mean_ms": statistics.mean(lat)}


def grpc_call(channel, path, body_file, metadata=(), timeout=10):
    """Sends body_file (one framed message, as h2load does) as a unary call
    on a grpc channel; returns the response bytes. Raises grpc.RpcError when
    the call fails, so that h2load's HTTP 200s can be trusted."""
    call = channel.unary_unary(path)
    with open(body_file, "rb") as f:
        return call(f.read()[5:], metadata=list(metadata), timeout=timeout)


def time_http(port, path, headers, n=10):
    """GETs path n times, one at a time: (p50 ms, max ms, body bytes)."""
    times, size = [], 0
    for _ in range(n):
        t = time.perf_counter()
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers=headers)
        with urllib.request.urlopen(req, timeout=60) as resp:
            size = len(resp.read())
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2], times[-1], size


def memory_kib(pid):
    """VmHWM (peak) and VmRSS (now) of a process, in KiB, from
    /proc/PID/status."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values["VmHWM"], values["VmRSS"]
