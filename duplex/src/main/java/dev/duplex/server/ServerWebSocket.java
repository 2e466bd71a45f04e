package dev.duplex.server;

import dev.duplex.CloseEvent;
import dev.duplex.ReadyState;
import dev.duplex.protocol.Utf8;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.State;
import dev.duplex.transport.ChannelListener;
import dev.duplex.transport.OpenInfo;
import dev.duplex.transport.WsChannel;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One accepted WebSocket, with the same shape as the browser's {@code WebSocket} (and Node
 * {@code ws}'s server socket): {@code send}, {@code close}, {@code readyState}, {@code bufferedAmount},
 * {@code protocol}, {@code extensions} and {@code on*} handlers, plus the upgrade {@link #request()},
 * {@link #remoteAddress()}, {@link #pathParam} and a user {@link #attachment()}.
 *
 * <p>Thread-safe: {@code send} and {@code close} may be called from any thread and never block; the
 * bytes go through the connection's event loop. Handlers run in order and never concurrently (see
 * {@link WebSocketHandler}).
 */
public final class ServerWebSocket {

    private static final System.Logger LOG = System.getLogger(ServerWebSocket.class.getName());

    private final WsChannel channel;
    /**
     * The upgrade request's target and fields (see {@link #request()}) and the route's path
     * parameters: kept as they are, the {@link ServerRequest} is made when asked for (one object
     * less per idle connection). Upgrade requests are always GET.
     */
    private final byte[] requestFields;
    private final Map<String, String> pathParams;
    private final WebSocketHandler handler;
    private volatile Object attachment;
    /** The {@code on*} handlers, made by the first one set (a route's {@link WebSocketHandler} needs none). */
    private volatile Handlers on;
    /** Links of the server's list of open sockets (see {@link OpenSockets}), under its lock. */
    volatile ServerWebSocket openNext;
    ServerWebSocket openPrev;
    volatile boolean openListed;
    /** Parts of a message that started streaming before onpart was cleared, gathered into one message. */
    private java.io.ByteArrayOutputStream gathered;

    ServerWebSocket(WsChannel channel, ServerRequest request, WebSocketHandler handler, Object attachment) {
        this.channel = channel;
        this.requestFields = request == null ? null : request.fields();
        this.pathParams = request == null ? Map.of() : request.pathParams();
        this.handler = handler;
        this.attachment = attachment;
    }

    /** Sends a text message. Returns false (dropping it) when the socket is not OPEN. */
    public boolean send(String text) {
        return channel.sendText(Objects.requireNonNull(text));
    }

    /** Sends the buffer's remaining bytes as a binary message; the bytes are copied. */
    public boolean send(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return channel.sendBinary(copy.asReadOnlyBuffer());
    }

    /** Sends a binary message; the array is copied. */
    public boolean send(byte[] data) {
        return channel.sendBinary(ByteBuffer.wrap(data.clone()).asReadOnlyBuffer());
    }

    /** Sends a message in kind (text as text, binary as binary): {@code ws.onmessage(ws::send)} echoes. */
    public boolean send(Message message) {
        return message.isText() ? channel.sendText(message.text()) : channel.sendBinary(message.data());
    }

    /** Sends a message prepared once for many sockets (see {@link Broadcast}). */
    public boolean send(Broadcast message) {
        return message.sendOn(channel);
    }

    /**
     * Sends a part received by {@link #onpart} (text as text, binary as binary), as it is: the
     * first part of a message starts one, the others continue it, the last ends it. Whole messages
     * sent meanwhile wait for the last part (frames of two messages never interleave). Echo is
     * {@code ws.onpart(ws::sendPart)}. Returns false (dropping it) when the socket is not OPEN.
     *
     * @throws IllegalArgumentException for a part of the other kind than the message being sent in
     *                                  parts, or text parts that do not add up to valid UTF-8
     */
    public boolean sendPart(MessagePart part) {
        return channel.sendPart(part.isText(), part.data(), part.isLast());
    }

    /**
     * Sends the buffer's remaining bytes as one part of a message (see {@link #sendPart(MessagePart)});
     * the bytes are copied.
     */
    public boolean sendPart(boolean text, ByteBuffer data, boolean last) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return channel.sendPart(text, copy.asReadOnlyBuffer(), last);
    }

    /** Sends a ping with an application payload of at most 125 bytes. */
    public boolean ping(ByteBuffer payload) {
        return channel.sendPing(payload);
    }

    /** Starts the closing handshake with no status code (the peer sees 1005). */
    public void close() {
        beforeClose();
        channel.close(null, "");
    }

    /**
     * Starts the closing handshake with {@code code} (1000–1003, 1007–1014 or 3000–4999) and a reason
     * of at most 123 UTF-8 bytes (RFC 6455 5.5.1, 7.4).
     */
    public void close(int code, String reason) {
        CloseCode c = CloseCode.of(code);
        String r = reason == null ? "" : reason;
        CloseCode.checkSendable(c, r);
        beforeClose();
        channel.close(c, r);
    }

    /** Runs what {@link #onclosing} set (a stream handler stops pausing reads, so the peer's close arrives). */
    private void beforeClose() {
        Runnable r = set().closing;
        if (r != null) {
            r.run();
        }
    }

    /** Runs {@code r} when this side starts the closing handshake, before the close frame is queued. */
    void onclosing(Runnable r) {
        handlers().closing = r;
    }

    /**
     * Tells {@code w} how many payload bytes of this socket's sends were written, on the event loop
     * right after each write (a stream handler's write futures complete from it). Must not block.
     */
    void onwritten(java.util.function.LongConsumer w) {
        handlers().written = w;
    }

    /** Drops the connection without a closing handshake (the handlers see 1006). */
    public void terminate() {
        channel.abort(new java.io.IOException("terminated by the server"));
    }

    /** CONNECTING, OPEN, CLOSING or CLOSED: the same {@link ReadyState} the client {@code WebSocket} reports. */
    public ReadyState readyState() {
        return switch (channel.readyState()) {
            case CONNECTING -> ReadyState.CONNECTING;
            case OPEN -> ReadyState.OPEN;
            case CLOSING -> ReadyState.CLOSING;
            case CLOSED -> ReadyState.CLOSED;
        };
    }

    /** Payload bytes sent but not yet handed to the OS. */
    public long bufferedAmount() {
        return channel.bufferedAmount();
    }

    /** The selected subprotocol, or {@code ""}. */
    public String protocol() {
        return channel.protocol();
    }

    /** The negotiated extensions ({@code permessage-deflate; ...}), or {@code ""}. */
    public String extensions() {
        return channel.extensions();
    }

    /**
     * The upgrade request, without the fields that only carried the opening handshake
     * ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version},
     * {@code Sec-WebSocket-Extensions}; their outcome is {@link #protocol()} and {@link #extensions()}):
     * an idle server connection keeps only what the application may still ask for (path, query,
     * {@code Host}, {@code Origin}, cookies, its own headers, {@code Sec-WebSocket-Protocol}). A
     * {@link HandshakeHook} sees the whole request.
     */
    public ServerRequest request() {
        return requestFields == null ? null : ServerRequest.of("GET", requestFields, remoteAddress(), pathParams);
    }

    public InetSocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /** A path parameter of the route, e.g. {@code room} in {@code /chat/{room}}; or null. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The user's object for this socket (set by the handshake hook or {@link #attach}). */
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    public void attach(Object value) {
        this.attachment = value;
    }

    public ServerWebSocket onopen(Runnable handler) {
        handlers().open = handler;
        return this;
    }

    public ServerWebSocket onmessage(Consumer<Message> handler) {
        handlers().message = handler;
        return this;
    }

    /**
     * Receives messages in parts, as they arrive, instead of whole (see {@link MessagePart}): from the
     * next message on, {@code onmessage} and {@link WebSocketHandler#onMessage} are no longer called.
     * Set it in the route's handler (before any message arrives) to get every message in parts;
     * null goes back to whole messages.
     */
    public ServerWebSocket onpart(Consumer<MessagePart> handler) {
        handlers().part = handler;
        channel.streamMessages(handler != null || this.handler.receivesParts());
        return this;
    }

    public ServerWebSocket onclose(Consumer<CloseEvent> handler) {
        handlers().close = handler;
        return this;
    }

    public ServerWebSocket onerror(Consumer<Throwable> handler) {
        handlers().error = handler;
        return this;
    }

    /** The {@code on*} handlers set so far; any thread. */
    private static final class Handlers {
        volatile Runnable open;
        volatile Consumer<Message> message;
        volatile Consumer<MessagePart> part;
        volatile Consumer<CloseEvent> close;
        volatile Consumer<Throwable> error;
        volatile Runnable closing;
        volatile java.util.function.LongConsumer written;
    }

    private static final Handlers NONE = new Handlers();
    private static final java.lang.invoke.VarHandle ON;

    static {
        try {
            ON = java.lang.invoke.MethodHandles.lookup().findVarHandle(ServerWebSocket.class, "on", Handlers.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Handlers handlers() {
        Handlers h = on;
        if (h == null) {
            Handlers fresh = new Handlers();
            h = (Handlers) ON.compareAndExchange(this, null, fresh);
            if (h == null) {
                h = fresh;
            }
        }
        return h;
    }

    /** For reading: never null, nothing set in {@link #NONE}. */
    private Handlers set() {
        Handlers h = on;
        return h == null ? NONE : h;
    }

    WsChannel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "ServerWebSocket[" + (requestFields == null ? "?" : request().path()) + " from " + remoteAddress() + ", " + readyState() + "]";
    }

    /**
     * The parts made of the event loop's reused part events (see {@link WsChannel#reusesPart}), per
     * loop thread: the loop lends the same event, with the same view, for every part of a kind, so
     * the part handed to the handlers can be the same too (valid only during the call, as promised).
     * Used on loop threads only, and only for those events.
     */
    private static final ThreadLocal<LoopParts> LOOP_PARTS = ThreadLocal.withInitial(LoopParts::new);

    private static final class LoopParts {
        private final ProtocolEvent.MessagePart[] events = new ProtocolEvent.MessagePart[8];
        private final MessagePart[] parts = new MessagePart[8];

        MessagePart of(ProtocolEvent.MessagePart m) {
            int i = (m.text() ? 4 : 0) | (m.first() ? 2 : 0) | (m.last() ? 1 : 0);
            if (events[i] != m) {
                events[i] = m;
                parts[i] = new MessagePart(m.text(), m.data(), m.first(), m.last());
            }
            return parts[i];
        }
    }

    /**
     * Turns transport callbacks into handler calls: one per server for all its sockets, each socket
     * being its channel's attachment (one object less per connection than a listener each).
     */
    static final class Events implements ChannelListener {
        /** Told once when a socket closes, before its close handlers run. */
        private final Consumer<ServerWebSocket> onEnd;

        Events(Consumer<ServerWebSocket> onEnd) {
            this.onEnd = onEnd;
        }

        @Override
        public void onOpen(WsChannel ch, OpenInfo info) {
            ((ServerWebSocket) ch.attachment()).opened();
        }

        @Override
        public void onWritten(WsChannel ch, long bytes) {
            if (ch.attachment() instanceof ServerWebSocket ws) {
                java.util.function.LongConsumer w = ws.set().written;
                if (w != null) {
                    w.accept(bytes);
                }
            }
        }

        @Override
        public void onEvent(WsChannel ch, ProtocolEvent event) {
            ServerWebSocket ws = (ServerWebSocket) ch.attachment();
            if (event instanceof ProtocolEvent.Closed) {
                onEnd.accept(ws); // gone from connections() before onclose runs
            }
            ws.handle(ch, event);
        }
    }

    private void opened() {
        try {   // inline, as deliver's: a lambda here would be an object per upgrade
            handler.onOpen(this);
            Runnable r = set().open;
            if (r != null) {
                r.run();
            }
        } catch (RuntimeException | Error e) {
            handlerFailed(e);
        }
    }

    private void handle(WsChannel ch, ProtocolEvent event) {
        switch (event) {
            case ProtocolEvent.TextMessage t -> {
                if (wantsParts()) { // arrived whole before streaming took effect
                    ByteBuffer bytes = ByteBuffer.wrap(Utf8.encode(t.text()));
                    deliverPart(new MessagePart(true, bytes.asReadOnlyBuffer(), true, true));
                } else {
                    deliver(Message.text(t.text()));
                }
            }
            case ProtocolEvent.BinaryMessage b -> {
                if (wantsParts()) {
                    deliverPart(new MessagePart(false, b.data(), true, true));
                } else {
                    deliver(Message.binary(b.data()));
                }
            }
            case ProtocolEvent.MessagePart m -> {
                MessagePart part = ch.reusesPart(m) ? LOOP_PARTS.get().of(m)
                        : new MessagePart(m.text(), m.data(), m.first(), m.last());
                if (wantsParts()) {
                    deliverPart(part);
                } else {
                    wholeFromParts(part); // onpart was set back to null mid-message
                }
            }
            case ProtocolEvent.Closed c -> {
                if (c.cause() != null) {
                    error(c.cause());
                }
                CloseEvent e = new CloseEvent("close", c.wasClean(), c.code().code(), c.reason(), c.cause());
                safely(() -> handler.onClose(this, e));
                Consumer<CloseEvent> h = set().close;
                if (h != null) {
                    safely(() -> h.accept(e));
                }
            }
            default -> { }
        }
    }

    private void deliver(Message m) {
        try {
            handler.onMessage(this, m);
            Consumer<Message> h = set().message;
            if (h != null) {
                h.accept(m);
            }
        } catch (RuntimeException | Error e) {
            handlerFailed(e);
        }
    }

    private boolean wantsParts() {
        return set().part != null || handler.receivesParts();
    }

    private void deliverPart(MessagePart part) {
        try {
            handler.onPart(this, part);
            Consumer<MessagePart> p = set().part;
            if (p != null) {
                p.accept(part);
            }
        } catch (RuntimeException | Error e) {
            handlerFailed(e);
        }
    }


    private void wholeFromParts(MessagePart part) {
        if (part.isFirst()) {
            gathered = new java.io.ByteArrayOutputStream();
        }
        ByteBuffer d = part.data().duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        gathered.write(b, 0, b.length);
        if (part.isLast()) {
            byte[] all = gathered.toByteArray();
            gathered = null;
            deliver(part.isText() ? Message.text(new String(all, StandardCharsets.UTF_8))
                    : Message.binary(ByteBuffer.wrap(all).asReadOnlyBuffer()));
        }
    }

    private void error(Throwable t) {
        safely(() -> handler.onError(this, t));
        Consumer<Throwable> h = set().error;
        if (h != null) {
            safely(() -> h.accept(t));
        }
    }

    /** A handler that throws fails the connection with 1011 (RFC 6455 7.4.1 "unexpected condition"). */
    private void handlerFailed(Throwable e) {
        LOG.log(Level.WARNING, "WebSocket handler threw; closing with 1011", e);
        if (channel.readyState() == State.OPEN) {
            channel.close(CloseCode.INTERNAL_ERROR, "");
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "WebSocket handler threw", e);
        }
    }
}
