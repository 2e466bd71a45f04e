package dev.duplex.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which pages may open a socket, as the apps ship: {@code duplex echo} any page (as the public echo
 * services the tutorials use, file:// pages' {@code Origin: null} included); {@code duplex chat} only
 * its own pages unless {@code --allow-origin} names others (cross-site WebSocket hijacking).
 */
class OriginDefaultsNetworkTest {

    static final String[] OTHER_ORIGINS = {"null", "http://localhost:3000", "https://example.com"};

    /** {@code duplex echo --port 0}: the settings the command line gives, nothing else. */
    static ServerSettings echoDefaults(String... more) {
        EchoCommand cmd = new EchoCommand();
        String[] args = new String[more.length + 2];
        args[0] = "--port";
        args[1] = "0";
        System.arraycopy(more, 0, args, 2, more.length);
        new CommandLine(cmd).parseArgs(args);
        return cmd.settings();
    }

    @ParameterizedTest(name = "Origin: {0}")
    @ValueSource(strings = {"null", "http://localhost:3000", "https://example.com"})
    void echoOpensForAnyPage(String origin) throws Exception {
        RunningServer echo = EchoServer.start(echoDefaults());
        try {
            assertThat(upgradeStatus(echo, origin)).isEqualTo(101);
            assertThat(upgradeStatus(echo, null)).isEqualTo(101);
        } finally {
            echo.close();
        }
    }

    @Test
    void echoCanBeNarrowedWithAllowOrigin() throws Exception {
        RunningServer echo = EchoServer.start(echoDefaults("--allow-origin", "https://example.com"));
        try {
            assertThat(upgradeStatus(echo, "https://example.com")).isEqualTo(101);
            assertThat(upgradeStatus(echo, "http://localhost:3000")).isEqualTo(403);
        } finally {
            echo.close();
        }
    }

    @Test
    void chatOpensOnlyForItsOwnPagesByDefault() throws Exception {
        RunningServer chat = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                ChatSettings.DEFAULTS);
        try {
            for (String origin : OTHER_ORIGINS) {
                assertThat(upgradeStatus(chat, origin)).as("Origin: " + origin).isEqualTo(403);
            }
            assertThat(upgradeStatus(chat, chat.httpUrl().replaceAll("/$", ""))).isEqualTo(101);
            assertThat(upgradeStatus(chat, null)).isEqualTo(101);
        } finally {
            chat.close();
        }
    }

    @Test
    void chatTakesAListOrAnyOrigin() throws Exception {
        ServerSettings listed = echoDefaults("--allow-origin", "http://localhost:3000,null");
        assertThat(listed.allowedOrigins()).containsExactly("http://localhost:3000", "null");
        RunningServer chat = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE)
                .withAllowedOrigins(listed.allowedOrigins()), ChatSettings.DEFAULTS);
        try {
            assertThat(upgradeStatus(chat, "http://localhost:3000")).isEqualTo(101);
            assertThat(upgradeStatus(chat, "null")).isEqualTo(101);
            assertThat(upgradeStatus(chat, "https://example.com")).isEqualTo(403);
        } finally {
            chat.close();
        }
        chat = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE)
                .withAllowedOrigins(List.of("*")), ChatSettings.DEFAULTS);
        try {
            for (String origin : OTHER_ORIGINS) {
                assertThat(upgradeStatus(chat, origin)).as("Origin: " + origin).isEqualTo(101);
            }
        } finally {
            chat.close();
        }
    }

    /** Sends an opening handshake with {@code origin} (none when null) and returns the status code. */
    static int upgradeStatus(RunningServer server, String origin) throws IOException {
        String path = "/chat"; // the chat's main room; the echo answers on any path
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return Integer.parseInt(parts[1]);
        }
    }
}
