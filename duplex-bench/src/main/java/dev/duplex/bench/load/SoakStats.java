package dev.duplex.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one app's soak counted: connection churn, failures, and the round-trip latency of every message a
 * client got back (its own echo, or its own chat message broadcast back to it), in one histogram per
 * minute of the run. Thread-safe.
 */
final class SoakStats {

    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);

    final LongAdder drops = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder failedConnects = new LongAdder();
    /** Why the last failed connect failed, or null. */
    volatile String lastFailure;
    /** Connections of clients meant to stay up that ended anyway (a close frame, EOF, an error). */
    final LongAdder unexpectedCloses = new LongAdder();
    /** Other members' chat messages delivered to a client. */
    final LongAdder othersDelivered = new LongAdder();

    private final long startNanos;
    private final ConcurrentHistogram[] minutes;

    SoakStats(long startNanos, long durationNanos) {
        this.startNanos = startNanos;
        int n = (int) (TimeUnit.NANOSECONDS.toMinutes(durationNanos) + 2);
        minutes = new ConcurrentHistogram[n];
        for (int i = 0; i < n; i++) {
            minutes[i] = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
        }
    }

    /** A message sent at {@code sentNanos} came back at {@code nowNanos}; counted in the minute it was sent. */
    void latency(long sentNanos, long nowNanos) {
        int minute = (int) Math.min(minutes.length - 1, Math.max(0, TimeUnit.NANOSECONDS.toMinutes(sentNanos - startNanos)));
        long micros = Math.min(MAX_LATENCY_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(nowNanos - sentNanos)));
        minutes[minute].recordValue(micros);
    }

    /** The histogram of minute {@code i} (from 0); empty after the last minute of the run. */
    Histogram minute(int i) {
        return minutes[i];
    }

    int minuteCount() {
        int last = minutes.length;
        while (last > 0 && minutes[last - 1].getTotalCount() == 0) {
            last--;
        }
        return last;
    }
}
