#!/usr/bin/env python3
"""Stream-test peer: a Python `websockets` (Debian python3-websockets) server for WebSocketStream.

usage: stream_python_server.py TOTAL SIZE

Prints "PORT <n>" once listening on 127.0.0.1. Paths:
/echo echoes every message in kind;
/flood sends TOTAL bytes in binary messages of SIZE bytes (each starting with its 4-byte index), each
send awaiting the transport's drain as websockets does, and prints "SENT <ms> <bytes>" every 10 ms:
how far the server got handing bytes to its socket.
Exits when stdin closes.
"""
import asyncio
import sys
import time

import websockets

TOTAL = int(sys.argv[1])
SIZE = int(sys.argv[2])


async def flood(ws):
    sent = 0
    start = time.monotonic()
    done = asyncio.Event()

    async def report():
        while not done.is_set():
            print("SENT", int((time.monotonic() - start) * 1000), sent, flush=True)
            await asyncio.sleep(0.01)

    reporter = asyncio.create_task(report())
    try:
        for i in range(TOTAL // SIZE):
            await ws.send(i.to_bytes(4, "big") + bytes(SIZE - 4))
            sent += SIZE
        print("SENT", int((time.monotonic() - start) * 1000), sent, flush=True)
        await ws.wait_closed()
    finally:
        done.set()
        await reporter


async def handler(ws, path):
    if path == "/flood":
        await flood(ws)
        return
    async for message in ws:
        await ws.send(message)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, compression=None, max_size=None,
                                ping_interval=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print("PORT", port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


asyncio.run(main())
