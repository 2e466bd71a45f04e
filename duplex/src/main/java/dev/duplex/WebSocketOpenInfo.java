package dev.duplex;

import dev.duplex.stream.ReadBuffer;
import dev.duplex.stream.WriteFlow;
import dev.duplex.stream.WriteSubscriber;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@link WebSocketStream#opened()} completes with, as the browser's {@code WebSocketOpenInfo}:
 * the negotiated {@link #protocol()} and {@link #extensions()}, and the two sides of the connection.
 *
 * <p>Each side has one consumer, like a locked browser stream: the first of {@link #reader()} and
 * {@link #readable()}{@code .subscribe(…)} wins, and a second attempt throws
 * {@link IllegalStateException}; the same for {@link #writer()} and {@link #writable()}.
 */
public final class WebSocketOpenInfo {

    /** Messages a {@link #writable()} subscriber has in flight at most. */
    private static final int WRITE_WINDOW = 16;

    private final String protocol;
    private final String extensions;
    private final ReadBuffer readBuffer;
    private final Flow.Publisher<Object> readable;
    private final WriteFlow writer;
    private final Runnable closeWritable;
    private final AtomicBoolean writeClaimed = new AtomicBoolean();

    WebSocketOpenInfo(String protocol, String extensions, ReadBuffer readBuffer, Runnable cancelReadable,
                      WriteFlow writer, Runnable closeWritable) {
        this.protocol = protocol;
        this.extensions = extensions;
        this.readBuffer = readBuffer;
        this.readable = readBuffer.publisher(cancelReadable);
        this.writer = writer;
        this.closeWritable = closeWritable;
    }

    /** The subprotocol the server selected, or "". */
    public String protocol() {
        return protocol;
    }

    /** The extensions the server selected ({@code Sec-WebSocket-Extensions}), or "". */
    public String extensions() {
        return extensions;
    }

    /**
     * The messages, as a publisher that honours {@code request(n)}: what is not requested stays in the
     * read buffer, and a full buffer pauses the socket. Text is a {@link String}, binary a read-only
     * {@link java.nio.ByteBuffer}. {@code onComplete} follows a clean close, {@code onError} (with a
     * {@link WebSocketError}) an unclean one. Cancelling the subscription stops delivery and closes the
     * connection with 1000. Signals run on a virtual thread, one at a time.
     *
     * <p>Unlike Reactive Streams rule 1.9, a second {@code subscribe} (or one after {@link #reader()})
     * throws {@link IllegalStateException} rather than signalling it.
     */
    public Flow.Publisher<Object> readable() {
        return readable;
    }

    /**
     * A blocking reader for virtual threads.
     *
     * @throws IllegalStateException when the readable side already has a reader or subscriber
     */
    public WebSocketStreamReader reader() {
        readBuffer.claim();
        return readBuffer;
    }

    /**
     * A subscriber a publisher can be connected to: each item ({@code String}, {@code ByteBuffer} or
     * {@code byte[]}) is sent as a message; at most 16 are in flight, more are requested as their bytes
     * leave. Its {@code onComplete} and {@code onError} close the connection (an empty close frame).
     *
     * @throws IllegalStateException when the writable side already has a writer
     */
    public Flow.Subscriber<Object> writable() {
        claimWrite();
        return new WriteSubscriber(writer, closeWritable, WRITE_WINDOW);
    }

    /**
     * A writer whose futures complete as the bytes leave.
     *
     * @throws IllegalStateException when the writable side already has a writer or subscriber
     */
    public WebSocketStreamWriter writer() {
        claimWrite();
        return writer;
    }

    private void claimWrite() {
        if (!writeClaimed.compareAndSet(false, true)) {
            throw new IllegalStateException("the writable side already has a producer (writer() or writable())");
        }
    }

    @Override
    public String toString() {
        return "WebSocketOpenInfo[protocol=" + protocol + ", extensions=" + extensions + "]";
    }
}
