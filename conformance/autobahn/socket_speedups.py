# -*- coding: utf-8 -*-
"""Takes the per-call debug formatting out of Jython's socket send and recv.

Jython 2.7.2's `_socket` builds a debug message for every send and recv with
"<<<{!r:.20}>>>".format(data): the whole payload is repr()-escaped and only then cut to 20
characters, whether or not debug logging is on. For the big-message cases of sections 9, 12 and
13 (up to 128 KiB a message, 1000 messages a case) that escaping is more than half of the fuzzer's
time (JFR on the Jython JVM: 49 % in PyString.encode_UnicodeEscape under _socket send/recv).

This module replaces send/sendall and recv of the stream socket class with versions that do the
same socket work without building those strings, read received bytes into a str without a
per-byte Python loop, return everything already received (up to the size asked for) in one recv,
and let a send queue a whole big message at once. Each of those saves turns of Twisted's select
reactor, whose select() emulation on Jython is the fuzzer's largest remaining cost. Datagram
sockets keep the original methods. Import it before the fuzzer opens any socket.
"""

import errno
import time

import jarray

import _socket
from java.lang import System
from org.python.core import Py
from org.python.core.util import StringUtil

try:
    from org.python.netty.buffer import Unpooled  # the shaded Netty inside jython-standalone
except ImportError:
    from io.netty.buffer import Unpooled

_real = _socket._realsocket
_WRITE_HIGH_WATER = 4 << 20
_READ_SIZE = 1 << 20
_original_send = _real.send
_original_recv = _real.recv


def _stream_send(self, data, flags=0):
    """Queues as much of data as the channel takes before it turns unwritable; returns the count."""
    self._verify_channel()
    if self.socket_type == _socket.DATAGRAM_SOCKET:
        return _original_send(self, data, flags)
    if isinstance(data, memoryview):
        data = data.tobytes()
    data = str(data)
    if not self._can_write:
        raise _socket.error(errno.ENOTCONN, "Socket not connected")
    n = len(data)
    config = self.channel.config()
    if config.getWriteBufferHighWaterMark() < _WRITE_HIGH_WATER:
        # Netty's default (64 KiB) makes the reactor hand over a 128 KiB message in many turns
        config.setWriteBufferHighWaterMark(_WRITE_HIGH_WATER)
    writable = self.channel.bytesBeforeUnwritable()
    if writable < n:
        data = data[:writable]
        n = writable
    future = self.channel.writeAndFlush(Unpooled.wrappedBuffer(StringUtil.toBytes(data)))
    self._handle_channel_future(future, "send")
    return n


def _take_incoming(self, reason):
    """The next inbound buffer (or the peer-closed marker), honouring the socket's timeout."""
    if self.incoming_head is None:
        if self.timeout is None:
            if self.peer_closed:
                return None
            self.incoming_head = self.incoming.take()
        elif self.timeout:
            if self.peer_closed:
                return None
            self.incoming_head = self._handle_timeout(self.incoming.poll, reason)
        else:
            self.incoming_head = self.incoming.poll()
            if self.incoming_head is None:
                raise _socket.error(errno.EAGAIN, "Resource temporarily unavailable")
    head = self.incoming_head
    if head is _socket._PEER_CLOSED:
        self.incoming_head = None
        self.peer_closed = True
    return head


def _stream_recv_impl(self, bufsize):
    """Up to bufsize bytes: what is left of the current inbound buffer, then further buffers already
    queued, so a 128 KiB message that Netty read in many pieces costs the reactor one recv, not dozens."""
    self._verify_channel()
    head = _take_incoming(self, "recv")
    if head is None:
        return None
    if head is _socket._PEER_CLOSED:
        return ""
    parts = []
    total = 0
    while True:
        count = min(head.readableBytes(), bufsize - total)
        parts.append(_read_str(head, count))
        total += count
        if head.readableBytes() > 0:
            break  # bufsize reached inside this buffer; the rest stays the head
        head.release()  # back to Netty's pool
        self.incoming_head = None
        following = self.incoming.peek()
        if total >= bufsize or following is None or following is _socket._PEER_CLOSED:
            break
        head = self.incoming.poll()
        self.incoming_head = head
    return parts[0] if len(parts) == 1 else "".join(parts)


