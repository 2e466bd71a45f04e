#!/usr/bin/env python3
"""Interop peer for the shipped defaults: Python `websockets` streaming big messages in fragments.

usage: fragments.py client URL   sends 4 MiB text and 4 MiB binary in 1 KiB fragments to an echo
                                 server and checks what comes back
       fragments.py server       listens on a free port (prints "PORT n"); to each client it sends
                                 4 MiB binary in 1 KiB fragments, then waits for the client to close

Contents are pattern(n, seed)[i] = (i * seed + (i >> 10)) & 0xff, so the other side can check them.
websockets sends an iterable passed to send() as one message, one frame per item.
"""
import asyncio
import sys

import websockets

FRAGMENT = 1024
MIB = 1 << 20


def pattern(n, seed):
    return bytes(((i * seed + (i >> 10)) & 0xFF) for i in range(n))


def text_of(n):
    unit = "fragments é ü ß — "
    data = (unit * (n // len(unit) + 1)).encode("utf-8")[:n]
    return data.decode("utf-8", errors="ignore")


def pieces(data):
    return [data[i:i + FRAGMENT] for i in range(0, len(data), FRAGMENT)]


def text_pieces(text):
    # Fragments of a text message must each be a str: cut at character boundaries near 1 KiB.
    out, cur, size = [], [], 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        if size + n > FRAGMENT:
            out.append("".join(cur))
            cur, size = [], 0
        cur.append(ch)
        size += n
    if cur:
        out.append("".join(cur))
    return out


async def client(url):
    async with websockets.connect(url, compression=None, max_size=None, ping_interval=None) as ws:
        text = text_of(4 * MIB)
        parts = text_pieces(text)
        await ws.send(parts)
        got = await ws.recv()
        if got != text:
            raise SystemExit("FAIL 4 MiB text in 1 KiB fragments: echo differs")
        print(f"text ok {len(text.encode('utf-8'))} bytes in {len(parts)} fragments", flush=True)
        data = pattern(4 * MIB, 7)
        await ws.send(pieces(data))
        got = await ws.recv()
        if got != data:
            raise SystemExit("FAIL 4 MiB binary in 1 KiB fragments: echo differs")
        print(f"binary ok {len(data)} bytes in {len(data) // FRAGMENT} fragments", flush=True)
        await ws.close(1000, "done")
    print("ALL OK", flush=True)


async def server():
    done = asyncio.get_running_loop().create_future()

    async def handler(ws, path=None):
        await ws.send(pieces(pattern(4 * MIB, 7)))
        try:
            await ws.wait_closed()
        finally:
            print(f"closed {ws.close_code}", flush=True)
            if not done.done():
                done.set_result(None)

    async with websockets.serve(handler, "127.0.0.1", 0, compression=None, max_size=None,
                                ping_interval=None) as s:
        port = next(iter(s.sockets)).getsockname()[1]
        print(f"PORT {port}", flush=True)
        await done


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "client":
        asyncio.run(client(sys.argv[2]))
    elif mode == "server":
        asyncio.run(server())
    else:
        raise SystemExit("usage: fragments.py client URL | server")
