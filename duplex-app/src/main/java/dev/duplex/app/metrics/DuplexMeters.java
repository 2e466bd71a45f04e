package dev.duplex.app.metrics;

import dev.duplex.metrics.Limit;
import dev.duplex.metrics.WebSocketMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The library's {@link WebSocketMetrics} counted in {@link LongAdder}s (the event loops add without
 * contending or allocating) and read by Micrometer only when scraped. Names as served in Prometheus
 * text: {@code duplex_connections_open}, {@code duplex_connections_opened_total},
 * {@code duplex_messages_received_total}, {@code duplex_messages_sent_total},
 * {@code duplex_bytes_received_total}, {@code duplex_bytes_sent_total},
 * {@code duplex_closes_total{code}}, {@code duplex_handshakes_rejected_total{status}},
 * {@code duplex_limits_exceeded_total{limit}}, {@code duplex_slow_consumers_closed_total}.
 *
 * <p>Bounded labels: {@code code} is 1000-1015 as itself and application codes folded into
 * {@code 3xxx} and {@code 4xxx} (a peer picks those, so one series each would let it make as many
 * as it likes); {@code status} is what the server answers, a handful; {@code limit} is a
 * {@link Limit}. A series appears when its first event does.
 */
public final class DuplexMeters implements WebSocketMetrics {

    /** Slots for close codes: 1000-1015, then 3xxx, 4xxx and anything else. */
    private static final int CODE_3XXX = 16;
    private static final int CODE_4XXX = 17;
    private static final int CODE_OTHER = 18;

    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder slowConsumers = new LongAdder();
    private final LongAdder[] closes = adders(CODE_OTHER + 1);
    private final LongAdder[] limits = adders(Limit.values().length);
    private final boolean[] closesShown = new boolean[closes.length];
    private final boolean[] limitsShown = new boolean[limits.length];
    private final ConcurrentMap<Integer, LongAdder> rejections = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    /** Registers the meters with {@code registry} (once). */
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("duplex.connections.open", this, DuplexMeters::openNow)
                .description("WebSocket connections open now").register(registry);
        counter(registry, "duplex.connections.opened", opened, "WebSocket opening handshakes that succeeded");
        counter(registry, "duplex.messages.received", messagesReceived, "Data messages received");
        counter(registry, "duplex.messages.sent", messagesSent, "Data messages sent");
        counter(registry, "duplex.bytes.received", bytesReceived, "Bytes read from sockets (after TLS)");
        counter(registry, "duplex.bytes.sent", bytesSent, "Bytes written to sockets (after TLS)");
        counter(registry, "duplex.slow.consumers.closed", slowConsumers,
                "Connections closed for falling behind on what they are sent");
    }

    /** Opened minus closed: the connections open now. */
    public long openNow() {
        return opened.sum() - closed.sum();
    }

    @Override
    public void connectionOpened() {
        opened.increment();
    }

    @Override
    public void connectionClosed(int code) {
        closed.increment();
        int slot = slot(code);
        closes[slot].increment();
        if (!closesShown[slot]) {
            closesShown[slot] = true; // racy on purpose: registering twice returns the same meter
            show("duplex.closes", "code", label(slot), closes[slot], "WebSocket connections closed, by close code");
        }
    }

    @Override
    public void handshakeRejected(int status) {
        rejections.computeIfAbsent(status, s -> {
            LongAdder adder = new LongAdder();
            show("duplex.handshakes.rejected", "status", Integer.toString(s), adder,
                    "Requests answered with an error status and closed, by status");
            return adder;
        }).increment();
    }

    @Override
    public void messageReceived() {
        messagesReceived.increment();
    }

    @Override
    public void messageSent() {
        messagesSent.increment();
    }

    @Override
    public void bytesReceived(long bytes) {
        bytesReceived.add(bytes);
    }

    @Override
    public void bytesSent(long bytes) {
        bytesSent.add(bytes);
    }

    @Override
    public void limitExceeded(Limit limit) {
        int i = limit.ordinal();
        limits[i].increment();
        if (!limitsShown[i]) {
            limitsShown[i] = true;
            show("duplex.limits.exceeded", "limit", limit.name().toLowerCase(Locale.ROOT), limits[i],
                    "Connections closed or messages dropped by a limit, by limit");
        }
    }

    @Override
    public void slowConsumerClosed() {
        slowConsumers.increment();
    }

    private void show(String name, String tag, String value, LongAdder adder, String description) {
        MeterRegistry r = registry;
        if (r != null) {
            FunctionCounter.builder(name, adder, LongAdder::sum).tag(tag, value).description(description).register(r);
        }
    }

    private static void counter(MeterRegistry registry, String name, LongAdder adder, String description) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
    }

    static int slot(int code) {
        if (code >= 1000 && code <= 1015) {
            return code - 1000;
        }
        if (code >= 3000 && code <= 3999) {
            return CODE_3XXX;
        }
        return code >= 4000 && code <= 4999 ? CODE_4XXX : CODE_OTHER;
    }

    static String label(int slot) {
        return switch (slot) {
            case CODE_3XXX -> "3xxx";
            case CODE_4XXX -> "4xxx";
            case CODE_OTHER -> "other";
            default -> Integer.toString(1000 + slot);
        };
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
