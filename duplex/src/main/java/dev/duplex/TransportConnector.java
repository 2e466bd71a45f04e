package dev.duplex;

import dev.duplex.concurrent.SerialExecutor;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.transport.ChannelListener;
import dev.duplex.transport.ClientOptions;
import dev.duplex.transport.OpenInfo;
import dev.duplex.transport.Transport;
import dev.duplex.transport.WsChannel;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * The production {@link ClientConnector}: Duplex's NIO transport ({@link Transport#shared()}), which does
 * TCP, the CONNECT proxy, TLS and the RFC 6455 opening handshake, and pumps protocol events.
 *
 * <p>Events are delivered on the socket's {@link SerialExecutor} (the transport's input backpressure
 * then counts the listener's pace), or directly on the event loop with
 * {@link WebSocketOptions#dispatchOnLoop()}.
 */
final class TransportConnector implements ClientConnector {

    static final TransportConnector INSTANCE = new TransportConnector(null);

    private final Transport transport; // null: the shared one, created on first use

    TransportConnector(Transport transport) {
        this.transport = transport;
    }

    @Override
    public Link prepare(Request request, Events events) {
        return new ChannelLink(request, events);
    }

    /** Executor the transport delivers on; set by the socket before {@link Link#start()}. */
    interface DispatchAware {
        void deliverOn(Executor executor);
    }

    private final class ChannelLink implements Link, ChannelListener, DispatchAware {
        private final Request request;
        private final Events events;
        private volatile Executor executor;
        private volatile WsChannel channel;
        private volatile Throwable pendingFail;

        ChannelLink(Request request, Events events) {
            this.request = request;
            this.events = events;
        }

        @Override
        public void deliverOn(Executor executor) {
            this.executor = executor;
        }

        @Override
        public void start() {
            WebSocketOptions o = request.options();
            WebSocketUrl url = request.url();
            ClientOptions.Builder b = ClientOptions.builder(toUri(url))
                    .subprotocols(request.protocols())
                    .connectTimeout(o.connectTimeout())
                    .handshakeTimeout(o.connectTimeout())
                    .offerDeflate(o.perMessageDeflate())
                    .compressionLevel(o.compressionLevel())
                    .limits(o.limits())
                    // The socket enforces its own limit first (error, then close); this is a backstop.
                    .maxBufferedBytes(Math.max(o.maxBufferedAmount(), o.maxBufferedAmount() * 2))
                    .eventExecutor(o.dispatchOnLoop() ? null : executor)
                    .metrics(o.metrics());
            o.headers().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
            if (!url.username().isEmpty() || !url.password().isEmpty()) {
                // WPT basic-auth: credentials in the URL become Basic authentication.
                if (o.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Authorization"))) {
                    String userPass = percentDecode(url.username()) + ":" + percentDecode(url.password());
                    b.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                            .encodeToString(userPass.getBytes(StandardCharsets.UTF_8)));
                }
            }
            if (o.sslContext() != null) {
                b.sslContext(o.sslContext());
            }
            if (o.proxy() != null) {
                b.proxy(o.proxy());
                if (o.proxyAuthorization() != null) {
                    b.proxyAuthorization(o.proxyAuthorization());
                }
            }
            if (o.pingInterval() != null) {
                b.pingInterval(o.pingInterval()).pongTimeout(o.pongTimeout());
            }
            Transport t = transport != null ? transport : Transport.shared();
            channel = t.connect(b.build(), this);
            Throwable failed = pendingFail;
            if (failed != null) {
                channel.abort(failed);
            }
        }

        @Override
        public boolean sendText(String text, long size) {
            WsChannel ch = channel;
            return ch != null && ch.sendText(text, size);
        }

        @Override
        public boolean sendBinary(ByteBuffer data, long size) {
            WsChannel ch = channel;
            return ch != null && ch.sendBinary(data);
        }

        @Override
        public long outstanding() {
            WsChannel ch = channel;
            return ch == null ? 0 : ch.bufferedAmount();
        }

        @Override
        public void close(int code, String reason) {
            WsChannel ch = channel;
            if (ch != null) {
                ch.close(code < 0 ? null : CloseCode.of(code), reason);
            }
        }

        @Override
        public void fail(Throwable cause) {
            WsChannel ch = channel;
            if (ch == null) {
                pendingFail = cause; // before connect() returned: applied right after it
                ch = channel;
                if (ch == null) {
                    return;
                }
            }
            ch.abort(cause);
        }

        @Override
        public void pauseReading() {
            WsChannel ch = channel;
            if (ch != null) {
                ch.pauseReading();
            }
        }

        @Override
        public void resumeReading() {
            WsChannel ch = channel;
            if (ch != null) {
                ch.resumeReading();
            }
        }

        @Override
        public void onWritten(WsChannel ch, long bytes) {
            events.written(bytes);
        }

        @Override
        public String toString() {
            WsChannel ch = channel;
            return ch == null ? "not started" : ch.readyState() + " buffered=" + ch.bufferedAmount()
                    + " local=" + ch.localAddress() + " remote=" + ch.remoteAddress();
        }

        // --- ChannelListener: from the transport, one at a time, in order

        @Override
        public void onOpen(WsChannel ch, OpenInfo info) {
            // The open can be dispatched before connect() has returned the channel to start(): a
            // listener's send in onopen must find it (else the message would be dropped).
            channel = ch;
            events.opened(info.subprotocol(), info.extensions());
        }

        @Override
        public void onEvent(WsChannel ch, ProtocolEvent event) {
            switch (event) {
                case ProtocolEvent.TextMessage m -> events.text(m.text());
                case ProtocolEvent.BinaryMessage m -> events.binary(m.data());
                case ProtocolEvent.CloseReceived c -> events.closing(c.code().code(), c.reason());
                case ProtocolEvent.Closed c -> {
                    // WHATWG: a connection that ends without a completed closing handshake, or that a
                    // violation or I/O error ended, was failed; the API reports 1006 and fires error.
                    boolean failed = c.cause() != null || c.code().code() == 1006 || c.code().code() == 1015;
                    events.closed(c.code().code(), c.reason(), c.wasClean(), failed, c.cause());
                }
                case ProtocolEvent.PingReceived p -> { } // WHATWG §ping-and-pong-frames: not exposed
                case ProtocolEvent.PongReceived p -> { }
                case ProtocolEvent.MessagePart p -> { } // the client never turns streaming on
            }
        }
    }

    /**
     * A {@link URI} for the transport. The URL is already parsed and serialised the WHATWG way; the few
     * characters the URL Standard leaves alone but {@code java.net.URI} rejects (in the query, say
     * {@code |}) are percent-encoded, which servers decode to the same thing.
     */
    static URI toUri(WebSocketUrl url) {
        String s = url.scheme() + "://" + url.hostHeader() + url.resourceName();
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x20 && c < 0x7f && "\"<>\\^`{|}".indexOf(c) < 0 || c == '%') {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return URI.create(b.toString());
    }

    private static String percentDecode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
