package dev.duplex;

import dev.duplex.concurrent.SerialExecutor;
import dev.duplex.protocol.Utf8;
import dev.duplex.stream.ReadBuffer;
import dev.duplex.stream.ReadControl;
import dev.duplex.stream.WriteFlow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A WebSocket client with the browser's {@code WebSocketStream} shape (Chrome 124+, Deno; WHATWG
 * websockets PR #48), in Java terms: {@link #opened()} completes with the connection's two sides,
 * and both sides have backpressure.
 *
 * <pre>{@code
 * var ws = new WebSocketStream("wss://echo.example/");
 * WebSocketOpenInfo open = ws.opened().join();
 * WebSocketStreamWriter writer = open.writer();
 * WebSocketStreamReader reader = open.reader();
 * writer.write("hello").join();              // completes when the bytes have left
 * Object reply = reader.read();               // blocks (use a virtual thread); null after a clean close
 * ws.close(new WebSocketCloseInfo(1000, "done"));
 * WebSocketCloseInfo closed = ws.closed().join();
 * }</pre>
 *
 * <h2>Backpressure</h2>
 * <b>Receiving:</b> messages wait in a read buffer (16 messages or 1 MiB by default,
 * {@link WebSocketStreamOptions.Builder#readBuffer}); when it is full, Duplex stops reading the socket,
 * so the server's TCP send window fills and its sends stall; reading resumes when the reader has taken
 * it down to half. Memory stays bounded by the buffer plus one read, whatever the server sends.
 * <b>Sending:</b> at most 256 KiB ({@link WebSocketStreamOptions.Builder#writeBuffer}) is handed to
 * the network layer at a time; a write's future completes when its bytes have been written to the
 * socket, in order; a writer that waits for each future never grows a queue.
 *
 * <h2>Closing</h2>
 * {@link #close(WebSocketCloseInfo)} validates code and reason as the classic {@link WebSocket#close}
 * does. Once it returns, writes fail; earlier writes still go out before the close frame. Reading
 * carries on (also past a full buffer, so the server's close frame can arrive; a message that then finds
 * the buffer full is dropped). {@link #closed()} completes with the server's code and reason after a
 * clean closing handshake (1005 and "" for an empty close frame), and fails with a
 * {@link WebSocketError} otherwise; {@link #opened()} fails for anything that stops the connection
 * before it opens (refused, TLS, a failed handshake, a subprotocol not offered or missing).
 *
 * <h2>Threading</h2>
 * All methods are thread-safe and never block. Futures complete, and the publisher signals, on virtual
 * threads, never on the transport's event loop.
 */
public final class WebSocketStream {

    private enum Phase { CONNECTING, OPEN, CLOSING }

    private final WebSocketUrl url;
    private final List<String> protocols;
    private final ClientConnector.Link link;
    private final ReadBuffer readBuffer;
    private final WriteFlow writer;
    /** Completes the futures in event order, off the event loop. */
    private final SerialExecutor lifecycle = SerialExecutor.virtual("duplex-stream");
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.CONNECTING);
    private final CompletableFuture<WebSocketOpenInfo> opened = new CompletableFuture<>();
    private final CompletableFuture<WebSocketCloseInfo> closed = new CompletableFuture<>();

    /** {@code new WebSocketStream(url)}: no subprotocols, default buffers. */
    public WebSocketStream(String url) {
        this(url, WebSocketStreamOptions.defaults());
    }

    /**
     * {@code new WebSocketStream(url, options)}; connecting starts at once.
     *
     * @throws DomException SyntaxError, as the classic constructor: the URL cannot be parsed, has a
     *         scheme other than ws/wss/http/https or a fragment, or a subprotocol repeats or is not a token
     */
    public WebSocketStream(String url, WebSocketStreamOptions options) {
        this(url, options, TransportConnector.INSTANCE);
    }

    WebSocketStream(String url, WebSocketStreamOptions options, ClientConnector connector) {
        Objects.requireNonNull(options, "options");
        WebSocketOptions socket = options.socketOptions();
        // The classic constructor's checks, in its order: URL first, then protocols.
        this.url = WebSocketUrl.parse(Objects.requireNonNull(url, "url"), socket.baseUrl());
        this.protocols = Protocols.validate(socket.protocols());
        // Messages go into the read buffer on the event loop, so a full buffer pauses the very next read.
        // The transport's own send limit only backs up the writer's: it can hold everything queued.
        WebSocketOptions onLoop = socket.toBuilder().dispatchOnLoop(true)
                .maxBufferedAmount(options.maxQueuedBytes() + options.writeBufferBytes()).build();
        this.link = connector.prepare(new ClientConnector.Request(this.url, protocols, onLoop), new Feedback());
        this.readBuffer = new ReadBuffer(options.readBufferMessages(), options.readBufferBytes(), new ReadControl() {
            @Override
            public void pause() {
                link.pauseReading();
            }

            @Override
            public void resume() {
                link.resumeReading();
            }
        });
        this.writer = new WriteFlow(new LinkSink(), options.writeBufferBytes(), options.maxQueuedBytes(), Utf8::toUsv);
        link.start();
    }

    /** The URL, serialised as the classic {@link WebSocket#url()}. */
    public String url() {
        return url.serialise();
    }

    /**
     * Completes when the connection opens; fails with a {@link WebSocketError} if it never does. Each call
     * returns a new dependent future, so completing one by hand changes nothing for other callers.
     */
    public CompletableFuture<WebSocketOpenInfo> opened() {
        return opened.copy();
    }

    /**
     * Completes with the server's close code and reason after a clean closing handshake; fails with a
     * {@link WebSocketError} (close code 1006) when the connection was refused, failed or dropped. A new
     * dependent future per call, as {@link #opened()}.
     */
    public CompletableFuture<WebSocketCloseInfo> closed() {
        return closed.copy();
    }

    /** Starts the closing handshake with an empty close frame ({@link #closed()} then reports 1005, ""). */
    public void close() {
        closeChecked(-1, "");
    }

    /**
     * Starts the closing handshake with {@code info}'s code and reason; while connecting, gives up instead
     * ({@link #opened()} and {@link #closed()} fail). Once closing, does nothing.
     *
     * @throws DomException InvalidAccessError unless the code is 1000 or 3000–4999; SyntaxError when the
     *         reason is longer than 123 UTF-8 bytes — exactly as {@link WebSocket#close(int, String)}
     */
    public void close(WebSocketCloseInfo info) {
        Objects.requireNonNull(info, "info");
        CloseArguments.checkCode(info.closeCode());
        closeChecked(info.closeCode(), CloseArguments.checkReason(info.reason()));
    }

    private void closeChecked(int code, String reason) {
        while (true) {
            Phase p = phase.get();
            if (p == Phase.CLOSING) {
                return;
            }
            if (phase.compareAndSet(p, Phase.CLOSING)) {
                readBuffer.stopPausing(); // the server's close frame must be read
                if (p == Phase.CONNECTING) {
                    writer.shut(() -> link.fail(new IOException("close() was called before the connection opened")));
                } else {
                    writer.shut(() -> link.close(code, reason));
                }
                return;
            }
        }
    }

    /** For tests: payload bytes the transport reported written to the socket since the connection opened. */
    long transportWritten() {
        return writer.writtenBytes();
    }

    /** For tests: whether the read buffer is full (the socket is paused). */
    boolean readBufferFull() {
        return readBuffer.paused();
    }

    /** For tests: payload bytes the transport holds, not yet written (the writer keeps it bounded). */
    long transportQueued() {
        return link.outstanding();
    }

    @Override
    public String toString() {
        return "WebSocketStream[" + url() + ", " + phase.get() + (closed.isDone() ? ", closed" : "") + "]";
    }

    /** What the connection reports, on the transport's event loop: nothing here blocks. */
    private final class Feedback implements ClientConnector.Events {

        @Override
        public void opened(String protocol, String extensions) {
            String wrong = Protocols.checkSelected(protocols, protocol);
            if (wrong != null) {
                link.fail(new IOException(wrong));
                return;
            }
            if (!phase.compareAndSet(Phase.CONNECTING, Phase.OPEN)) {
                return; // close() came first: the connection is being failed
            }
            writer.open();
            WebSocketOpenInfo info = new WebSocketOpenInfo(protocol == null ? "" : protocol,
                    extensions == null ? "" : extensions, readBuffer,
                    () -> closeChecked(1000, ""), writer, WebSocketStream.this::close);
            lifecycle.execute(() -> opened.complete(info));
        }

        @Override
        public void text(String text) {
            readBuffer.offer(text);
        }

        @Override
        public void binary(ByteBuffer data) {
            readBuffer.offer(data.asReadOnlyBuffer());
        }

        @Override
        public void written(long bytes) {
            writer.written(bytes);
        }

        @Override
        public void closing(int code, String reason) {
            // The server started the closing handshake; the transport echoes it.
        }

        @Override
        public void closed(int code, String reason, boolean wasClean, boolean failed, Throwable cause) {
            boolean clean = wasClean && !failed && code != 1006 && code != 1015;
            WebSocketError error = clean ? null : new WebSocketError(cause == null
                    ? "the connection closed without a closing handshake" : cause.getMessage(), 1006, "", cause);
            readBuffer.end(error);
            writer.end(error);
            lifecycle.execute(() -> {
                if (clean) {
                    opened.completeExceptionally(new WebSocketError("closed before it opened", code, reason, null));
                    closed.complete(new WebSocketCloseInfo(code, reason == null ? "" : reason));
                } else {
                    opened.completeExceptionally(error);
                    closed.completeExceptionally(error);
                }
            });
        }
    }

    /** The writer's view of the link. */
    private final class LinkSink implements WriteFlow.Sink {
        @Override
        public boolean sendText(String text) {
            return link.sendText(text, dev.duplex.protocol.Utf8.encodedLength(text)); // the transport counts it into bufferedAmount
        }

        @Override
        public boolean sendBinary(ByteBuffer data) {
            return link.sendBinary(data, data.remaining());
        }

        @Override
        public long buffered() {
            return link.outstanding();
        }

    }
}
