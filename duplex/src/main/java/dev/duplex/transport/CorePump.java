package dev.duplex.transport;

import dev.duplex.internal.ProtocolAccess;
import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.LentPart;
import dev.duplex.protocol.PreparedMessage;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.State;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * The pump between a protocol {@link Connection} and its socket: it runs sends on the core (on the
 * loop at once, or taken from the {@link CommandQueue}), moves the core's output into the
 * {@link Wire}'s write queue and out to the socket (partial writes, write interest, the write water
 * marks, the send queue's limit, {@code bufferedAmount}'s credit) and the core's events to the
 * listener (on the loop, or through an {@link EventDispatcher}). The connection built on it,
 * {@link SocketConnection}, has the rest: the phases, the reads, the timers and the teardown.
 *
 * <p>Loop thread only, except what {@link ChannelFace} offers to any thread.
 */
abstract class CorePump extends ChannelFace implements EventLoop.Flushable {

    private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());
    /** The core's transport hooks (not on its exported API). */
    static final ProtocolAccess CORE = ProtocolAccess.get();

    enum Phase { DIALING, TLS, HTTP, OPEN, CLOSED }

    /** Queued bytes past which a batch writes before it ends. */
    private static final int EARLY_WRITE = 256 * 1024;

    final ConnectionConfig config;
    /** Null when listeners run on the loop (a server's default). */
    final EventDispatcher dispatcher;

    // Loop-confined state
    /** The socket's bytes; null while a client is still dialing. */
    Wire wire;
    Phase phase;
    Connection conn;
    ChannelListener listener;
    /** Inside a read batch: sends queue up and leave in one write at its end. */
    boolean inBatch;
    /** Whether a flush of this connection waits for the end of the loop's step (EventLoop.deferFlush). */
    boolean flushDeferred;
    /** Whether this batch delivered parts lent from the read buffer (see SocketConnection.onAppBytes). */
    boolean lentParts;
    private boolean delivering;
    /** The socket closes once what is queued has been written. */
    boolean closeAfterFlush;
    /** The listener has had its {@code Closed} (there is one, exactly). */
    boolean closedDelivered;

    CorePump(EventLoop loop, ConnectionConfig config) {
        super(loop);
        this.config = config;
        this.dispatcher = config.eventExecutor() == null ? null : new EventDispatcher(this, loop, config);
    }

    /** Releases everything, at once; idempotent. */
    abstract void closeSocket();

    /** The socket failed: the connection ends. */
    abstract void onIoFailure(IOException e);

    /** The core expects the peer's close (or TCP's end): the close timer runs, if not yet. */
    abstract void onCloseExpected();

    /** Moves the core's output to the write queue and its events to the listener; arms close timers. */
    final void pump() {
        if (conn == null) {
            return;
        }
        drainOutbound(0);
        if (!delivering) {
            // A handler that closes or sends while being called re-enters here: its events wait for
            // this loop, so handlers are never nested.
            delivering = true;
            try {
                deliverEvents();
            } finally {
                delivering = false;
            }
            // Polling the last event may have failed the connection (a violation held back until
            // the messages before it were delivered): its close frame goes out now.
            drainOutbound(0);
        }
        updateReadyState(conn.state());
        if (phase == Phase.OPEN && conn.closeExpected()) {
            onCloseExpected();
        }
        if (conn.shouldCloseTransport()) {
            closeAfterFlush = true;
        }
    }

    /** The last events (the connection is ending), unless a delivery further up the stack picks them up. */
    final void deliverRemainingEvents() {
        if (!delivering) {
            deliverEvents();
        }
    }

    private void deliverEvents() {
        try {
            ProtocolEvent e;
            while (!(dispatcher != null && CORE.closeHeld(conn) && !dispatcher.idle())
                    && (e = conn.pollEvent()) != null) {
                if (e instanceof ProtocolEvent.Closed c) {
                    if (closedDelivered) {
                        continue;
                    }
                    closedDelivered = true;
                    ConnectionMetrics.closed(config.metrics(), c);
                } else {
                    ConnectionMetrics.received(config.metrics(), e);
                }
                if (e instanceof LentPart p) {
                    if (dispatcher != null) {
                        // the listener runs later, on another thread: the view would be gone by then
                        e = p.keep();
                    } else {
                        lentParts = true;
                    }
                }
                if (dispatcher == null) {
                    callListener(e);
                } else if (dispatcher.add(e) && wire != null) {
                    wire.pauseReading(Wire.PAUSE_EVENTS);
                }
            }
        } finally {
            if (dispatcher != null) {
                dispatcher.handOver(); // what this read brought, to the listener in one task
            }
        }
    }

    static ByteBuffer copyOf(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip().asReadOnlyBuffer();
    }

    final void drainOutbound(long credit) {
        ByteBuffer b;
        ByteBuffer last = null;
        while ((b = conn.pollOutbound()) != null) {
            if (last != null) {
                wire.queue().add(last, 0);
            }
            last = b;
        }
        if (last != null) {
            wire.queue().add(last, credit);
        } else if (credit != 0) {
            addBuffered(-credit);
        }
        if (wire.queuedBytes() > config.maxBufferedBytes() && conn.state() != State.CLOSED) {
            // WHATWG "flag the WebSocket as full": fail rather than buffer without bound.
            ConnectionMetrics.sendQueueFull(config.metrics());
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "send queue over its limit",
                    new IOException("send queue over " + config.maxBufferedBytes() + " bytes"));
            release(wire.clearQueue(loop.bufferPool()));
            closeAfterFlush = true;
        } else {
            if ((inBatch || flushDeferred) && wire.queuedBytes() > EARLY_WRITE) {
                writeOut(); // do not let a burst of sends pile up until the end of the batch
            }
            if (wire.queuedBytes() > config.writeHighWater()) {
                wire.pauseReading(Wire.PAUSE_WRITES);
            }
        }
    }

    final void updateReadyState(State s) {
        if (s.ordinal() > readyState.ordinal()) {
            readyState = s;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    @Override
    public void flushDeferred() {
        flushDeferred = false;
        if (!inBatch) {
            flush();
        }
    }

    /** Writes what the socket takes, sets write interest, and closes once drained if the protocol said so. */
    final void flush() {
        if (!writeOut()) {
            return;
        }
        wire.updateWriteInterest();
        if (closeAfterFlush && !wire.pending()) {
            closeSocket();
            return;
        }
        if (wire.pausedFor(Wire.PAUSE_WRITES) && wire.queuedBytes() <= config.writeLowWater()) {
            wire.resumeReading(Wire.PAUSE_WRITES);
        }
    }

    /** Writes what the socket takes; false when the connection is (now) closed. Never closes on success. */
    final boolean writeOut() {
        if (phase == Phase.CLOSED || wire == null || !wire.writable()) {
            return phase != Phase.CLOSED && wire != null;
        }
        try {
            wrote(wire.write(loop.bufferPool()));
            return true;
        } catch (IOException e) {
            if (inBatch) {
                // fail later, outside the batch, where closing is safe
                release(wire.clearQueue(loop.bufferPool()));
                closeAfterFlush = true;
                if (conn != null) {
                    conn.fail(CloseCode.ABNORMAL_CLOSURE, "", e);
                }
                return true;
            }
            onIoFailure(e);
            return false;
        }
    }

    /** Credit of bytes that left (not dropped): out of bufferedAmount, and told to the listener. */
    final void wrote(long credit) {
        if (credit != 0) {
            addBuffered(-credit);
            ChannelListener l = listener;
            if (l != null) {
                try {
                    l.onWritten(this, credit);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "write notification failed", e);
                }
            }
        }
    }

    /** Credit of bytes dropped unwritten: out of bufferedAmount only. */
    final void release(long credit) {
        if (credit != 0) {
            addBuffered(-credit);
        }
    }

    @Override
    public WebSocketMetrics metrics() {
        return config.metrics();
    }

    // ---------------------------------------------------------------------------------------------
    // Delivering events

    final void deliver(Object event) {
        if (dispatcher == null) {
            callListener(event);
        } else if (dispatcher.dispatch(event) && wire != null) {
            wire.pauseReading(Wire.PAUSE_EVENTS);
        }
    }

    /** EventDispatcher, on the loop: the listener is back at the low water mark. */
    void onListenerCaughtUp() {
        if (wire != null && phase != Phase.CLOSED) {
            wire.resumeReading(Wire.PAUSE_EVENTS);
        }
    }

    /** EventDispatcher, on the loop: every event before a held close has been handled. */
    void onDispatcherIdle() {
        pump();
        flush();
    }

    /** Calls the listener (on the loop, or on the dispatcher's executor). */
    void callListener(Object event) {
        ChannelListener l = listener;
        if (l == null) {
            return;
        }
        try {
            if (event instanceof OpenInfo info) {
                l.onOpen(this, info);
            } else {
                l.onEvent(this, (ProtocolEvent) event);
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "WebSocket listener threw", t);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Sends on the loop (ChannelFace's, once on the loop)

    /**
     * {@code data}, or a copy when it is direct and this is not this connection's own read batch: a
     * part lent by another connection's read (or a caller's direct buffer) may be queued past the read
     * that lent it. Within the own batch, what is still queued at its end is copied then (onAppBytes).
     */
    @Override
    ByteBuffer lendable(ByteBuffer data) {
        if (data.isDirect() && !(loop.inEventLoop() && inBatch && !hasCommands())) {
            return copyOf(data);
        }
        return data;
    }

    @Override
    void runNow(int kind, Object payload, long credit) {
        execute(kind, payload, credit);
        if (!inBatch && !flushDeferred) {
            if (loop.deferFlush(this)) {
                flushDeferred = true; // sent from another connection's handler: see deferFlush
            } else {
                flush();
            }
        }
    }

    @Override
    void runCommands() {
        CommandQueue q = commands;
        if (q == null) {
            return;
        }
        q.beginRun();
        if (conn == null) {
            if (phase == Phase.CLOSED) {
                for (CommandQueue.Command c; (c = q.poll()) != null; ) {
                    release(c.credit());
                }
            }
            return; // opened later: open() reschedules
        }
        boolean any = false;
        for (CommandQueue.Command c; (c = q.poll()) != null; ) {
            execute(c.kind(), c.payload(), c.credit());
            any = true;
        }
        if (any && !inBatch) {
            flush();
        }
    }

    private void execute(int kind, Object payload, long credit) {
        if (conn == null || conn.state() != State.OPEN || phase != Phase.OPEN) {
            release(credit);
            return;
        }
        ConnectionMetrics.sent(config.metrics(), kind);
        switch (kind) {
            case CommandQueue.Command.TEXT -> conn.sendText((String) payload);
            // WsChannel: unchanged until written
            case CommandQueue.Command.BINARY -> CORE.sendBinaryWithoutCopy(conn, (ByteBuffer) payload);
            case CommandQueue.Command.PREPARED -> conn.sendPrepared((PreparedMessage) payload);
            case CommandQueue.Command.PING -> conn.sendPing((ByteBuffer) payload);
            case CommandQueue.Command.PONG -> conn.sendPong((ByteBuffer) payload);
            default -> {
                if ((kind & CommandQueue.Command.PART) == 0) {
                    throw new AssertionError(kind);
                }
                // WsChannel.sendPart: unchanged until written (a lent view is copied at the batch's end)
                CORE.sendPartWithoutCopy(conn, (kind & CommandQueue.Command.TEXT_PART) != 0, (ByteBuffer) payload,
                        (kind & CommandQueue.Command.LAST_PART) != 0);
            }
        }
        drainOutbound(credit);
        updateReadyState(conn.state());
    }
}
