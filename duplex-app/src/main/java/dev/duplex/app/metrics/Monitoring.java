package dev.duplex.app.metrics;

import dev.duplex.server.HttpHandler;
import dev.duplex.server.HttpReply;
import dev.duplex.server.WebSocketServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;

/**
 * An app server's operational endpoints on its own port: {@code /health} (200 while the process
 * runs, draining included), {@code /ready} (200 until draining starts, then 503, so a load
 * balancer sends new clients elsewhere first) and {@code /metrics} (Prometheus text: the
 * {@link DuplexMeters}, the write queue, JVM and process metrics from Micrometer's binders, and
 * whatever an app adds to {@link #registry()}).
 */
public final class Monitoring implements AutoCloseable {

    /** The Prometheus text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DuplexMeters meters = new DuplexMeters();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile WebSocketServer server;

    public Monitoring() {
        meters.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Adds the hook and the three endpoints to a server being built, {@code /health} answering 200. */
    public void install(WebSocketServer.Builder builder) {
        install(builder, request -> HttpReply.text(200, "ok\n"));
    }

    /**
     * As {@link #install(WebSocketServer.Builder)}, with the server's own {@code /health} (the chat's
     * says whether its Redis log answers).
     */
    public void install(WebSocketServer.Builder builder, HttpHandler health) {
        builder.metrics(meters)
                .http("/health", health)
                .http("/ready", request -> ready()
                        ? HttpReply.text(200, "ready\n")
                        : HttpReply.text(503, "draining\n"))
                .http("/metrics", request -> HttpReply.of(200, CONTENT_TYPE,
                        registry.scrape().getBytes(StandardCharsets.UTF_8)));
    }

    /** Binds what is read from the running server: readiness and the write queue. */
    public void attach(WebSocketServer started) {
        this.server = started;
        Gauge.builder("duplex.write.queue.bytes", started, WebSocketServer::bufferedAmount)
                .description("Bytes accepted for sending and not yet written, over all open connections")
                .register(registry);
    }

    private boolean ready() {
        WebSocketServer s = server;
        return s != null && !s.draining();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public DuplexMeters meters() {
        return meters;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
