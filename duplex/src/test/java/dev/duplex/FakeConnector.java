package dev.duplex;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link ClientConnector} with no network: the test plays the transport, calling the link's
 * {@link ClientConnector.Events} by hand, and reads the commands the socket gave it.
 */
final class FakeConnector implements ClientConnector {

    final BlockingQueue<FakeLink> links = new LinkedBlockingQueue<>();

    /** A socket connected through a fresh fake; returns its link. */
    static FakeLink connect(WebSocket[] out, String url, WebSocketOptions options) {
        FakeConnector c = new FakeConnector();
        out[0] = new WebSocket(url, options, c);
        return c.links.poll();
    }

    @Override
    public Link prepare(Request request, Events events) {
        FakeLink link = new FakeLink(request, events);
        links.add(link);
        return link;
    }

    static final class FakeLink implements Link {
        final Request request;
        final Events events;
        final List<String> commands = new ArrayList<>();
        volatile boolean started;
        /** Whether fail() reports closed at once, as the transport eventually does. */
        volatile boolean reportOnFail = true;
        private boolean closing;
        private boolean closedReported;

        FakeLink(Request request, Events events) {
            this.request = request;
            this.events = events;
        }

        @Override
        public void start() {
            started = true;
        }

        private long outstanding;

        @Override
        public synchronized boolean sendText(String text, long size) {
            if (closing) {
                return false;
            }
            commands.add("text:" + text);
            outstanding += size;
            return true;
        }

        @Override
        public synchronized long outstanding() {
            return outstanding;
        }

        /** The transport handed {@code n} bytes to the network. */
        synchronized void written(long n) {
            outstanding -= n;
        }

        @Override
        public synchronized boolean sendBinary(ByteBuffer data, long size) {
            if (closing) {
                return false;
            }
            byte[] b = new byte[data.remaining()];
            data.duplicate().get(b);
            commands.add("binary:" + new String(b, StandardCharsets.ISO_8859_1));
            outstanding += size;
            return true;
        }

        @Override
        public synchronized void close(int code, String reason) {
            closing = true;
            commands.add("close:" + code + ":" + reason);
        }

        @Override
        public void fail(Throwable cause) {
            synchronized (this) {
                closing = true;
                commands.add("fail:" + cause.getMessage());
            }
            if (reportOnFail) {
                serverGone(1006, true, cause);
            }
        }

        synchronized List<String> commands() {
            return List.copyOf(commands);
        }

        // --- the test playing the transport

        void open() {
            events.opened("", "");
        }

        void open(String protocol, String extensions) {
            events.opened(protocol, extensions);
        }

        /** The server echoed our close (or closed first and we echoed): a clean close. */
        void closedCleanly(int code, String reason) {
            events.closing(code, reason);
            report(code, reason, true, false, null);
        }

        void serverGone(int code, boolean failed, Throwable cause) {
            report(code, "", false, failed, cause);
        }

        private synchronized void report(int code, String reason, boolean clean, boolean failed, Throwable cause) {
            if (closedReported) {
                return;
            }
            closedReported = true;
            closing = true;
            events.closed(code, reason, clean, failed, cause);
        }
    }
}
