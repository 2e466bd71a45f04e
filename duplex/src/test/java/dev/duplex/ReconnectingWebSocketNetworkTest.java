package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.server.OriginPolicy;
import dev.duplex.server.ServerWebSocket;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.WebSocketServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ReconnectingWebSocket} against Duplex's own server that is stopped and restarted on the same
 * port, that drops TCP, that closes with each class of close code, and against a peer that stops
 * answering pings. Backoff is milliseconds here so nothing waits long; no assertion is about time.
 */
class ReconnectingWebSocketNetworkTest {

    /** Backoff small enough that retries follow at once, keep-alive off unless a test wants it. */
    private static final ReconnectOptions FAST = ReconnectOptions.builder()
            .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
            .noKeepAlive()
            .build();

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    /** The query string of every upgrade request the servers accepted, in order. */
    private final BlockingQueue<String> accepted = new LinkedBlockingQueue<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // A server that goes away and comes back

    @Test
    void comesBackAfterTheServerIsStoppedAndRestartedAndSendsWhatWasQueuedMeanwhile() throws Exception {
        WebSocketServer first = server(0);
        int port = first.port();
        Events r = new Events();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + port + "/echo", FAST);
        r.next("open");

        first.stop(); // graceful: 1001 going away
        assertThat(r.nextClose().code()).isEqualTo(1001);
        assertThat(((ReconnectEvent) r.next("reconnecting").event()).code()).isEqualTo(1001);
        // Down: sends are held, attempts are refused (1006) and retried.
        assertThat(ws.send("held 1")).isTrue();
        assertThat(ws.send("held 2".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        r.skipUntilRefused();

        server(port);
        r.skipUntil("open");
        assertThat(r.next("message").event()).isInstanceOfSatisfying(MessageEvent.class,
                m -> assertThat(m.data()).isEqualTo("held 1"));
        assertThat(r.next("message").event()).isInstanceOfSatisfying(MessageEvent.class,
                m -> assertThat(m.isText()).isFalse());
        assertThat(ws.queuedMessages()).isZero();

        ws.close(1000, "bye");
        assertThat(r.nextClose().code()).isEqualTo(1000);
        assertThat(r.lastState).isEqualTo(ReadyState.CLOSED);
        assertThat(ws.awaitClosed(TIMEOUT).code()).isEqualTo(1000);
        assertThat(ws.send("after the end")).isFalse();
        r.assertExhausted();
    }

    @Test
    void comesBackAfterTheServerDropsTcpWithoutAClose() throws Exception {
        WebSocketServer server = server(0);
        Events r = new Events();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + server.port() + "/echo", FAST);
        r.next("open");
        server.connections().forEach(ServerWebSocket::terminate);
        r.next("error");
        assertThat(r.nextClose().code()).isEqualTo(1006);
        assertThat(r.lastState).as("readyState in the close listener of a drop").isEqualTo(ReadyState.CONNECTING);
        r.next("reconnecting");
        r.next("open");
        assertThat(ws.send("still here")).isTrue();
        assertThat(((MessageEvent) r.next("message").event()).data()).isEqualTo("still here");
        ws.close();
        r.nextClose();
        assertThat(ws.readyState()).isEqualTo(ReadyState.CLOSED);
    }

    // ---------------------------------------------------------------------------------------------
    // The close-code policy

    @ParameterizedTest(name = "server closes with {0}: retried")
    @ValueSource(ints = {1001, 1011, 1012, 1013, 1014, -1 /* no code: 1005 */})
    void retriesCodesThatMeanComeBack(int code) throws Exception {
        WebSocketServer server = server(0);
        Events r = new Events();
        ReconnectingWebSocket ws = r.connect(closeUrl(server, code), FAST);
        r.next("open");
        int expected = code < 0 ? 1005 : code;
        assertThat(r.nextClose().code()).isEqualTo(expected);
        assertThat(((ReconnectEvent) r.next("reconnecting").event()).attempt()).isEqualTo(1);
        r.next("open"); // a second connection: the retry happened
        ws.close();
        assertThat(ws.awaitClosed(TIMEOUT)).isNotNull();
        assertThat(ws.readyState()).isEqualTo(ReadyState.CLOSED);
    }

    @ParameterizedTest(name = "server closes with {0}: ends")
    @ValueSource(ints = {1000, 1002, 1003, 1007, 1008, 1009, 1010, 3000, 4000, 4999})
    void endsOnCodesThatMeanDoNotComeBack(int code) throws Exception {
        WebSocketServer server = server(0);
        Events r = new Events();
        ReconnectingWebSocket ws = r.connect(closeUrl(server, code), FAST);
        r.next("open");
        assertThat(r.nextClose().code()).isEqualTo(code);
        assertThat(r.lastState).as("readyState in the last close listener").isEqualTo(ReadyState.CLOSED);
        assertThat(ws.awaitClosed(TIMEOUT).code()).isEqualTo(code);
        assertThat(accepted).as("connections made").hasSize(1);
        r.assertExhausted();
    }

