package dev.duplex.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.duplex.DomException;
import dev.duplex.WebSocketError;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The write queue against a recording sink whose "network" the test moves by hand: how much is handed
 * over at a time (the high-water mark), that a future completes only once the sink's written count has
 * passed the write's bytes, in order, the queue limit (at it and past it), and closing and ending.
 */
class WriteFlowTest {

    /** A sink that takes every send and writes only when told to (then tells the flow, as the loop does). */
    static final class ManualSink implements WriteFlow.Sink {
        final List<Object> sent = new ArrayList<>();
        long handed;
        long written;
        WriteFlow flow;
        boolean refuse;

        @Override
        public synchronized boolean sendText(String text) {
            return take(text, WriteFlow.utf8Length(text));
        }

        @Override
        public synchronized boolean sendBinary(ByteBuffer data) {
            return take(data, data.remaining());
        }

        private boolean take(Object m, long size) {
            if (refuse) {
                return false;
            }
            sent.add(m);
            handed += size;
            return true;
        }

        @Override
        public synchronized long buffered() {
            return handed - written;
        }

        /** The network takes {@code bytes} more. */
        void write(long bytes) {
            synchronized (this) {
                written += bytes;
            }
            flow.written(bytes);
        }

        synchronized int sentCount() {
            return sent.size();
        }
    }

    private final ManualSink sink = new ManualSink();
    private final WriteFlow flow = new WriteFlow(sink, 100, 1000, UnaryOperator.identity());

    {
        sink.flow = flow;
    }

    private static void await(CompletableFuture<Void> f) throws Exception {
        f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void handsOverUpToTheHighWaterMarkAndCompletesAsBytesLeave() throws Exception {
        flow.open();
        List<CompletableFuture<Void>> f = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            f.add(flow.write(new byte[60]));
        }
        assertThat(sink.sentCount()).as("60 < 100, then 120: stop").isEqualTo(2);
        assertThat(f).noneMatch(CompletableFuture::isDone);
        sink.write(59); // one byte short of the first write
        sink.write(1);
        await(f.get(0));
        assertThat(f.get(1)).isNotDone();
        // 60 buffered now, under the mark: the third goes out (the settle runs on a virtual thread)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sink.sentCount() < 3 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(sink.sentCount()).isEqualTo(3);
        sink.write(60 * 4);
        for (CompletableFuture<Void> w : f) {
            await(w);
        }
        assertThat(sink.sentCount()).isEqualTo(5);
    }

    @Test
    void queueLimitAtAndPast() throws Exception {
        flow.open();
        flow.write(new byte[100]); // handed over: the transport holds 100, the mark
        CompletableFuture<Void> atLimit = null;
        for (int i = 0; i < 10; i++) {
            atLimit = flow.write(new byte[100]); // 1000 waiting: at the limit
        }
        assertThat(atLimit).isNotDone();
        Throwable past = catchThrowable(() -> flow.write(new byte[1]).get(30, TimeUnit.SECONDS));
        assertThat(past).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
        sink.write(1100);
        await(atLimit);
    }

    @Test
    void shutHandsEverythingOverThenCloses() throws Exception {
        flow.open();
        CompletableFuture<Void> a = flow.write("x".repeat(150));
        CompletableFuture<Void> b = flow.write("y".repeat(150));
        assertThat(sink.sentCount()).isEqualTo(1);
        List<String> order = new ArrayList<>();
        flow.shut(() -> order.add("close after " + sink.sentCount()));
        assertThat(order).containsExactly("close after 2");
        Throwable late = catchThrowable(() -> flow.write("z").get(30, TimeUnit.SECONDS));
        assertThat(late.getCause()).isInstanceOf(DomException.class);
        sink.write(300);
        await(a);
        await(b);
    }

    @Test
    void endCompletesWhatLeftAndFailsTheRest() throws Exception {
        flow.open();
        CompletableFuture<Void> out = flow.write(new byte[50]);
        CompletableFuture<Void> dropped = flow.write(new byte[50]);
        sink.write(50);
        WebSocketError error = new WebSocketError("dropped", 1006, "", null);
        flow.end(error);
        await(out);
        Throwable t = catchThrowable(() -> dropped.get(30, TimeUnit.SECONDS));
        assertThat(t.getCause()).isSameAs(error);
        assertThat(catchThrowable(() -> flow.write("after").get(30, TimeUnit.SECONDS)).getCause()).isSameAs(error);
    }

    @Test
    void textCountsTheBytesTheConnectionCounts() {
        assertThat(WriteFlow.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
        assertThat(WriteFlow.utf8Length("\uD800")).as("a lone surrogate is sent as '?'").isEqualTo(1);
    }
}
