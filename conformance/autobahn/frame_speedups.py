# -*- coding: utf-8 -*-
"""AutobahnPython's sendFrame with the frame's bytes built in Java.

For every frame the fuzzer sends, autobahn.websocket.WebSocketProtocol.sendFrame packs the header
with struct, draws a masking key with random.getrandbits and struct.pack, makes a masker object,
masks the payload and joins five strings, all in interpreted Python. The fragmented cases of
sections 12 and 13 send a message as up to 512 frames of 256 bytes, 1000 messages a case, so that
per-frame work is a large part of those cases.

This module keeps sendFrame's own logic -- traffic statistics, the frame log hooks (logTxFrame,
which the fuzzer's statistics and wire log use), sendData with sync and chopsize -- and only hands
the byte work to dev.duplex.conformance.jython.FrameBytes: the same header, a random key (from
Java's random source instead of Python's), the same masked payload. Frames with a caller-given mask
or a repeated payload (payload_len), which the fuzzer uses to send deliberately odd frames, and
payloads that are not byte strings take the original method unchanged.
"""

from autobahn.websocket import FrameHeader, WebSocketProtocol

from dev.duplex.conformance.jython import FrameBytes

_original_send_frame = WebSocketProtocol.sendFrame


def _send_frame(self, opcode, payload="", fin=True, rsv=0, mask=None, payload_len=None, chopsize=None,
                sync=False):
    if mask is not None or payload_len is not None or type(payload) is not str or self.websocket_version == 0:
        return _original_send_frame(self, opcode, payload, fin, rsv, mask, payload_len, chopsize, sync)
    if (not self.factory.isServer and self.maskClientFrames) or (self.factory.isServer and self.maskServerFrames):
        mask = FrameBytes.randomMask()
    raw = FrameBytes.frame(opcode, payload, bool(fin), rsv, mask, bool(self.applyMask))

    if opcode in [0, 1, 2]:
        self.trafficStats.outgoingWebSocketFrames += 1

    if self.logFrames:
        frameHeader = FrameHeader(opcode, fin, rsv, len(payload), mask)
        self.logTxFrame(frameHeader, payload, payload_len, chopsize, sync)

    self.sendData(raw, sync, chopsize)


def install():
    """Idempotent."""
    WebSocketProtocol.sendFrame = _send_frame


install()
