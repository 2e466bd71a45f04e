#!/usr/bin/env python3
"""Interop peer: a Python `websockets` echo server for Duplex's client transport.

usage: python_server.py CERTFILE|- KEYFILE|- deflate|deflate-default|plain
Prints the bound port on the first line of stdout. Paths: /echo echoes in kind; /close closes
with 4002 "server bye" on the first message. Runs until killed.
"""
import asyncio
import ssl
import sys

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory


async def handler(ws, path):
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
