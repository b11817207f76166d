#!/usr/bin/env python3
"""W1 and W3 over ws and over wss, side by side in one run (issue 20's TLS figures).

The Swift benches' clients are plain blocking sockets, which cannot speak TLS without
BoringSSL itself; this one client speaks both (Python's ssl), so the difference between its
two columns is what TLS costs, its own overhead being the same in both. Its absolute figures
are higher than `livesolve bench`'s: compare the columns, not with the README's rows.

    python3 Benchmarks/tls.py [--binary .build/release/livesolve] [--steps 500] [--subscribers 1000] [--seconds 10]

Makes a certificate with openssl, starts `livesolve serve` twice (plain, then with
--tls-certificate/--tls-key) and prints one JSON line per workload and scheme.
"""
import argparse
import base64
import gzip
import json
import os
import pathlib
import selectors
import socket
import ssl
import statistics
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


class Connection:
    """One WebSocket on a blocking socket (TLS-wrapped for wss); pings are answered."""

    def __init__(self, port, context=None):
        raw = socket.create_connection(("127.0.0.1", port), timeout=120)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = context.wrap_socket(raw, server_hostname="localhost") if context else raw
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("closed during the upgrade")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        self.queue = []
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"not upgraded: {head[:40]!r}")

    def send(self, text, opcode=1):
        payload = text.encode() if isinstance(text, str) else text
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x80 | opcode])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def frames(self):
        """The complete text messages in the buffer, answering pings on the way."""
        out = []
        while len(self.buffer) >= 2:
            b0, b1 = self.buffer[0], self.buffer[1]
            n, offset = b1 & 0x7F, 2
            if n == 126:
                if len(self.buffer) < 4:
                    break
                n, offset = int.from_bytes(self.buffer[2:4], "big"), 4
            elif n == 127:
                if len(self.buffer) < 10:
                    break
                n, offset = int.from_bytes(self.buffer[2:10], "big"), 10
            if len(self.buffer) < offset + n:
                break
            payload, self.buffer = self.buffer[offset:offset + n], self.buffer[offset + n:]
            opcode = b0 & 0x0F
            if opcode == 9:
                self.send(payload, opcode=10)
            elif opcode == 1:
                out.append(payload)
        return out

    def receive(self):
        """Blocks for the next text message."""
        while True:
            self.queue += self.frames()
            if self.queue:
                return json.loads(self.queue.pop(0))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed the connection")
            self.buffer += chunk


def start_server(binary, extra):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([binary, "serve", "--log-level", "warning", "--http-port", str(port), "--workers-count", "2",
                                "--storage-durability", "off", "--limits-connections-per-address", "1000000"] + extra,
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not start")


def read_stream(name):
    with gzip.open(ROOT / "Benchmarks" / "streams" / f"{name}.jsonl.gz", "rt") as f:
        header = json.loads(f.readline())
        steps = [json.loads(line) for line in f]
    with gzip.open(ROOT / "Benchmarks" / "data" / header["source"], "rt") as f:
        text = f.read()
    updates = [{k: v for k, v in step.items() if k not in ("step", "expect")} for step in steps]
    return text, updates, [step["expect"] for step in steps]


def create(connection, text):
    connection.send(json.dumps({"op": "create", "id": "c", "format": "mps", "text": text}))
    while True:
        reply = connection.receive()
        if reply.get("id") == "c":
            return reply["model"]


def w1(port, context, text, updates, expects, steps):
    """Closed loop: each update, then the solution with its seq; latency from send to receipt."""
    c = Connection(port, context)
    model = create(c, text)
    c.send(json.dumps({"op": "subscribe", "model": model}))
    latencies, wrong = [], 0
    while c.receive().get("type") != "solution":
        pass
    for i in range(steps):
        start = time.perf_counter()
        c.send(json.dumps({"op": "update", "model": model, **updates[i % len(updates)]}))
        while True:
            reply = c.receive()
            if reply.get("type") == "solution" and reply.get("seq", 0) >= i + 1:
                break
        latencies.append((time.perf_counter() - start) * 1e6)
        if i < len(expects) and abs(reply["objective"] - expects[i]) > 1e-6 * max(1, abs(expects[i])):
            wrong += 1
    latencies.sort()
    return {"p50_us": round(statistics.median(latencies), 1), "p99_us": round(latencies[int(len(latencies) * 0.99)], 1), "wrong": wrong}


def w3(port, context, text, updates, subscribers, rate, seconds):
    """N subscribers; updates at `rate`: each update's time to its last subscriber."""
    feeder = Connection(port, context)
    model = create(feeder, text)
    selector = selectors.DefaultSelector()
    pool = []
    for _ in range(subscribers):
        c = Connection(port, context)
        c.send(json.dumps({"op": "subscribe", "model": model}))
        while c.receive().get("type") != "solution":
            pass
        c.sock.setblocking(False)
        c.newest = 0
        selector.register(c.sock, selectors.EVENT_READ, c)
        pool.append(c)
    sent, reached, total = {}, {}, rate * seconds
    begin = time.perf_counter()
    next_send = 1
    deadline = begin + seconds + 60
    while time.perf_counter() < deadline:
        now = time.perf_counter()
        while next_send <= total and now >= begin + (next_send - 1) / rate:
            sent[next_send] = time.perf_counter()
            feeder.send(json.dumps({"op": "update", "model": model, **updates[(next_send - 1) % len(updates)]}))
            next_send += 1
        for key, _ in selector.select(timeout=0.001):
            c = key.data
            try:
                chunk = c.sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError):
                continue
            c.buffer += chunk
            arrived = time.perf_counter()
            for payload in c.frames():
                message = json.loads(payload)
                seq = message.get("seq", 0)
                if message.get("type") == "solution" and seq > c.newest:
                    for s in range(c.newest + 1, seq + 1):
                        reached[s] = reached.get(s, 0) + 1
                        if reached[s] == subscribers:
                            reached[s] = arrived
                    c.newest = seq
        if next_send > total and all(c.newest >= total for c in pool):
            break
    latencies = sorted((reached[s] - sent[s]) * 1e3 for s in sent if isinstance(reached.get(s), float))
    return {"updates": total, "reached_all": len(latencies), "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "livesolve"))
    parser.add_argument("--stream", default="adlittle")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    text, updates, expects = read_stream(args.stream)
    folder = tempfile.mkdtemp(prefix="livesolve-tls-bench-")
    certificate, key = f"{folder}/cert.pem", f"{folder}/key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.create_default_context(cafile=certificate)
    failed = False
    for scheme, extra, ctx in [("ws", [], None), ("wss", ["--tls-certificate", certificate, "--tls-key", key], context)]:
        process, port = start_server(args.binary, extra)
        try:
            one = w1(port, ctx, text, updates, expects, args.steps)
            print(json.dumps({"bench": f"W1 {args.stream} over {scheme}", "steps": args.steps, **one}), flush=True)
            three = w3(port, ctx, text, updates, args.subscribers, args.rate, args.seconds)
            print(json.dumps({"bench": f"W3 {args.subscribers} subscribers over {scheme}", **three}), flush=True)
            failed |= one["wrong"] > 0 or three["reached_all"] < three["updates"]
        finally:
            process.terminate()
            process.wait(timeout=15)
    raise SystemExit(4 if failed else 0)


if __name__ == "__main__":
    main()
