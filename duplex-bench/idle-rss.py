#!/usr/bin/env python3
"""Idle connections with the shipped defaults: RSS growth per upgraded, silent connection.

Usage: idle-rss.py PORT PID N [WARMUP]
Opens N WebSocket connections to 127.0.0.1:PORT one after the other (each upgraded: the 101 is
checked), waits SETTLE seconds (3 unless set in the environment), and prints the server's VmRSS growth per connection. With WARMUP > 0, WARMUP
connections are first opened and held the same way (the cold figure: a fresh process, its one-off
costs included, such as the JIT compiling the accept and upgrade paths), then closed; the N after
them give the marginal figure, what one more idle connection costs.
Prints one line: RESULT <marginal B/conn> <cold B/conn> (cold is 0 without a warm-up).
"""
import os
import socket
import sys
import time

SETTLE = float(os.environ.get("SETTLE", "3"))  # seconds between the last connection and the sample
REQUEST = (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for " + pid)


def open_upgraded(port, n):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(REQUEST)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                raise RuntimeError("closed before the 101")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError("not upgraded: " + head[:60].decode("latin-1"))
        socks.append(s)
    return socks


def main():
    port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    cold = 0
    if warmup:
        fresh = rss_kib(pid)
        socks = open_upgraded(port, warmup)
        time.sleep(SETTLE)
        cold = (rss_kib(pid) - fresh) * 1024 / warmup
        for s in socks:
            s.close()
        time.sleep(SETTLE)
    before = rss_kib(pid)
    socks = open_upgraded(port, n)
    time.sleep(SETTLE)
    after = rss_kib(pid)
    for s in socks:
        s.close()
    print(f"RESULT {(after - before) * 1024 / n:.0f} {cold:.0f}")


if __name__ == "__main__":
    main()
