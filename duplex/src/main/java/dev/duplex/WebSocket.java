package dev.duplex;

import dev.duplex.concurrent.SerialExecutor;
import dev.duplex.protocol.Utf8;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A WebSocket client that behaves like the browser's {@code WebSocket} object: the WHATWG WebSockets
 * standard (websockets.spec.whatwg.org) is the contract, down to its exceptions and event order.
 *
 * <pre>{@code
 * var ws = new WebSocket("wss://echo.example/chat");
 * ws.setOnopen(e -> ws.send("hello"));
 * ws.setOnmessage(e -> System.out.println(e.data()));
 * ws.setOnclose(e -> System.out.println("closed " + e.code()));
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * The constructor validates its arguments and returns at once in {@link ReadyState#CONNECTING}; the
 * connection is made in the background. Then, as the standard's "feedback from the protocol" says:
 * {@code open} (with {@link #protocol()} and {@link #extensions()} already set), any number of
 * {@code message}s, and exactly one {@code close}, last. When the connection is <em>failed</em> — it could
 * not be opened (DNS, refused, TLS, a bad handshake, an unrequested subprotocol or extension, a redirect),
 * the server broke the protocol, or the connection dropped — {@code readyState} is already CLOSED when an
 * {@code error} event fires, and {@code close} follows with code 1006 and {@code wasClean} false. The
 * standard code stays 1006; the reason is available through the non-standard {@link ErrorEvent#cause()}
 * and {@link CloseEvent#cause()}.
 *
 * <h2>Threading</h2>
 * Every method may be called from any thread. Events of one socket are delivered one at a time, in order,
 * each listener call happening-before the next, on the socket's own virtual thread (or on the transport's
 * event loop with {@link WebSocketOptions#dispatchOnLoop()}). {@link #readyState()} changes to OPEN and
 * CLOSED in the task that fires {@code open} / {@code close}, as in a browser; {@link #close()} sets
 * CLOSING at once. {@link #bufferedAmount()} grows at once when {@code send} is called and shrinks only
 * between tasks, so it never drops in the middle of a listener (WHATWG: "as of the last time the event
 * loop started executing a task").
 *
 * <h2>Registering listeners</h2>
 * Events are delivered on another thread, so unlike in a browser a very fast connection can fire
 * {@code open} (or, for a refused port, {@code error} and {@code close}) before the statement after the
 * constructor has added its listeners. Use {@link #WebSocket(String, WebSocketOptions, Consumer)} to add
 * them before connecting starts; {@link #awaitOpen} and {@link #awaitClose} never miss anything.
 *
 * <h2>One connection</h2>
 * Like the browser's, a {@code WebSocket} is one connection: once closed it stays closed. For a client that
 * comes back after a drop or a server restart, use {@link ReconnectingWebSocket}, which makes one
 * {@code WebSocket} after another behind the same event API.
 *
 * <h2>Reachability</h2>
 * A socket stays strongly reachable from the moment it is constructed until its {@code close} event has
 * been dispatched, so listeners keep firing even if the program drops every reference to it.
 */
public final class WebSocket {

    public static final ReadyState CONNECTING = ReadyState.CONNECTING;
    public static final ReadyState OPEN = ReadyState.OPEN;
    public static final ReadyState CLOSING = ReadyState.CLOSING;
    public static final ReadyState CLOSED = ReadyState.CLOSED;

    /** Sockets that have not yet dispatched {@code close}: what keeps them from being collected. */
    private static final Set<WebSocket> LIVE = ConcurrentHashMap.newKeySet();

    private final WebSocketUrl url;
    /** {@code MessageEvent.origin} of every message: the URL's origin, serialised once. */
    private final String origin;
    private final List<String> protocols;
    private final WebSocketOptions options;
    private final SerialExecutor dispatcher;
    /** Listeners running now (on the dispatcher: tasks never overlap, so a plain field). */
    private int firing;
    private final EventListeners listeners = new EventListeners();
    private final ClientConnector.Link link;

    private final AtomicReference<ReadyState> state = new AtomicReference<>(ReadyState.CONNECTING);
    /** The closing handshake has started: close() was called or the server's close frame arrived. */
    private final AtomicBoolean closingStarted = new AtomicBoolean();
    /** WHATWG "flag the WebSocket as full": a send could not be buffered. */
    private volatile boolean full;
    private final AtomicBoolean closeFired = new AtomicBoolean();

    /*
     * bufferedAmount (WHATWG §dom-websocket-bufferedamount) = bytes still queued in the link as of the
     * last refresh + every byte counted since, including discarded sends. Refreshed when a task starts
     * and when read from outside the socket's tasks, so it never shrinks in the middle of a listener.
     */
    private final Object sendLock = new Object();
    private volatile long bufferedAmount;   // guarded by sendLock for writes
    private long linkEstimate;              // guarded by sendLock: what the link holds, as we believe
    private volatile boolean frozen;        // after close: nothing leaves bufferedAmount any more

    private volatile String protocol = "";
    private volatile String extensions = "";
    private volatile BinaryType binaryType = BinaryType.BLOB;

    private final CountDownLatch settled = new CountDownLatch(1); // open or close dispatched
    private final CountDownLatch closed = new CountDownLatch(1);  // close dispatched
    private volatile boolean opened;
    private volatile CloseEvent closeEvent;

    /** {@code new WebSocket(url)}: no subprotocols. */
    public WebSocket(String url) {
        this(url, WebSocketOptions.defaults());
    }

    /** {@code new WebSocket(url, protocol)}. */
    public WebSocket(String url, String protocol) {
        this(url, WebSocketOptions.defaults().toBuilder().protocols(List.of(
                Objects.requireNonNull(protocol, "protocol"))).build());
    }

    /** {@code new WebSocket(url, [protocols…])}. An empty list is allowed. */
    public WebSocket(String url, String... protocols) {
        this(url, WebSocketOptions.defaults().toBuilder().protocols(protocols).build());
    }

    /** {@code new WebSocket(url, [protocols…])}. */
    public WebSocket(String url, List<String> protocols) {
        this(url, WebSocketOptions.defaults().toBuilder().protocols(protocols).build());
    }

    /**
     * {@code new WebSocket(url, options)}: the options bag ({@code WebSocketInit}) plus Duplex's extras.
     *
     * @throws DomException SyntaxError when the URL cannot be parsed, has a scheme other than
     *         ws/wss/http/https or a fragment, or a subprotocol repeats or is not a token
     */
    public WebSocket(String url, WebSocketOptions options) {
        this(url, options, null, TransportConnector.INSTANCE);
    }

    /**
     * Like {@link #WebSocket(String, WebSocketOptions)}, but runs {@code setup} on the new socket before
     * it starts connecting, so the listeners it adds cannot miss any event. Non-standard.
     *
     * <p>Why: in a browser, a listener added right after the constructor always sees {@code open}, because
     * events are tasks that wait for the running script to finish. A Java thread has no such boundary:
     * on a loaded machine a fast connection (or a fast failure, like a refused port on loopback) can
     * fire its first events before the next statement runs. Registering listeners here closes that gap.
     *
     * <pre>{@code
     * var ws = new WebSocket(url, WebSocketOptions.defaults(), s -> {
     *     s.setOnopen(e -> s.send("hello"));
     *     s.setOnclose(e -> System.out.println(e.code()));
     * });
     * }</pre>
     */
    public WebSocket(String url, WebSocketOptions options, Consumer<? super WebSocket> setup) {
        this(url, options, Objects.requireNonNull(setup, "setup"), TransportConnector.INSTANCE);
    }

    WebSocket(String url, WebSocketOptions options, ClientConnector connector) {
        this(url, options, null, connector);
    }

    WebSocket(String url, WebSocketOptions options, Consumer<? super WebSocket> setup, ClientConnector connector) {
        Objects.requireNonNull(options, "options");
        // WHATWG §dom-websocket-websocket steps 1-7, in the standard's order: URL first, then protocols.
        this.url = WebSocketUrl.parse(Objects.requireNonNull(url, "url"), options.baseUrl());
        this.origin = this.url.origin();
        this.protocols = Protocols.validate(options.protocols());
        this.options = options;
        this.dispatcher = options.dispatchOnLoop() ? SerialExecutor.inline()
                // A burst of the socket's events runs on a virtual thread; an idle socket holds none.
                : SerialExecutor.on(dev.duplex.transport.Dispatch.virtualThread());
        this.link = connector.prepare(new ClientConnector.Request(this.url, protocols, options), new Feedback());
        if (link instanceof TransportConnector.DispatchAware aware) {
            aware.deliverOn(dispatcher);
        }
        if (setup != null) {
            setup.accept(this); // if it throws, the socket never connects
        }
        LIVE.add(this);
        link.start();
    }

    // ---------------------------------------------------------------------------------------------
    // Attributes

    /** The URL, serialised as the URL Standard does (default port dropped, lower-case host, "/" path). */
    public String url() {
        return url.serialise();
    }

    public ReadyState readyState() {
        return state.get();
    }

    /**
     * Bytes of application data (UTF-8 text and binary payloads) passed to {@code send} and not yet handed
     * to the network. Includes data sent after the closing handshake started (which is discarded), so it
     * never returns to 0 after such a call.
     */
    public long bufferedAmount() {
        if (!dispatcher.inTask()) {
            refreshBufferedAmount();
        }
        return bufferedAmount;
    }

    /** Applies what the link has handed to the network since the last refresh. */
    private void refreshBufferedAmount() {
        if (frozen) {
            return;
        }
        synchronized (sendLock) {
            long now = link.outstanding();
            long written = linkEstimate - now;
            if (written > 0) {
                bufferedAmount -= written;
            }
            linkEstimate = now;
        }
    }

    /** The extensions the server selected ({@code Sec-WebSocket-Extensions}); "" until open. */
    public String extensions() {
        return extensions;
    }

    /** The subprotocol the server selected; "" until open or when none was requested. */
    public String protocol() {
        return protocol;
    }

    /** {@code "blob"} (the default) or {@code "arraybuffer"}. */
    public String binaryType() {
        return binaryType.value();
    }

    /** Sets how binary messages are delivered; a value other than "blob" or "arraybuffer" is ignored. */
    public void setBinaryType(String value) {
        BinaryType t = BinaryType.fromValue(value);
        if (t != null) {
            binaryType = t;
        }
    }

    public void setBinaryType(BinaryType value) {
        binaryType = Objects.requireNonNull(value, "value");
    }

    // ---------------------------------------------------------------------------------------------
    // Event handlers and listeners

    public EventListener<Event> onopen() {
        return handler("open");
    }

    public void setOnopen(EventListener<Event> handler) {
        listeners.setHandler("open", handler);
    }

    public EventListener<? super MessageEvent> onmessage() {
        return handler("message");
    }

    public void setOnmessage(EventListener<? super MessageEvent> handler) {
        listeners.setHandler("message", handler);
    }

    public EventListener<? super ErrorEvent> onerror() {
        return handler("error");
    }

    public void setOnerror(EventListener<? super ErrorEvent> handler) {
        listeners.setHandler("error", handler);
    }

    public EventListener<? super CloseEvent> onclose() {
        return handler("close");
    }

    public void setOnclose(EventListener<? super CloseEvent> handler) {
        listeners.setHandler("close", handler);
    }

    @SuppressWarnings("unchecked")
    private <E extends Event> EventListener<E> handler(String type) {
        return (EventListener<E>) listeners.handler(type);
    }

    /**
     * Adds a listener for {@code type} ("open", "message", "error", "close"). Listeners run in the order
     * they were added; adding the same listener for the same type twice does nothing. Declare the lambda
     * parameter's type to get the event class: {@code ws.addEventListener("message", (MessageEvent e) -> …)}.
     */
    public <E extends Event> void addEventListener(String type, EventListener<E> listener) {
        listeners.add(type, listener);
    }

    /** Removes a listener added with {@link #addEventListener}; one not yet called for an event won't be. */
    public <E extends Event> void removeEventListener(String type, EventListener<E> listener) {
        listeners.remove(type, listener);
    }

    // ---------------------------------------------------------------------------------------------
    // send

    /**
     * Sends a text message (WHATWG §dom-websocket-send). Lone surrogates become U+FFFD.
     *
     * @throws DomException InvalidStateError while CONNECTING
     */
    public void send(String data) {
        requireNotConnecting(); // checked before the data is even looked at
        String text = Utf8.toUsv(Objects.requireNonNull(data, "data"));
        long size = Utf8.encodedLength(text);
        synchronized (sendLock) {
            if (admit(size) && link.sendText(text, size)) {
                linkEstimate += size;
            }
        }
    }

    /** Sends a binary message with a copy of {@code data}. @throws DomException InvalidStateError while CONNECTING */
    public void send(byte[] data) {
        requireNotConnecting();
        byte[] copy = Objects.requireNonNull(data, "data").clone();
        sendBinary(ByteBuffer.wrap(copy).asReadOnlyBuffer(), copy.length);
    }

    /**
     * Sends the remaining bytes of {@code data} as a binary message; they are copied, and the buffer's
     * position is not moved. @throws DomException InvalidStateError while CONNECTING
     */
    public void send(ByteBuffer data) {
        requireNotConnecting();
        Objects.requireNonNull(data, "data");
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        sendBinary(ByteBuffer.wrap(copy).asReadOnlyBuffer(), copy.length);
    }

    /** Sends the blob's bytes as a binary message. @throws DomException InvalidStateError while CONNECTING */
    public void send(Blob data) {
        requireNotConnecting();
        Objects.requireNonNull(data, "data");
        sendBinary(data.arrayBuffer(), data.size());
    }

    private void sendBinary(ByteBuffer data, long size) {
        synchronized (sendLock) {
            if (admit(size) && link.sendBinary(data, size)) {
                linkEstimate += size;
            }
        }
    }

    private void requireNotConnecting() {
        if (state.get() == ReadyState.CONNECTING) {
            throw DomException.invalidStateError("Still in CONNECTING state.");
        }
    }

    /**
     * Counts {@code size} into bufferedAmount — every send that does not throw does — and says whether the
     * data should go to the link: not once the closing handshake started (the data is discarded), not when
     * it would pass the hard limit (the socket is flagged full and the connection closed).
     */
    private boolean admit(long size) {
        // Caller holds sendLock. Data refused by the link later (closed meanwhile) stays counted too:
        // it was discarded after the closing handshake started, which is what the standard describes.
        bufferedAmount += size;
        if (closingStarted.get() || state.get() != ReadyState.OPEN) {
            return false;
        }
        long queued = link.outstanding() + size;
        if (queued > options.maxBufferedAmount()) {
            // WHATWG §dom-websocket-send: "flag the WebSocket as full and then close the connection".
            full = true;
            if (closingStarted.compareAndSet(false, true)) {
                link.fail(new java.io.IOException("send buffer full: " + queued + " bytes queued, limit "
                        + options.maxBufferedAmount()));
            }
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // close

    /** Starts the closing handshake with an empty close frame (the server's echo then reports 1005). */
    public void close() {
        closeChecked(-1, null);
    }

    /** @throws DomException InvalidAccessError unless {@code code} is 1000 or 3000–4999 */
    public void close(int code) {
        CloseArguments.checkCode(code);
        closeChecked(code, "");
    }

    /**
     * Starts the closing handshake with {@code code} and {@code reason} (WHATWG §dom-websocket-close).
     * Arguments are validated before anything changes. While CONNECTING, the connection is failed instead
     * (error, then close with 1006); once CLOSING or CLOSED, nothing happens.
     *
     * @throws DomException InvalidAccessError unless {@code code} is 1000 or 3000–4999; SyntaxError when
     *         the reason, as UTF-8 with lone surrogates replaced by U+FFFD, is longer than 123 bytes
     */
    public void close(int code, String reason) {
        CloseArguments.checkCode(code);
        closeChecked(code, CloseArguments.checkReason(reason));
    }

    private void closeChecked(int code, String reason) {
        while (true) {
            ReadyState s = state.get();
            switch (s) {
                case CLOSING, CLOSED -> {
                    return; // step 1: do nothing
                }
                case CONNECTING -> {
                    // Step 2: fail the WebSocket connection, set CLOSING.
                    if (state.compareAndSet(s, ReadyState.CLOSING)) {
                        closingStarted.set(true);
                        link.fail(new java.io.IOException("close() was called before the connection opened"));
                        return;
                    }
                }
                case OPEN -> {
                    if (state.compareAndSet(s, ReadyState.CLOSING)) {
                        // Steps 3-4: start the closing handshake unless the server already did.
                        if (closingStarted.compareAndSet(false, true)) {
                            link.close(code, reason == null ? "" : reason);
                        }
                        return;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Blocking conveniences (non-standard)

    /**
     * Waits until the socket opens, or until it closes without opening, or until the timeout elapses.
     * Non-standard, for scripts and tests. Open listeners have run when this returns true.
     *
     * @return whether the socket opened
     * @throws IllegalStateException when called from one of this socket's own listeners (it would deadlock)
     */
    public boolean awaitOpen(Duration timeout) throws InterruptedException {
        checkNotInListener();
        settled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return opened;
    }

    /**
     * Waits until the {@code close} event has been dispatched (all close listeners have run), or the
     * timeout elapses. Non-standard, for scripts and tests.
     *
     * @return the close event, or null on timeout
     * @throws IllegalStateException when called from one of this socket's own listeners (it would deadlock)
     */
    public CloseEvent awaitClose(Duration timeout) throws InterruptedException {
        checkNotInListener();
        closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return closeEvent;
    }

    private void checkNotInListener() {
        if (dispatcher.inTask()) {
            throw new IllegalStateException("cannot wait for this socket's events from its own listener");
        }
    }

    @Override
    public String toString() {
        return "WebSocket[" + url() + ", " + state.get() + "]";
    }

    /** For diagnostics: the socket's and its link's state. */
    String debugState() {
        return this + " closingStarted=" + closingStarted.get() + " opened=" + opened + " link=" + link;
    }

    /** Number of sockets kept alive until their close event (for tests). */
    static int liveCount() {
        return LIVE.size();
    }

    static boolean isLive(WebSocket ws) {
        return LIVE.contains(ws);
    }

    // ---------------------------------------------------------------------------------------------
    // Feedback from the protocol (WHATWG §feedback-from-the-protocol): each becomes a task on the
    // socket's dispatcher.

    /**
     * WHATWG "queue a task": runs after every earlier task of this socket, never concurrently. When
     * the transport hands an event over on this socket's own executor and nothing waits behind it, the
     * task is the next one anyway and runs at once ({@link SerialExecutor#executeNext}); never from
     * inside a listener, so listeners do not nest.
     */
    private void queueTask(Runnable task) {
        Runnable t = () -> {
            refreshBufferedAmount(); // "as of the last time the event loop started executing a task"
            task.run();
        };
        if (firing == 0) {
            dispatcher.executeNext(t);
        } else {
            dispatcher.execute(t);
        }
    }

    private void fire(Event event) {
        firing++;
        try {
            listeners.dispatch(this, event, true);
        } finally {
            firing--;
        }
    }

    private final class Feedback implements ClientConnector.Events {

        @Override
        public void opened(String selectedProtocol, String selectedExtensions) {
            String wrong = Protocols.checkSelected(protocols, selectedProtocol);
            if (wrong != null) {
                link.fail(new java.io.IOException(wrong));
                return;
            }
            queueTask(() -> {
                if (state.get() != ReadyState.CONNECTING) {
                    return; // close() was called meanwhile: the connection is being failed
                }
                extensions = selectedExtensions == null ? "" : selectedExtensions;
                protocol = selectedProtocol == null ? "" : selectedProtocol;
                if (!state.compareAndSet(ReadyState.CONNECTING, ReadyState.OPEN)) {
                    return;
                }
                opened = true;
                try {
                    fire(new Event("open"));
                } finally {
                    settled.countDown();
                }
            });
        }

        @Override
        public void text(String text) {
            queueTask(() -> {
                if (state.get() != ReadyState.OPEN) {
                    return; // messages after close() are dropped
                }
                fire(new MessageEvent("message", text, origin));
            });
        }

        @Override
        public void binary(ByteBuffer data) {
            ByteBuffer ro = data.asReadOnlyBuffer();
            queueTask(() -> {
                if (state.get() != ReadyState.OPEN) {
                    return;
                }
                // binaryType is read when the message is dispatched, not when it arrived.
                Object payload = binaryType == BinaryType.ARRAYBUFFER ? ro.duplicate() : blobOf(ro);
                fire(new MessageEvent("message", payload, origin));
            });
        }

        @Override
        public void closing(int code, String reason) {
            closingStarted.set(true);
            // WHATWG: "When the WebSocket closing handshake is started, queue a task to change the
            // readyState attribute's value to CLOSING".
            queueTask(() -> state.compareAndSet(ReadyState.OPEN, ReadyState.CLOSING));
        }

        @Override
        public void closed(int code, String reason, boolean wasClean, boolean failed, Throwable cause) {
            closingStarted.set(true);
            queueTask(() -> {
                if (!closeFired.compareAndSet(false, true)) {
                    return;
                }
                // Whatever the transport dropped on close stays counted (WHATWG: bufferedAmount does not
                // reset to zero once the connection closes).
                frozen = true;
                // WHATWG §closeWebSocket: CLOSED first, then error (if failed or full), then close.
                state.set(ReadyState.CLOSED);
                boolean abnormal = failed || full || code == 1006 || code == 1015;
                int reported = abnormal ? 1006 : code;
                String why = abnormal ? "" : reason == null ? "" : reason;
                CloseEvent event = new CloseEvent("close", wasClean && !abnormal, reported, why, cause);
                try {
                    if (failed || full) {
                        fire(new ErrorEvent(cause));
                    }
                    fire(event);
                } finally {
                    closeEvent = event;
                    LIVE.remove(WebSocket.this);
                    closed.countDown();
                    settled.countDown();
                }
            });
        }
    }

    private static Blob blobOf(ByteBuffer data) {
        if (data.hasArray() && !data.isReadOnly() && data.arrayOffset() == 0 && data.position() == 0
                && data.remaining() == data.array().length) {
            return Blob.wrap(data.array());
        }
        return Blob.of(data);
    }
}
