package dev.duplex;

import dev.duplex.protocol.Utf8;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Non-standard: a client that comes back. It has the event API of {@link WebSocket} and makes one
 * {@code WebSocket} after another — each of them the browser's single connection, unchanged — waiting
 * between attempts with exponential backoff and full jitter ({@link ReconnectOptions}).
 *
 * <pre>{@code
 * var ws = new ReconnectingWebSocket("wss://chat.example/room", WebSocketOptions.defaults(),
 *         ReconnectOptions.defaults(), s -> {
 *     s.setOnmessage(e -> show(e.data()));
 *     s.addEventListener("reconnecting", (ReconnectEvent e) -> status("retry in " + e.delay()));
 * });
 * ws.send("hello");   // sent now, or queued until the next connection opens
 * }</pre>
 *
 * <h2>Events</h2>
 * Every connection's {@code open}, {@code message}, {@code error} and {@code close} are fired here too,
 * with {@link Event#target()} the connection that fired them; a connection that cannot be made fires
 * {@code error} and {@code close} (1006) like any {@code WebSocket}. After a {@code close} that will be
 * retried comes a {@link ReconnectEvent} {@code reconnecting} (the attempt number and the wait). After the
 * last {@code close}, {@link #readyState()} is already CLOSED in the listener: that is how a listener tells
 * the end from a drop. Events are delivered one at a time, in order, never concurrently.
 *
 * <h2>When it retries</h2>
 * Never after {@link #close()}: the application's own close ends the socket, whatever the code. Otherwise
 * the close code decides ({@link ReconnectOptions#DEFAULT_RETRY}): 1001, 1005, 1006, 1011, 1012, 1013
 * and 1014 are retried; 1000 and the codes that mean "do not come back" (1002, 1003, 1007, 1008, 1009,
 * 1010, and 3000–4999 unless {@link ReconnectOptions.Builder#retryWhen} says otherwise) end it. A failed
 * opening handshake (refused, timed out, an HTTP error status) is 1006 and is retried; set
 * {@link ReconnectOptions.Builder#maxAttempts} to give up. The attempt count starts again once a
 * connection has stayed open for {@link ReconnectOptions#maxDelay()}; a server that accepts and closes at
 * once keeps the backoff growing.
 *
 * <h2>Sends while disconnected</h2>
 * {@code send} returns whether the message was taken. While OPEN it goes to the connection. Otherwise
 * (connecting, waiting) it is queued, up to {@link ReconnectOptions#maxQueuedBytes()}, and sent in order
 * when the next connection opens, before its {@code open} listeners run; past the limit, or when the limit
 * is 0, it is refused (false). Once the socket has ended, sends are refused and the queue is dropped.
 * Delivery is at most once: a message handed to a connection that then drops is not sent again (there
 * are no acknowledgements in WebSocket; an application that needs them adds its own, e.g. {@code since=}
 * through {@link ReconnectOptions.Builder#url}).
 *
 * <h2>Keep-alive</h2>
 * On by default (ping every 30 s, the peer is dead after 10 s without a pong), so a dead peer or a
 * silently dropped route ends in 1006 and a retry instead of a socket that waits forever.
 *
 * <p>Thread-safe: every method may be called from any thread, including from listeners.
 */
public final class ReconnectingWebSocket {

    private static final RandomGenerator RANDOM = () -> ThreadLocalRandom.current().nextLong();

    private final String url;
    private final WebSocketOptions options;
    private final ReconnectOptions policy;
    private final Backoff backoff;
    private final EventListeners listeners = new EventListeners();

    private final Object lock = new Object();
    // Guarded by lock:
    private final PendingSends pending;
    private ReadyState state = ReadyState.CONNECTING;
    private WebSocket current;
    private boolean waiting;            // between a close and the next attempt, its events fired
    private boolean betweenAttempts;    // from a close that will be retried until the next attempt starts
    private boolean appClosed;          // close() was called: never retry
    private boolean openDispatched;     // the current connection's open listeners have run
    private boolean ended;              // the last close listeners have run
    private int attempts;               // consecutive attempts since the last connection that stayed up
    private long openedAt;              // System.nanoTime() of the current connection's open, or 0
    private CloseEvent lastClose;
    private volatile BinaryType binaryType = BinaryType.BLOB;

    /** Connects to {@code url} with default options and the default {@link ReconnectOptions}. */
    public ReconnectingWebSocket(String url) {
        this(url, WebSocketOptions.defaults(), ReconnectOptions.defaults(), s -> { });
    }

    /**
     * Connects to {@code url} (through the {@link ReconnectOptions.Builder#url} hook) after running
     * {@code setup} on the new socket, so the listeners it adds miss nothing.
     *
     * @throws DomException SyntaxError when the first URL or a subprotocol is invalid, as {@link WebSocket} does
     */
    public ReconnectingWebSocket(String url, WebSocketOptions options, ReconnectOptions policy,
            Consumer<? super ReconnectingWebSocket> setup) {
        this.url = Objects.requireNonNull(url, "url");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.options = policy.connectionOptions(Objects.requireNonNull(options, "options"));
        this.backoff = new Backoff(policy.initialDelay(), policy.maxDelay(), RANDOM);
        this.pending = new PendingSends(policy.maxQueuedBytes());
        Objects.requireNonNull(setup, "setup").accept(this);
        synchronized (lock) {
            current = connect(); // throws SyntaxError for a bad first URL
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Attributes

    /** The URL of the current (or last) connection, as the hook made it. */
    public String url() {
        return connection().url();
    }

    /**
     * CONNECTING while a connection is being made or the socket waits for the next attempt; OPEN; CLOSING
     * after {@link #close()}; CLOSED once it has ended for good.
     */
    public ReadyState readyState() {
        synchronized (lock) {
            return state;
        }
    }

    /** The current connection's subprotocol; "" when none is open. */
    public String protocol() {
        return readyState() == ReadyState.OPEN ? connection().protocol() : "";
    }

    /** The current connection's extensions; "" when none is open. */
    public String extensions() {
        return readyState() == ReadyState.OPEN ? connection().extensions() : "";
    }

    /** Bytes queued while disconnected plus, while OPEN, the connection's {@code bufferedAmount}. */
    public long bufferedAmount() {
        synchronized (lock) {
            return pending.bytes() + (state == ReadyState.OPEN ? current.bufferedAmount() : 0);
        }
    }

    /** Messages queued while disconnected, waiting for the next connection. */
    public int queuedMessages() {
        synchronized (lock) {
            return pending.size();
        }
    }

    public String binaryType() {
        return binaryType.value();
    }

    /** Sets how binary messages are delivered; a value other than "blob" or "arraybuffer" is ignored. */
    public void setBinaryType(String value) {
        BinaryType t = BinaryType.fromValue(value);
        if (t != null) {
            setBinaryType(t);
        }
    }

    /** Sets how binary messages are delivered, for this and every later connection. */
    public void setBinaryType(BinaryType value) {
        binaryType = Objects.requireNonNull(value, "value");
        connection().setBinaryType(value);
    }

    private WebSocket connection() {
        synchronized (lock) {
            return current;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Event handlers and listeners

    public void setOnopen(EventListener<Event> handler) {
        listeners.setHandler("open", handler);
    }

    public void setOnmessage(EventListener<? super MessageEvent> handler) {
        listeners.setHandler("message", handler);
    }

    public void setOnerror(EventListener<? super ErrorEvent> handler) {
        listeners.setHandler("error", handler);
    }

    public void setOnclose(EventListener<? super CloseEvent> handler) {
        listeners.setHandler("close", handler);
    }

    public void setOnreconnecting(EventListener<? super ReconnectEvent> handler) {
        listeners.setHandler("reconnecting", handler);
    }

    /** Adds a listener for "open", "message", "error", "close" or "reconnecting", as {@link WebSocket} does. */
    public <E extends Event> void addEventListener(String type, EventListener<E> listener) {
        listeners.add(type, listener);
    }

    public <E extends Event> void removeEventListener(String type, EventListener<E> listener) {
        listeners.remove(type, listener);
    }

    // ---------------------------------------------------------------------------------------------
    // send and close

    /** Sends a text message now or queues it; false when refused (queue full or off, or socket ended). */
    public boolean send(String data) {
        String text = Utf8.toUsv(Objects.requireNonNull(data, "data"));
        return send(text, Utf8.encodedLength(text));
    }

    /** Sends a copy of {@code data} as a binary message now or queues it; false when refused. */
    public boolean send(byte[] data) {
        byte[] copy = Objects.requireNonNull(data, "data").clone();
        return send(ByteBuffer.wrap(copy).asReadOnlyBuffer(), copy.length);
    }

    /** Sends a copy of the remaining bytes of {@code data} now or queues it; false when refused. */
    public boolean send(ByteBuffer data) {
        byte[] copy = new byte[Objects.requireNonNull(data, "data").remaining()];
        data.duplicate().get(copy);
        return send(ByteBuffer.wrap(copy).asReadOnlyBuffer(), copy.length);
    }

    private boolean send(Object data, long size) {
        synchronized (lock) {
            if (state == ReadyState.OPEN && current.readyState() == ReadyState.OPEN) {
                if (data instanceof String text) {
                    current.send(text);
                } else {
                    current.send((ByteBuffer) data);
                }
                return true;
            }
            if (appClosed || state == ReadyState.CLOSED) {
                return false;
            }
            return pending.offer(data, size);
        }
    }

    /** Closes for good with an empty close frame; no retry follows. */
    public void close() {
        closeFinally(-1, null);
    }

    /** Closes for good with {@code code} and {@code reason} (validated as {@link WebSocket#close(int, String)}). */
    public void close(int code, String reason) {
        CloseArguments.checkCode(code);
        closeFinally(code, CloseArguments.checkReason(reason));
    }

    /**
     * Ends the socket: no retry after this. An open connection is closed with the code given; a connection
     * being made is failed, as {@link WebSocket#close()} does while CONNECTING (error, then close with
     * 1006); while waiting for the next attempt the socket does the same at once: it is CLOSED, and
     * {@code error} and {@code close} (1006) follow.
     */
    private void closeFinally(int code, String reason) {
        WebSocket ws;
        synchronized (lock) {
            if (appClosed || state == ReadyState.CLOSED) {
                return;
            }
            appClosed = true;
            pending.clear();
            if (betweenAttempts) {
                state = ReadyState.CLOSED; // at once, as promised, whichever thread asks
                if (waiting) {
                    waiting = false;
                    betweenAttempts = false;
                    WebSocket last = current;
                    Thread.ofVirtual().name("duplex-reconnect-end").start(() -> endWhileWaiting(last));
                }
                // else the close's events are still being fired: closed() ends the socket after them
                return;
            }
            if (state == ReadyState.OPEN) {
                state = ReadyState.CLOSING;
            }
            ws = current;
        }
        if (code < 0) {
            ws.close();
        } else {
            ws.close(code, reason);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Blocking conveniences (non-standard)

    /**
     * Waits until a connection is open and its open listeners have run, or the socket has ended, or the
     * timeout elapses. Not from this socket's own listeners (that would wait for itself).
     *
     * @return whether a connection is open
     */
    public boolean awaitOpen(Duration timeout) throws InterruptedException {
        return awaitState(timeout, true) == ReadyState.OPEN;
    }

    /**
     * Waits until the socket has ended for good (its last close listeners have run), or the timeout
     * elapses. Not from this socket's own listeners.
     *
     * @return the last connection's close event, or null on timeout
     */
    public CloseEvent awaitClosed(Duration timeout) throws InterruptedException {
        return awaitState(timeout, false) == ReadyState.CLOSED ? lastClose() : null;
    }

    private ReadyState awaitState(Duration timeout, boolean orOpen) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!ended && !(orOpen && state == ReadyState.OPEN && openDispatched)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return ended ? ReadyState.CLOSED : state;
        }
    }

    private CloseEvent lastClose() {
        synchronized (lock) {
            return lastClose;
        }
    }

    @Override
    public String toString() {
        return "ReconnectingWebSocket[" + url + ", " + readyState() + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // One connection after another

    /** Makes the next connection with this socket's listeners attached before it starts. Holds lock. */
    private WebSocket connect() {
        String next = policy.urlFor(url);
        return new WebSocket(next, options, ws -> {
            ws.setBinaryType(binaryType);
            ws.addEventListener("open", e -> opened(ws, e));
            ws.addEventListener("message", e -> fire(ws, e));
            ws.addEventListener("error", e -> fire(ws, e));
            ws.addEventListener("close", (CloseEvent e) -> closed(ws, e));
        });
    }

    private void opened(WebSocket ws, Event e) {
        synchronized (lock) {
            if (appClosed) {
                return; // close() was called meanwhile; it closes this connection
            }
            state = ReadyState.OPEN;
            openedAt = System.nanoTime();
            pending.drainTo(ws); // queued messages go first, in order
        }
        try {
            fire(ws, e);
        } finally {
            synchronized (lock) {
                openDispatched = true;
                lock.notifyAll();
            }
        }
    }

    private void closed(WebSocket ws, CloseEvent e) {
        int attempt = 0;
        Duration delay = null;
        synchronized (lock) {
            if (openedAt != 0 && System.nanoTime() - openedAt >= policy.maxDelay().toNanos()) {
                attempts = 0; // that connection stayed up: start the backoff again
            }
            openedAt = 0;
            openDispatched = false;
            lastClose = e;
            boolean retry = !appClosed && policy.retries(e.code())
                    && (policy.maxAttempts() == 0 || attempts < policy.maxAttempts());
            if (retry) {
                attempt = ++attempts;
                delay = backoff.delay(attempt);
                state = ReadyState.CONNECTING;
                betweenAttempts = true;
            } else {
                state = ReadyState.CLOSED;
                pending.clear();
            }
        }
        fire(ws, e);
        if (delay == null) {
            finish();
            return;
        }
        fire(ws, new ReconnectEvent(attempt, delay, e.code()));
        boolean closedMeanwhile;
        synchronized (lock) {
            closedMeanwhile = appClosed; // close() during the events above: end here, on this thread
            waiting = !closedMeanwhile;
            betweenAttempts = waiting;
        }
        if (closedMeanwhile) {
            endWhileWaiting(ws);
        } else {
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(this::retry);
        }
    }

    /** close() between two attempts: the socket fails as a WebSocket closed while CONNECTING does. */
    private void endWhileWaiting(WebSocket last) {
        end(last, new java.io.IOException("close() was called while waiting to reconnect"));
    }

    /** Ends the socket with error, then close 1006, caused by {@code cause}; after every earlier event. */
    private void end(WebSocket last, Exception cause) {
        CloseEvent close = new CloseEvent("close", false, 1006, "", cause);
        synchronized (lock) {
            state = ReadyState.CLOSED;
            pending.clear();
            lastClose = close;
        }
        try {
            fire(last, new ErrorEvent(cause));
            fire(last, close);
        } finally {
            finish();
        }
    }

    /** The last close listeners have run. */
    private void finish() {
        synchronized (lock) {
            ended = true;
            lock.notifyAll();
        }
    }

    private void retry() {
        synchronized (lock) {
            if (!waiting || appClosed) {
                return;
            }
            waiting = false;
            betweenAttempts = false;
            try {
                current = connect();
            } catch (RuntimeException badUrl) {
                // The hook made an invalid URL: end here, as a connection that could not be made.
                state = ReadyState.CLOSED;
                WebSocket last = current;
                Thread.ofVirtual().name("duplex-reconnect-end").start(() -> end(last, badUrl));
            }
        }
    }

    private void fire(WebSocket target, Event e) {
        listeners.dispatch(target, e, true);
    }
}
