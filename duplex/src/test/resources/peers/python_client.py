#!/usr/bin/env python3
"""Interop peer: Python `websockets` (Debian python3-websockets) as a client of a Duplex server.

usage: python_client.py BASE_URL CAFILE|- deflate|plain

Runs one scenario against BASE_URL (ws://host:port or wss://host:port) and prints one line per check;
exits non-zero on the first failure. The server must offer /echo (echo in kind) and /close (closes
with 4002 "server bye" on the first message).
"""
import asyncio
import hashlib
import random
import ssl
import sys

import websockets

SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1 << 20]
BIG = 16 << 20


def text_of(n):
    # ASCII plus two-byte characters, cut to n code points
    unit = "duplex é ü ß — "
    return (unit * (n // len(unit) + 1))[:n]


def bytes_of(n, seed):
    return random.Random(seed).randbytes(n)


async def main(base, cafile, mode):
    ctx = None
    if base.startswith("wss:"):
        ctx = ssl.create_default_context(cafile=cafile)
    compression = "deflate" if mode == "deflate" else None
    kw = dict(ssl=ctx, compression=compression, max_size=None, open_timeout=120, close_timeout=120,
              ping_interval=None)

    async with websockets.connect(base + "/echo", **kw) as ws:
        ext = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        print("extensions:", ext or "-")
        if mode == "deflate" and "permessage-deflate" not in ext:
            raise SystemExit("deflate requested but not negotiated")
        if mode != "deflate" and ext:
            raise SystemExit("unexpected extensions: " + ext)
        for n in SIZES:
            t = text_of(n)
            await ws.send(t)
            got = await ws.recv()
            assert got == t, f"text echo mismatch at {n}"
            b = bytes_of(n, n)
            await ws.send(b)
            got = await ws.recv()
            assert isinstance(got, bytes) and got == b, f"binary echo mismatch at {n}"
            print("echo ok", n)
        big = bytes_of(BIG, 16)
        await ws.send(big)
        got = await ws.recv()
        assert hashlib.sha256(got).digest() == hashlib.sha256(big).digest(), "16 MiB echo mismatch"
        print("echo ok", BIG)
        # fragmented input (RFC 6455 5.4): the server reassembles before echoing
        await ws.send(["frag", "mented ", "wörld"])
        assert await ws.recv() == "fragmented wörld", "fragmented text"
        await ws.send([b"\x00\x01", b"", b"\x02" * 70000])
        assert await ws.recv() == b"\x00\x01" + b"\x02" * 70000, "fragmented binary"
        print("fragments ok")
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 60)
        print("ping ok")
        await ws.close(code=4001, reason="bye")
        # RFC 6455 5.5.1: the echo carries the code; the reason need not be echoed
        assert ws.close_code == 4001, f"close echo {ws.close_code} {ws.close_reason!r}"
        print("client close ok")

    async with websockets.connect(base + "/close", **kw) as ws:
        await ws.send("close me")
        try:
            await asyncio.wait_for(ws.recv(), 60)
            raise SystemExit("expected the server to close")
        except websockets.ConnectionClosed as e:
            code = e.rcvd.code if e.rcvd else None
            reason = e.rcvd.reason if e.rcvd else None
            assert code == 4002 and reason == "server bye", f"server close {code} {reason!r}"
        print("server close ok")
    print("ALL OK")


if __name__ == "__main__":
    base, cafile, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    asyncio.run(main(base, None if cafile == "-" else cafile, mode))
