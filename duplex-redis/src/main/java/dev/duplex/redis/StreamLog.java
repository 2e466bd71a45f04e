package dev.duplex.redis;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Bounded, ordered logs (streams) shared by every process that uses the same engine: each entry
 * gets an id ({@link StreamId}) increasing in the stream's order, and every follower of a stream
 * sees its entries in that order, each once.
 *
 * <p>Contract: no method blocks; sinks are called one batch at a time per stream, in order, and
 * must not block (hand the batch to your own executor). The log keeps about {@code capacity}
 * entries per stream; older ones are trimmed.
 */
public interface StreamLog extends AutoCloseable {

    /** One entry: its position and the text appended. */
    record Entry(StreamId id, String body) {}

    /**
     * Appends {@code body} to {@code stream}.
     *
     * @return completes with the entry's id once it is stored, exceptionally if it was refused
     *         (e.g. the engine stayed unreachable past the log's timeout)
     */
    CompletionStage<StreamId> append(String stream, String body);

    /**
     * Starts following {@code stream}: {@code sink} is called first, exactly once, with the last
     * {@code last} entries (oldest first, maybe none), then with every later entry, in order,
     * each once, in batches. One follower per stream and log.
     */
    void follow(String stream, int last, Consumer<List<Entry>> sink);

    /**
     * The entries after {@code after} up to and including {@code upTo}, oldest first, at most
     * {@code limit}. Completes with null when the log does not hold {@code after} (trimmed, lost,
     * or never there); with an empty list when it does and nothing follows it up to {@code upTo}.
     */
    CompletionStage<List<Entry>> range(String stream, StreamId after, StreamId upTo, int limit);

    /** Whether the engine answered lately (always true in memory). */
    boolean reachable();

    /** Stops following and closes connections; appends in flight may be lost. */
    @Override
    void close();
}
