package dev.duplex.transport;

import java.util.Objects;

/**
 * The client entry point of the transport: a group of event loops that client connections run on.
 * {@link #shared()} is the process-wide instance (daemon threads, one per core, created on first use);
 * tests create their own with a {@link ManualClock}.
 */
public final class Transport implements AutoCloseable {

    private static volatile Transport shared;

    private final EventLoopGroup group;

    private Transport(EventLoopGroup group) {
        this.group = group;
    }

    /** The shared transport: one daemon event loop per core. Never closed. */
    public static Transport shared() {
        Transport t = shared;
        if (t == null) {
            synchronized (Transport.class) {
                t = shared;
                if (t == null) {
                    t = new Transport(new EventLoopGroup("duplex-client", EventLoopGroup.defaultThreads(),
                            Clock.SYSTEM, true));
                    shared = t;
                }
            }
        }
        return t;
    }

    /** A private transport with {@code threads} daemon loops on {@code clock}; close it when done. */
    public static Transport create(int threads, Clock clock) {
        return new Transport(new EventLoopGroup("duplex-client", threads, Objects.requireNonNull(clock), true));
    }

    /**
     * Starts connecting in the background and returns at once with a channel in state CONNECTING.
     * The listener then gets {@code onOpen} and events, or only {@code Closed(1006)} with a
     * {@link ConnectException} cause if the connection could not be established (see the package
     * documentation for the full contract).
     */
    public WsChannel connect(ClientOptions options, ChannelListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        return SocketConnection.connect(group.next(), options, listener);
    }

    EventLoopGroup group() {
        return group;
    }

    /** Stops the loops (aborting their connections). Not for {@link #shared()}. */
    @Override
    public void close() {
        if (this == shared) {
            throw new IllegalStateException("the shared transport is never closed");
        }
        group.close();
    }
}
