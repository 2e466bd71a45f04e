package dev.duplex;

import java.io.IOException;
import java.nio.ByteBuffer;

/** The production {@link ClientConnector}: the NIO transport. */
final class TransportConnector implements ClientConnector {

    static final TransportConnector INSTANCE = new TransportConnector();

    @Override
    public Link prepare(Request request, Events events) {
        return new Link() {
            @Override
            public void start() {
                events.closed(1006, "", false, true, new IOException("transport not available yet"));
            }

            @Override
            public boolean sendText(String text, long size) {
                return false;
            }

            @Override
            public boolean sendBinary(ByteBuffer data, long size) {
                return false;
            }

            @Override
            public void close(int code, String reason) {
            }

            @Override
            public void fail(Throwable cause) {
            }
        };
    }
}
