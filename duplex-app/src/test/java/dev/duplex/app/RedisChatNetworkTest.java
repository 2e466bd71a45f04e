package dev.duplex.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code duplex chat --redis}: two chat servers in this JVM share a real {@code redis-server}
 * (started by the test on a free port, stopped after), one member on each; messages and notices
 * cross nodes in one order, the newcomer does not get its own join notice, and history comes from
 * the room's log. Waits are for events, with generous limits.
 */
class RedisChatNetworkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATIENCE_SECONDS = 60;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<RunningServer> servers = new ArrayList<>();
    private dev.duplex.redis.testing.RedisServer redis;

    @AfterEach
    void stop() throws InterruptedException {
        servers.forEach(RunningServer::close);
        http.close();
        if (redis != null) {
            redis.close();
        }
    }

    /** One member: a JDK client whose whole text messages are queued, decoded. */
    static final class Member implements WebSocket.Listener {
        final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode m = inbox.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            if (m == null) {
                fail("no chat event within " + PATIENCE_SECONDS + " s");
            }
            return m;
        }

        void say(String text) {
            socket.sendText("{\"type\":\"message\",\"text\":" + JSON.valueToTree(text) + "}", true).join();
        }
    }

    @Test
    void membersOnTwoServersSharingRedisSeeEachOther() throws Exception {
        String uri = startRedis();
        RunningServer nodeA = start(uri);
        RunningServer nodeB = start(uri);

        Member bob = join(nodeB, "bob");
        assertThat(bob.next().path("type").asText()).isEqualTo("welcome");
        Member alice = join(nodeA, "alice");
        JsonNode welcome = alice.next();
        assertThat(welcome.path("type").asText()).isEqualTo("welcome");
        assertThat(welcome.path("you").asText()).isEqualTo("alice");

        // A join notice crosses nodes.
        JsonNode joined = bob.next();
        assertThat(joined.path("type").asText()).isEqualTo("join");
        assertThat(joined.path("name").asText()).isEqualTo("alice");

        // A -> B (and back to the sender, through Redis; alice never sees her own join notice).
        // Bob's join notice goes through Redis too: it may reach node A before or after alice joined
        // there, so alice may see it first.
        alice.say("hello from A");
        assertMessage(bob.next(), "alice", "hello from A");
        JsonNode first = alice.next();
        if (first.path("type").asText().equals("join")) {
            assertThat(first.path("name").asText()).isEqualTo("bob");
            first = alice.next();
        }
        assertMessage(first, "alice", "hello from A");

        // B -> A, a plain-text line.
        bob.socket.sendText("hello from B", true).join();
        assertMessage(alice.next(), "bob", "hello from B");
        assertMessage(bob.next(), "bob", "hello from B");

        // One publisher's messages arrive in its order on the other node.
        for (int i = 1; i <= 20; i++) {
            alice.say("line " + i);
        }
        for (int i = 1; i <= 20; i++) {
            assertMessage(bob.next(), "alice", "line " + i);
        }

        // History comes from the room's log: the same on every node.
        Member carol = join(nodeB, "carol");
        JsonNode carolWelcome = carol.next();
        List<String> history = new ArrayList<>();
        carolWelcome.path("history").forEach(m -> history.add(m.path("from").asText() + ": " + m.path("text").asText()));
        assertThat(history).startsWith("alice: hello from A", "bob: hello from B", "alice: line 1")
                .endsWith("alice: line 20").hasSize(22);

        // A leave notice crosses nodes.
        assertThat(bob.next().path("name").asText()).isEqualTo("carol"); // carol's join, local
        alice.socket.sendClose(1000, "bye").join();
        JsonNode left = bob.next();
        assertThat(left.path("type").asText()).isEqualTo("leave");
        assertThat(left.path("name").asText()).isEqualTo("alice");
    }

    private static void assertMessage(JsonNode m, String from, String text) {
        assertThat(m.path("type").asText()).as("type of %s", m).isEqualTo("message");
        assertThat(m.path("from").asText()).as("from of %s", m).isEqualTo(from);
        assertThat(m.path("text").asText()).as("text of %s", m).isEqualTo(text);
    }

    private RunningServer start(String redisUri) {
        RunningServer server = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                ChatSettings.DEFAULTS, redisUri);
        servers.add(server);
        return server;
    }

    private Member join(RunningServer server, String name) throws Exception {
        Member m = new Member();
        m.socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(server.wsUrl("/chat/lobby?name=" + name)), m)
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        return m;
    }

    private String startRedis() throws java.io.IOException {
        redis = dev.duplex.redis.testing.RedisServer.start();
        return redis.uri();
    }
}
