package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A Duplex {@link TestServer} shared by one test class, and the assertions the area tests share. */
abstract class ServerTestBase {

    static TestServer server;

    @BeforeAll
    static void startServer() {
        server = TestServer.plain();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** A socket on {@code path} of the test server, opened (open listeners have run). */
    static WebSocket open(String path, String... protocols) throws InterruptedException {
        WebSocket ws = new WebSocket(server.url(path), protocols);
        assertThat(ws.awaitOpen(TIMEOUT)).as("open " + path).isTrue();
        return ws;
    }

    static CloseEvent awaitClose(WebSocket ws) throws InterruptedException {
        CloseEvent e = ws.awaitClose(TIMEOUT);
        assertThat(e).as("close event within " + TIMEOUT).isNotNull();
        return e;
    }

    static void assertDom(Runnable r, String name) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(DomException.class,
                e -> assertThat(e.name()).isEqualTo(name));
    }
}
