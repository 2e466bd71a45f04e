#!/usr/bin/env python3
"""Interop peer: a Python `websockets` (Debian python3-websockets) server for Duplex's client tests.

usage: python_server.py deflate|plain [CERT KEY]

Prints "PORT <n>" once listening on 127.0.0.1 (with TLS when CERT and KEY are given). Paths:
/echo echoes every message in kind; /close closes with 4001 "py bye" on the first message.
Exits when stdin closes.
"""
import asyncio
import ssl
import sys

import websockets


async def handler(ws, path):
    if path == "/close":
        await ws.recv()
        await ws.close(4001, "py bye")
        return
    async for message in ws:
        await ws.send(message)


async def main():
    compression = "deflate" if sys.argv[1] == "deflate" else None
    ctx = None
    if len(sys.argv) > 3:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    async with websockets.serve(handler, "127.0.0.1", 0, compression=compression, ssl=ctx,
                                max_size=None, ping_interval=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print("PORT", port, flush=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


asyncio.run(main())
