package dev.duplex.protocol;

import dev.duplex.internal.ProtocolAccess;
import java.nio.ByteBuffer;

/** Connects {@link ProtocolAccess}, the transport's view of the core, to {@link Connection}'s package-private hooks. */
final class TransportHooks implements ProtocolAccess {

    @Override
    public void sendBinaryWithoutCopy(Connection c, ByteBuffer data) {
        c.sendBinaryWithoutCopy(data);
    }

    @Override
    public void sendPartWithoutCopy(Connection c, boolean text, ByteBuffer data, boolean last) {
        c.sendPartWithoutCopy(text, data, last);
    }

    @Override
    public void holdCloseUntilPolled(Connection c) {
        c.holdCloseUntilPolled();
    }

    @Override
    public boolean closeHeld(Connection c) {
        return c.closeHeld();
    }
}