def _read_str(buf, count):
    """count bytes read from a Netty ByteBuf, as a Python str (bytes), without a Python loop."""
    raw = jarray.zeros(count, "b")
    buf.readBytes(raw)
    return Py.newString(StringUtil.fromBytes(raw))


_stream_recv_checked = _socket.raises_java_exception(_stream_recv_impl)


def _stream_recv(self, bufsize, flags=0):
    if self.socket_type == _socket.DATAGRAM_SOCKET:
        return _original_recv(self, bufsize, flags)
    self._datagram_connect()
    return _stream_recv_checked(self, bufsize)


_original_select = _socket.select


def _readable(sock):
    """_realsocket._readable() without the debug-log call it makes on every check: the same test."""
    kind = sock.socket_type
    if kind == _socket.CLIENT_SOCKET or kind == _socket.DATAGRAM_SOCKET:
        head = sock.incoming_head
        return bool((head is not None and head.readableBytes()) or sock.incoming.peek())
    if kind == _socket.SERVER_SOCKET:
        return bool(sock.child_queue.peek())
    return False


# Waits this short are answered at once (see _select).
_SHORT_WAIT = 0.0005


def _select(rlist, wlist, xlist, timeout=None):
    """select() that answers at once, without registering with every socket, when one is ready.

    Jython's select() registers itself with each socket, builds frozensets and sorts its result on
    every call, before it looks at readiness; Twisted's reactor calls it once per turn, so that
    setup was the fuzzer's largest cost (over half of its main thread in a profile). Readiness is
    checked the same way here (level-triggered, as the original does first); only when nothing is
    ready does the original wait.

    Nor does it wait when asked to wait no more than _SHORT_WAIT: Twisted asks for such a wait when
    a timed call is due almost at once, as when autobahn paces a chopped write (section 9.5/9.6:
    1 MiB in 64-byte writes) with callLater(0.00001) between the pieces; Jython's wait would cost
    far more than the wait itself. An empty answer sends the reactor back to its timed calls, which
    run once due, as after the wait.
    """
    readable = [s for s in rlist if _readable(s.fileno())]
    writable = [s for s in wlist if s.fileno()._writable()]
    if readable or writable or timeout == 0:
        return readable, writable, []
    if timeout is not None and timeout <= _SHORT_WAIT:
        return [], [], []
    return _original_select(rlist, wlist, xlist, timeout)


_NANOS_AT_START = System.nanoTime()
_TIME_AT_START = time.time()


def _seconds():
    """time.time() to the microsecond: Jython's time.time() moves in whole milliseconds."""
    return _TIME_AT_START + (System.nanoTime() - _NANOS_AT_START) / 1e9


def install():
    """Idempotent."""
    if getattr(_real, "_duplex_speedups", False):
        return
    checked_send = _socket.raises_java_exception(_stream_send)
    _real.send = checked_send
    _real.sendall = checked_send
    _real.recv = _stream_recv
    _real._duplex_speedups = True
    # Twisted asks for 64 KiB per read; with recv coalescing above, ask for more
    from twisted.internet import tcp
    tcp.Connection.bufferSize = _READ_SIZE
    import select
    select.select = _select
    from twisted.internet import selectreactor
    selectreactor._select = _select  # bound at its import
    # Twisted schedules timed calls on reactor.seconds(), time.time() by default. autobahn paces
    # chopped writes (sendData with chopsize, section 9.5/9.6: 1 MiB in 64-byte pieces) with
    # callLater(0.00001) between pieces; on Jython's millisecond clock that 10 us became up to 1 ms,
    # 16 s for the 16384 pieces of 9.5.1. With a clock to the microsecond the pieces go out as
    # autobahn means them to: each in its own write, after its own turn of the reactor.
    from twisted.internet import reactor
    reactor.seconds = _seconds


install()
