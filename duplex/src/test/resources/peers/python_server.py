#!/usr/bin/env python3
"""Interop peer: a Python `websockets` server for Duplex's clients (transport, WebSocket, WebSocketStream).

usage: python_server.py CERTFILE|- KEYFILE|- deflate|deflate-default|plain [TOTAL SIZE]
Prints the bound port on the first line of stdout. Paths:
/echo echoes in kind;
/close closes with 4002 "server bye" on the first message;
/flood sends TOTAL bytes in binary messages of SIZE bytes (each starting with its 4-byte index), each
send awaiting the transport's drain as websockets does, and prints "SENT <ms> <bytes>" every 10 ms:
how far the server got handing bytes to its socket.
Runs until killed.
"""
import asyncio
import ssl
import sys
import time

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory


FLOOD = [int(a) for a in sys.argv[4:6]]


async def flood(ws, total, size):
    sent = 0
    start = time.monotonic()
    done = asyncio.Event()

    async def report():
        while not done.is_set():
            print("SENT", int((time.monotonic() - start) * 1000), sent, flush=True)
            await asyncio.sleep(0.01)

    reporter = asyncio.create_task(report())
    try:
        for i in range(total // size):
            await ws.send(i.to_bytes(4, "big") + bytes(size - 4))
            sent += size
        print("SENT", int((time.monotonic() - start) * 1000), sent, flush=True)
        await ws.wait_closed()
    finally:
        done.set()
        await reporter


async def handler(ws, path):
    if path == "/flood":
        await flood(ws, *FLOOD)
        return
    if path == "/close":
        await ws.recv()
        await ws.close(code=4002, reason="server bye")
        return
    async for message in ws:
        await ws.send(message)


async def main(cert, key, mode):
    ctx = None
    if cert != "-":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
    extensions = None
    if mode == "deflate":
        # websockets' own default also answers client_max_window_bits=12, which java.util.zip cannot
        # compress with; "deflate" keeps the 12-bit server window (Duplex inflates any window) and
        # lets the client keep 15 bits. "deflate-default" is the library default, unchanged.
        extensions = [ServerPerMessageDeflateFactory(server_max_window_bits=12, compress_settings={"memLevel": 5})]
    server = await websockets.serve(handler, "127.0.0.1", 0, ssl=ctx,
                                    compression="deflate" if mode == "deflate-default" else None,
                                    extensions=extensions,
                                    max_size=None, ping_interval=None, close_timeout=60)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
