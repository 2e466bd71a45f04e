package dev.duplex.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.StreamId;
import dev.duplex.redis.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code duplex chat --redis} nodes as separate processes on one real {@code redis-server}
 * ({@code appendonly yes}, started by the test on a free port): a burst from 30 members over 3
 * nodes, a newcomer on a node that never opened the room, {@code kill -9} of a node mid-stream
 * with its members resuming elsewhere, {@code since} with an unknown id, and member lists that show
 * every live node's members and drop a killed node's within the presence TTL (3 s here). Each test
 * uses its own room. Waits are for events, with generous limits.
 */
class ChatNodesNetworkTest {

    private static RedisServer redis;
    private static final List<ChatNode> nodes = new ArrayList<>();
    private static HttpClient http;
    private final List<ChatMember> members = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startPersistent();
        http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            nodes.add(ChatNode.start(redis.uri(), "--presence-ttl", "3"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ChatNode n : nodes) {
            n.close();
        }
        if (http != null) {
            http.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void disconnect() {
        members.forEach(ChatMember::close);
    }

    private ChatMember member(String name) {
        ChatMember m = new ChatMember(http, name);
        members.add(m);
        return m;
    }

    @Test
    void thirtyMembersOnThreeNodesSayingFiveThingsAtOnceAllSeeAll150OnceInOneOrder() throws Exception {
        for (int i = 0; i < 30; i++) {
            member("m" + i).connect(nodes.get(i % 3), "burst");
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sent = new ArrayList<>();
            for (ChatMember m : members) {
                sent.add(pool.submit(() -> {
                    for (int n = 0; n < 5; n++) {
                        m.say(m.name + " says " + n, m.name + "-" + n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        for (ChatMember m : members) {
            m.await("150 messages", x -> x.messageCount() >= 150);
        }
        List<String> order = ids(members.getFirst().messages());
        assertThat(order.stream().map(StreamId::parse).toList()).doesNotContainNull().isSorted().doesNotHaveDuplicates();
        List<JsonNode> reference = members.getFirst().messages();
        for (ChatMember m : members) {
            List<JsonNode> got = m.messages();
            assertThat(got).as("%s's messages", m.name).hasSize(150);
            assertThat(ids(got)).as("%s's ids", m.name).isEqualTo(order);
            assertThat(got.stream().map(j -> j.path("cid").asText()).toList())
                    .isEqualTo(reference.stream().map(j -> j.path("cid").asText()).toList());
            // each sender's five in the order said, with the cids they were said with
            List<String> own = got.stream().filter(j -> j.path("from").asText().equals(m.name))
                    .map(j -> j.path("cid").asText() + "=" + j.path("text").asText()).toList();
            assertThat(own).containsExactly(m.name + "-0=" + m.name + " says 0", m.name + "-1=" + m.name + " says 1",
                    m.name + "-2=" + m.name + " says 2", m.name + "-3=" + m.name + " says 3",
                    m.name + "-4=" + m.name + " says 4");
        }
    }

    @Test
    void aNewcomerOnANodeThatNeverOpenedTheRoomGetsItsHistory() throws Exception {
        ChatMember speaker = member("speaker");
        speaker.connect(nodes.get(0), "late");
        for (int n = 0; n < 5; n++) {
            speaker.say("line " + n, "c" + n);
        }
        speaker.await("its 5 lines", x -> x.messageCount() == 5);
        JsonNode welcome = member("newcomer").connect(nodes.get(2), "late");
        assertThat(welcome.path("resumed").asBoolean()).isFalse();
        List<JsonNode> history = new ArrayList<>();
        welcome.path("history").forEach(history::add);
        assertThat(ids(history)).isEqualTo(ids(speaker.messages()));
        assertThat(history.stream().map(j -> j.path("text").asText()))
                .containsExactly("line 0", "line 1", "line 2", "line 3", "line 4");
    }

    @Test
    void sinceWithAnUnknownIdIsNotResumedAndGetsTheUsualHistory() throws Exception {
        ChatMember speaker = member("speaker");
        speaker.connect(nodes.get(1), "unknown");
        speaker.say("only line", "c");
        speaker.await("its line", x -> x.messageCount() == 1);
        for (String since : List.of("1-0", "99999999999999-0", "not-an-id")) {
            JsonNode welcome = connectWithSince(nodes.get(2), "unknown", since);
            assertThat(welcome.path("resumed").asBoolean()).as(since).isFalse();
            assertThat(welcome.path("history").findValuesAsText("text")).as(since).containsExactly("only line");
        }
    }

    private JsonNode connectWithSince(ChatNode node, String room, String since) throws Exception {
        JsonNode[] welcome = new JsonNode[1];
        java.util.concurrent.CompletableFuture<JsonNode> got = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(java.net.URI.create(node.ws("/chat/" + room + "?since=" + since)), new java.net.http.WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                got.complete(ChatMember.JSON.readTree(partial.toString()));
                            } catch (java.io.IOException e) {
                                got.completeExceptionally(e);
                            }
                        }
                        w.request(1);
                        return null;
                    }
                }).get(60, java.util.concurrent.TimeUnit.SECONDS);
        welcome[0] = got.get(60, java.util.concurrent.TimeUnit.SECONDS);
        ws.abort();
        return welcome[0];
    }

    @Test
    void membersOfAKilledNodeResumeOnAnotherWithNoGapAndNoDuplicate() throws Exception {
        ChatNode doomed = ChatNode.start(redis.uri(), "--presence-ttl", "3");
        try {
            ChatMember speaker = member("speaker");
            speaker.connect(nodes.get(0), "kill");
            List<ChatMember> onDoomed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ChatMember m = member("d" + i);
                m.connect(doomed, "kill");
                onDoomed.add(m);
            }
            int total = 200;
            java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
            Thread talking = Thread.ofVirtual().start(() -> {
                for (int n = 0; n < total; n++) {
                    if (n == total / 2) { // the second half is said while the members are away
                        try {
                            killed.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    speaker.say("n" + n, "s" + n);
                }
            });
            for (ChatMember m : onDoomed) {
                m.await("20 messages before the kill", x -> x.messageCount() >= 20);
            }
            doomed.kill(); // the first half may still be on its way
            killed.countDown();
            for (ChatMember m : onDoomed) {
                m.awaitClosed();
                JsonNode welcome = m.connect(nodes.get(1 + members.indexOf(m) % 2), "kill");
                assertThat(welcome.path("resumed").asBoolean()).as("%s resumed", m.name).isTrue();
            }
            talking.join();
            List<String> expected = new ArrayList<>();
            for (int n = 0; n < total; n++) {
                expected.add("n" + n);
            }
            speaker.await("all " + total, x -> x.messageCount() >= total);
            for (ChatMember m : onDoomed) {
                m.await("all " + total, x -> x.messageCount() >= total);
                List<JsonNode> got = m.messages();
                assertThat(got.stream().map(j -> j.path("text").asText()).toList()).as(m.name).isEqualTo(expected);
                assertThat(ids(got)).as(m.name).isEqualTo(ids(speaker.messages()));
            }
        } finally {
            doomed.close();
        }
    }

    @Test
    void memberListsShowOtherNodesAndForgetAKilledOneWithinTheTtl() throws Exception {
        ChatNode doomed = ChatNode.start(redis.uri(), "--presence-ttl", "3");
        try {
            member("ghost").connect(doomed, "ghosts");
            member("alive").connect(nodes.get(2), "ghosts");
            awaitMembers(nodes.get(0), "ghosts", list -> list.containsAll(List.of("ghost", "alive")));
            doomed.kill(); // no leave, no clean-up: only the TTL removes it
            awaitMembers(nodes.get(0), "ghosts", list -> !list.contains("ghost") && list.contains("alive"));
        } finally {
            doomed.close();
        }
    }

    /** Joins {@code room} on {@code node} as a probe until its welcome's member list satisfies {@code ok}. */
    private void awaitMembers(ChatNode node, String room, java.util.function.Predicate<List<String>> ok) throws Exception {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        List<String> list = List.of();
        while (System.nanoTime() < end) {
            ChatMember probe = new ChatMember(http, "probe");
            JsonNode welcome = probe.connect(node, room);
            probe.close();
            list = new ArrayList<>();
            for (JsonNode n : welcome.path("members")) {
                list.add(n.asText());
            }
            if (ok.test(list)) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200)); // between polls
        }
        org.junit.jupiter.api.Assertions.fail("member list never as expected; last " + list);
    }

    private static List<String> ids(List<JsonNode> messages) {
        return messages.stream().map(j -> j.path("id").asText()).toList();
    }
}
