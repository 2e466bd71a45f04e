package dev.duplex.internal;

import dev.duplex.protocol.Connection;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;

/**
 * The protocol core's hooks for Duplex's own transport, kept off the exported API: what only an I/O
 * layer that owns the bytes and hands events to other threads may do with a {@link Connection}.
 * This package is not exported, so an application driving the sans-I/O core by hand never sees them.
 *
 * <p>{@code Connection} installs the one implementation when its class is initialized (the JDK's
 * {@code SharedSecrets} pattern); callers keep {@link #get()} in a {@code static final} field, so a
 * hook costs what a direct call does once compiled.
 */
public interface ProtocolAccess {

    /**
     * As {@link Connection#sendBinary}, but a server hands a large unmasked, uncompressed payload to
     * the output as it is (a header buffer, then a read-only view of {@code data}). The caller
     * guarantees the bytes do not change until {@link Connection#pollOutbound()} has returned them and
     * they were written, as for an immutable received message being echoed.
     */
    void sendBinaryWithoutCopy(Connection c, ByteBuffer data);

    /**
     * As {@link Connection#sendPart}, but a server hands a large part to the output as it is (a lent
     * part echoed gets a window of its own on the pool's source): the caller guarantees the bytes do
     * not change until they were written.
     */
    void sendPartWithoutCopy(Connection c, boolean text, ByteBuffer data, boolean last);

    /**
     * Makes a violation or the peer's close always wait for the next {@link Connection#pollEvent()},
     * even when no event precedes it in the same input: for an I/O layer whose application still
     * handles events from earlier reads on another thread.
     */
    void holdCloseUntilPolled(Connection c);

    /**
     * Whether the next {@link Connection#pollEvent()} would take a held violation or close: every
     * event before it has been polled, so the layer can wait until they were handled before polling
     * again, and replies to them still go out first.
     */
    boolean closeHeld(Connection c);

    /** The implementation {@code Connection} installed. */
    static ProtocolAccess get() {
        ProtocolAccess a = Holder.access;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Connection.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            a = Holder.access;
        }
        return a;
    }

    /** Called once, by {@code Connection}'s static initializer. */
    static void install(ProtocolAccess access) {
        if (Holder.access != null) {
            throw new IllegalStateException("already installed");
        }
        Holder.access = access;
    }

    /** Where the implementation is kept (an interface has no mutable fields of its own). */
    final class Holder {
        private static volatile ProtocolAccess access;

        private Holder() {}
    }
}
