package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocketCloseInfo;
import dev.duplex.WebSocketOpenInfo;
import dev.duplex.WebSocketStream;
import dev.duplex.WebSocketStreamReader;
import dev.duplex.WebSocketStreamWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.duplex.transport.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WebSocketHandler#stream}: a "read a message, do blocking work, write the reply" handler on a
 * virtual thread per connection, with no callbacks — under load (200 clients at once, 50 messages
 * each, every reply waiting for blocking work), with handlers on the event loop or on virtual threads;
 * and how the handler's end closes the connection (1000 when it returns, 1011 when it throws).
 */
class StreamHandlerNetworkTest {

    private static final long TIMEOUT_S = 60;

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNone(); // every client and server socket of the run was released
    }

    @ParameterizedTest(name = "virtualThreadHandlers={0}")
    @ValueSource(booleans = {false, true})
    void blockingHandlersUnderLoad(boolean virtualThreadHandlers) throws Exception {
        ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
        AtomicInteger handlersRunning = new AtomicInteger();
        AtomicInteger handlersPeak = new AtomicInteger();
        WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .originPolicy(OriginPolicy.any()).virtualThreadHandlers(virtualThreadHandlers)
                .route("/upper", WebSocketHandler.stream((ws, reader, writer) -> {
                    handlersPeak.accumulateAndGet(handlersRunning.incrementAndGet(), Math::max);
                    try {
                        for (Object m; (m = reader.read()) != null; ) {
                            String text = (String) m;
                            // blocking work: the reply comes from another thread
                            String reply = work.submit(() -> text.toUpperCase(Locale.ROOT)).get();
                            writer.write(reply).get();
                        }
                    } finally {
                        handlersRunning.decrementAndGet();
                    }
                }))
                .build().start();
        int clients = 200;
        int messages = 50;
        try (ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Object>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(clientThreads.submit(() -> {
                    WebSocketStream ws = new WebSocketStream("ws://127.0.0.1:" + server.port() + "/upper");
                    WebSocketOpenInfo open = ws.opened().get(TIMEOUT_S, TimeUnit.SECONDS);
                    WebSocketStreamWriter writer = open.writer();
                    WebSocketStreamReader reader = open.reader();
                    List<Object> replies = new ArrayList<>();
                    for (int i = 0; i < messages; i++) {
                        writer.write("client " + client + " message " + i);
                    }
                    for (int i = 0; i < messages; i++) {
                        replies.add(reader.read());
                    }
                    ws.close();
                    ws.closed().get(TIMEOUT_S, TimeUnit.SECONDS);
                    return replies;
                }));
            }
            for (int c = 0; c < clients; c++) {
                List<Object> expected = new ArrayList<>();
                for (int i = 0; i < messages; i++) {
                    expected.add("CLIENT " + c + " MESSAGE " + i);
                }
                assertThat(results.get(c).get(TIMEOUT_S, TimeUnit.SECONDS)).as("client " + c).isEqualTo(expected);
            }
        } finally {
            server.close();
            work.close();
        }
        assertThat(handlersPeak.get()).as("handlers blocked at the same time").isGreaterThan(1);
    }

    @Test
    void returningClosesWith1000AndThrowingWith1011() throws Exception {
        WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .originPolicy(OriginPolicy.any())
                .route("/once", WebSocketHandler.stream((ws, reader, writer) -> {
                    writer.write("got " + reader.read()); // then return: written first, then 1000
                }))
                .route("/throw", WebSocketHandler.stream((ws, reader, writer) -> {
                    reader.read();
                    throw new IllegalStateException("handler bug");
                }))
                .build().start();
        try {
            WebSocketStream once = new WebSocketStream("ws://127.0.0.1:" + server.port() + "/once");
            WebSocketOpenInfo open = once.opened().get(TIMEOUT_S, TimeUnit.SECONDS);
            WebSocketStreamReader reader = open.reader();
            open.writer().write("hi");
            assertThat(reader.read()).isEqualTo("got hi");
            assertThat(reader.read()).isNull();
            assertThat(once.closed().get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo(new WebSocketCloseInfo(1000, ""));

            WebSocketStream failing = new WebSocketStream("ws://127.0.0.1:" + server.port() + "/throw");
            CompletableFuture<WebSocketOpenInfo> opened = failing.opened();
            opened.get(TIMEOUT_S, TimeUnit.SECONDS).writer().write("boom");
            assertThat(failing.closed().get(TIMEOUT_S, TimeUnit.SECONDS).closeCode()).isEqualTo(1011);
        } finally {
            server.close();
        }
    }
}
