package dev.duplex.transport;

import java.util.concurrent.TimeoutException;

/**
 * The keep-alive timers of one open connection: it closes the connection (1001) after an idle
 * timeout without a byte read, and pings it after a quiet ping interval, failing it (1006) when
 * nothing at all is read within the pong timeout. Made only when one of the two is configured (a
 * server's defaults have neither, so its idle sockets carry no timer state). Loop thread only.
 */
final class KeepAlive {

    private final EventLoop loop;
    private final SocketConnection connection;
    private final long idleNanos;
    private final long pingNanos;
    private final long pongNanos;
    private Timer timer;
    private long lastRead;
    private boolean readSincePing;
    private long pingSentAt = -1;

    private KeepAlive(EventLoop loop, SocketConnection connection, long idleNanos, long pingNanos, long pongNanos) {
        this.loop = loop;
        this.connection = connection;
        this.idleNanos = idleNanos;
        this.pingNanos = pingNanos;
        this.pongNanos = pongNanos;
        this.lastRead = loop.clock().nanoTime();
    }

    /** The timers {@code config} asks for, started; null when it asks for none. */
    static KeepAlive start(EventLoop loop, SocketConnection connection, ConnectionConfig config) {
        long idle = config.nanos(config.idleTimeout());
        long ping = config.nanos(config.pingInterval());
        if (idle <= 0 && ping <= 0) {
            return null;
        }
        KeepAlive k = new KeepAlive(loop, connection, idle, ping, config.nanos(config.pongTimeout()));
        k.schedule();
        return k;
    }

    /** Bytes arrived: the connection is alive. */
    void onRead() {
        lastRead = loop.clock().nanoTime();
        readSincePing = true;
    }

    void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void schedule() {
        long now = loop.clock().nanoTime();
        long next = Long.MAX_VALUE;
        if (idleNanos > 0) {
            next = Math.min(next, lastRead + idleNanos - now);
        }
        if (pingNanos > 0) {
            next = Math.min(next, pingSentAt >= 0 ? pingSentAt + pongNanos - now : lastRead + pingNanos - now);
        }
        timer = loop.schedule(this::onTimer, Math.max(0, next));
    }

    private void onTimer() {
        timer = null;
        if (!connection.isOpenForKeepAlive()) {
            return;
        }
        long now = loop.clock().nanoTime();
        if (idleNanos > 0 && now - lastRead >= idleNanos) {
            connection.closeIdle();
            return;
        }
        if (pingNanos > 0) {
            if (pingSentAt >= 0) {
                if (readSincePing) {
                    pingSentAt = -1;
                } else if (now - pingSentAt >= pongNanos) {
                    connection.failOpen(new TimeoutException("no pong within the deadline"));
                    return;
                }
            }
            if (pingSentAt < 0 && now - lastRead >= pingNanos) {
                pingSentAt = now;
                readSincePing = false;
                connection.sendKeepAlivePing();
            }
        }
        schedule();
    }
}