    @Test
    void retriesAnApplicationCodeWhenTheAppSaysSo() throws Exception {
        WebSocketServer server = server(0);
        Events r = new Events();
        ReconnectOptions policy = ReconnectOptions.builder()
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).noKeepAlive()
                .retryWhen(ReconnectOptions.DEFAULT_RETRY.or(c -> c == 4000))
                .build();
        ReconnectingWebSocket ws = r.connect(closeUrl(server, 4000), policy);
        r.next("open");
        assertThat(r.nextClose().code()).isEqualTo(4000);
        r.next("reconnecting");
        r.next("open");
        ws.close();
        assertThat(ws.awaitClosed(TIMEOUT)).isNotNull();
    }

    @Test
    void theAppsOwnCloseIsNeverRetried() throws Exception {
        WebSocketServer server = server(0);
        Events r = new Events();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + server.port() + "/echo", FAST);
        r.next("open");
        ws.close(4001, "done"); // a code that the policy would retry if the server sent it is irrelevant here
        assertThat(r.nextClose().code()).isEqualTo(4001);
        assertThat(r.lastState).isEqualTo(ReadyState.CLOSED);
        assertThat(accepted).hasSize(1);
        r.assertExhausted();
    }

    // ---------------------------------------------------------------------------------------------
    // Attempts, the wait, the URL hook, the queue

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        Events r = new Events();
        ReconnectOptions policy = ReconnectOptions.builder()
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).noKeepAlive().maxAttempts(3).build();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + closedPort() + "/", policy);
        for (int attempt = 1; attempt <= 3; attempt++) {
            r.next("error");
            assertThat(r.nextClose().code()).isEqualTo(1006);
            assertThat(((ReconnectEvent) r.next("reconnecting").event()).attempt()).isEqualTo(attempt);
        }
        r.next("error");
        assertThat(r.nextClose().code()).isEqualTo(1006);
        assertThat(r.lastState).isEqualTo(ReadyState.CLOSED);
        assertThat(ws.awaitClosed(TIMEOUT).code()).isEqualTo(1006);
        r.assertExhausted();
    }

    @Test
    void closeWhileWaitingForTheNextAttemptEndsAtOnce() throws Exception {
        Events r = new Events();
        ReconnectOptions policy = ReconnectOptions.builder()
                .backoff(Duration.ofHours(1), Duration.ofHours(1)).noKeepAlive().build();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + closedPort() + "/", policy);
        r.next("error");
        r.nextClose();
        r.next("reconnecting");
        assertThat(ws.send("held")).isTrue();
        ws.close();
        assertThat(ws.readyState()).isEqualTo(ReadyState.CLOSED);
        assertThat(ws.queuedMessages()).isZero();
        assertThat(ws.send("refused")).isFalse();
        // As a WebSocket closed while CONNECTING: error, then close 1006, readyState already CLOSED.
        r.next("error");
        assertThat(r.nextClose().code()).isEqualTo(1006);
        assertThat(r.lastState).isEqualTo(ReadyState.CLOSED);
        assertThat(ws.awaitClosed(TIMEOUT).code()).isEqualTo(1006);
        r.assertExhausted();
    }

    @Test
    void theUrlHookIsAskedBeforeEveryAttempt() throws Exception {
        WebSocketServer server = server(0);
        AtomicInteger calls = new AtomicInteger();
        ReconnectOptions policy = ReconnectOptions.builder()
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).noKeepAlive()
                .url(u -> u + "?since=" + calls.incrementAndGet())
                .build();
        Events r = new Events();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + server.port() + "/echo", policy);
        r.next("open");
        assertThat(accepted.take()).isEqualTo("since=1");
        server.connections().forEach(ServerWebSocket::terminate);
        r.skipUntil("open");
        assertThat(accepted.take()).isEqualTo("since=2");
        assertThat(ws.url()).endsWith("/echo?since=2");
        ws.close();
        ws.awaitClosed(TIMEOUT);
    }

    @Test
    void sendsWhileDisconnectedAreQueuedUpToTheLimitThenRefused() throws Exception {
        int port = closedPort();
        Events r = new Events();
        ReconnectOptions policy = ReconnectOptions.builder()
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).noKeepAlive().maxQueuedBytes(10).build();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + port + "/echo", policy);
        assertThat(ws.send("12345")).isTrue();
        assertThat(ws.send("123456")).as("11 bytes would pass the limit of 10").isFalse();
        assertThat(ws.send("abcde")).isTrue();
        assertThat(ws.bufferedAmount()).isEqualTo(10);
        r.skipUntilRefused();
        server(port);
        r.skipUntil("open");
        assertThat(((MessageEvent) r.next("message").event()).data()).isEqualTo("12345");
        assertThat(((MessageEvent) r.next("message").event()).data()).isEqualTo("abcde");
        ws.close();
        ws.awaitClosed(TIMEOUT);
    }

    @Test
    void withNoQueueEverySendWhileDisconnectedIsRefused() throws Exception {
        Events r = new Events();
        ReconnectOptions policy = ReconnectOptions.builder()
                .backoff(Duration.ofHours(1), Duration.ofHours(1)).noKeepAlive().maxQueuedBytes(0).build();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + closedPort() + "/", policy);
        assertThat(ws.send("x")).isFalse();
        ws.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Keep-alive

    @Test
    void keepAliveIsOnByDefaultAndTheConnectionsOwnSettingWins() {
        assertThat(ReconnectOptions.defaults().connectionOptions(WebSocketOptions.defaults()).pingInterval())
                .isEqualTo(ReconnectOptions.DEFAULT_PING_INTERVAL);
        WebSocketOptions own = WebSocketOptions.builder()
                .keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(1)).build();
        assertThat(ReconnectOptions.defaults().connectionOptions(own).pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(FAST.connectionOptions(WebSocketOptions.defaults()).pingInterval()).isNull();
    }

    @Test
    void aPeerThatStopsAnsweringPingsIsDroppedAndRetried() throws Exception {
        // A server that completes the handshake, then reads and ignores everything: never a pong.
        RawServer silent = RawServer.start(c -> {
            c.readRequest().accept101("");
            while (c.in.read() >= 0) {
                // swallow pings
            }
        });
        cleanup.add(silent);
        ReconnectOptions policy = ReconnectOptions.builder()
                .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .keepAlive(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        Events r = new Events();
        ReconnectingWebSocket ws = r.connect("ws://127.0.0.1:" + silent.port() + "/", policy);
        r.next("open");
        r.next("error");
        assertThat(r.nextClose().code()).isEqualTo(1006);
        r.next("reconnecting");
        r.next("open");
        silent.close(); // it would not answer our close frame either
        ws.close();
        assertThat(ws.awaitClosed(TIMEOUT)).isNotNull();
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** A Duplex server on {@code port} (0: any): /echo echoes, /close closes each connection once open. */
    private WebSocketServer server(int port) {
        WebSocketServer s = WebSocketServer.builder()
                .port(port)
                .bindAddress("127.0.0.1")
                .originPolicy(OriginPolicy.any())
                .shutdownGrace(Duration.ofSeconds(5))
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onOpen(ServerWebSocket ws) {
                        accepted.add(query(ws));
                    }

                    @Override
                    public void onMessage(ServerWebSocket ws, dev.duplex.server.Message m) {
                        ws.send(m);
                    }
                })
                .route("/close", ws -> {
                    accepted.add(query(ws));
                    String code = ws.request().queryParam("code");
                    if (code == null) {
                        ws.close();
                    } else {
                        ws.close(Integer.parseInt(code), "policy test");
                    }
                })
                .build()
                .start();
        cleanup.add(s);
        return s;
    }

    private static String query(ServerWebSocket ws) {
        String since = ws.request().queryParam("since");
        return since == null ? "" : "since=" + since;
    }

    private static String closeUrl(WebSocketServer server, int code) {
        return "ws://127.0.0.1:" + server.port() + "/close" + (code < 0 ? "" : "?code=" + code);
    }

    /** A loopback port nothing listens on (just released). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Records a {@link ReconnectingWebSocket}'s events with the readyState each listener saw. */
    private final class Events {

        record Seen(Event event, ReadyState state) {
            String type() {
                return event.type();
            }
        }

        final BlockingQueue<Seen> events = new LinkedBlockingQueue<>();
        ReadyState lastState;

        ReconnectingWebSocket connect(String url, ReconnectOptions policy) {
            ReconnectingWebSocket ws = new ReconnectingWebSocket(url, WebSocketOptions.defaults(), policy, s -> {
                for (String type : List.of("open", "message", "error", "close", "reconnecting")) {
                    s.addEventListener(type, e -> events.add(new Seen(e, s.readyState())));
                }
            });
            cleanup.add(() -> {
                ws.close();
                ws.awaitClosed(TIMEOUT);
            });
            return ws;
        }

        Seen next() throws InterruptedException {
            Seen s = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(s).as("an event within " + TIMEOUT).isNotNull();
            lastState = s.state();
            return s;
        }

        Seen next(String type) throws InterruptedException {
            Seen s = next();
            assertThat(s.type()).as("%s", ClientRecorder.describe(s.event())).isEqualTo(type);
            return s;
        }

        CloseEvent nextClose() throws InterruptedException {
            return (CloseEvent) next("close").event();
        }

        /** Skips events until one of {@code type}. */
        Seen skipUntil(String type) throws InterruptedException {
            Seen s;
            do {
                s = next();
            } while (!s.type().equals(type));
            return s;
        }

        /** Skips until an attempt has been refused (error, close 1006, reconnecting). */
        void skipUntilRefused() throws InterruptedException {
            skipUntil("error");
            assertThat(nextClose().code()).isEqualTo(1006);
            next("reconnecting");
        }

        void assertExhausted() {
            assertThat(events).as("no more events").isEmpty();
        }
    }
}
