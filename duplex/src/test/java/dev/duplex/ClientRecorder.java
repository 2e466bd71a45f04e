package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client API's recorder: every event a {@link WebSocket} fires (open, message, error, close), with
 * the readyState seen inside the listener and the thread, so a test asserts them in order. One of three
 * recorders, one per layer: {@code dev.duplex.testing.CoreRecorder} for the sans-I/O core,
 * {@code dev.duplex.transport.ChannelRecorder} for the transport's channel listener, this one for the
 * client API, {@code dev.duplex.server.ServerRecorder} for the server API. Generous timeouts: a loaded
 * 2-core machine must not make it flaky.
 */
final class ClientRecorder {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One dispatched event and what the listener saw. */
    record Seen(Event event, ReadyState state, Thread thread) {
        String type() {
            return event.type();
        }
    }

    final BlockingQueue<Seen> events = new LinkedBlockingQueue<>();

    /** A recorder listening on {@code ws}; for a socket that may already be connecting, prefer {@link #connect}. */
    static ClientRecorder on(WebSocket ws) {
        ClientRecorder r = new ClientRecorder();
        r.attach(ws);
        return r;
    }

    private final List<WebSocket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    void attach(WebSocket ws) {
        sockets.add(ws);
        for (String type : List.of("open", "message", "error", "close")) {
            ws.addEventListener(type, e -> events.add(new Seen(e, ws.readyState(), Thread.currentThread())));
        }
    }

    /**
     * Connects to {@code url} with this recorder (and {@code setup}) attached before connecting starts, so
     * not even a very fast open or failure can be missed.
     */
    WebSocket connect(String url, WebSocketOptions options, java.util.function.Consumer<WebSocket> setup) {
        return new WebSocket(url, options, s -> {
            attach(s);
            setup.accept(s);
        });
    }

    WebSocket connect(String url, java.util.function.Consumer<WebSocket> setup) {
        return connect(url, WebSocketOptions.defaults(), setup);
    }

    WebSocket connect(String url) {
        return connect(url, s -> { });
    }

    Seen next() throws InterruptedException {
        Seen s = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            dumpThreads();
            sockets.forEach(ws -> System.out.println("SOCKET " + ws.debugState()));
            if (ServerTestBase.server != null) {
                ServerTestBase.server.server.connections().forEach(c -> System.out.println("SERVER-SIDE "
                        + c.remoteAddress() + " " + c.readyState() + " buffered=" + c.bufferedAmount()));
            }
        }
        assertThat(s).as("an event within " + TIMEOUT).isNotNull();
        return s;
    }

    Seen next(String type) throws InterruptedException {
        Seen s = next();
        assertThat(s.type()).as("%s", describe(s.event())).isEqualTo(type);
        return s;
    }

    /** Prints the Duplex threads: what a hang was waiting for. */
    static void dumpThreads() {
        try { // virtual threads included, which getAllStackTraces leaves out
            java.nio.file.Path f = java.nio.file.Files.createTempFile("duplex-threads", ".txt");
            java.nio.file.Files.delete(f);
            new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(ProcessHandle.current().pid()), "Thread.dump_to_file", "-format=text", f.toString())
                    .redirectErrorStream(true).start().waitFor();
            System.out.println("THREAD DUMP " + f);
        } catch (Exception e) {
            System.out.println("no thread dump: " + e);
        }
        for (var e : Thread.getAllStackTraces().entrySet()) {
            String name = e.getKey().getName();
            if (name.contains("duplex") || name.contains("raw-server")) {
                System.out.println("THREAD " + name + " " + e.getKey().getState());
                for (StackTraceElement f : e.getValue()) {
                    System.out.println("    at " + f);
                }
            }
        }
    }

    static String describe(Event e) {
        if (e instanceof CloseEvent c) {
            return c + (c.cause() == null ? "" : " cause: " + stack(c.cause()));
        }
        if (e instanceof ErrorEvent err) {
            return "error, cause: " + (err.cause() == null ? "none" : stack(err.cause()));
        }
        return e.toString();
    }

    private static String stack(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    MessageEvent message() throws InterruptedException {
        return (MessageEvent) next("message").event();
    }

    CloseEvent close() throws InterruptedException {
        return (CloseEvent) next("close").event();
    }

    /** The types of all remaining events up to and including close. */
    List<String> typesUntilClose() throws InterruptedException {
        List<String> types = new ArrayList<>();
        while (true) {
            Seen s = next();
            types.add(s.type());
            if (s.type().equals("close")) {
                return types;
            }
        }
    }

    /** After close, nothing else may come: close is last and fires once. */
    void assertNoMore(WebSocket ws) throws InterruptedException {
        // awaitClose returns once the close task has finished; later message tasks see CLOSED and drop.
        assertThat(ws.awaitClose(TIMEOUT)).isNotNull();
        assertThat(events).isEmpty();
    }
}
