package dev.duplex.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.StreamId;
import dev.duplex.redis.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Redis stopped and started again (with its append-only file) under two chat node processes while
 * two members, one per node, keep talking: the WebSocket connections stay open, {@code /health}
 * says 503 while Redis is away and 200 after, and every member gets every message that was not
 * refused, once, in one order, each speaker's in the order said. Messages said meanwhile are held
 * by the nodes and written once Redis is back; one held longer than {@code --redis-hold} is refused
 * with an error carrying its cid and never delivered.
 */
class ChatRedisOutageNetworkTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        http.close();
    }

    @Test
    void nothingAcceptedIsLostOrRepeatedAndConnectionsStay() throws Exception {
        RedisServer redis = RedisServer.startPersistent();
        open.add(redis);
        List<ChatNode> nodes = List.of(ChatNode.start(redis.uri()), ChatNode.start(redis.uri()));
        open.addAll(nodes);
        List<ChatMember> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ChatMember m = new ChatMember(http, "m" + i);
            m.connect(nodes.get(i % 2), "outage");
            members.add(m);
            open.add(m::close);
        }
        ChatMember a = members.get(0);
        ChatMember b = members.get(1);
        int said = 0;
        for (; said < 40; said++) {
            a.say("a" + said, "a" + said);
            b.say("b" + said, "b" + said);
        }
        a.await("some messages before Redis stops", x -> x.messageCount() >= 20);

        redis.stop();
        for (ChatNode n : nodes) {
            awaitHealth(n, "503");
        }
        for (; said < 60; said++) { // held by the nodes
            a.say("a" + said, "a" + said);
            b.say("b" + said, "b" + said);
        }
        redis.restart();
        for (; said < 100; said++) {
            a.say("a" + said, "a" + said);
            b.say("b" + said, "b" + said);
        }
        for (ChatNode n : nodes) {
            awaitHealth(n, "200");
        }

        int refused = a.errors().size() + b.errors().size();
        assertThat(refused).as("refused messages (Redis was away far less than the append timeout)").isZero();
        int total = 2 * said;
        List<String> order = null;
        for (ChatMember m : members) {
            m.await("all " + total + " messages", x -> x.messageCount() >= total);
            assertThat(m.isClosed()).as("%s still connected", m.name).isFalse();
            List<JsonNode> got = m.messages();
            assertThat(got).as(m.name).hasSize(total);
            List<String> ids = got.stream().map(j -> j.path("id").asText()).toList();
            assertThat(ids.stream().map(StreamId::parse).toList()).as(m.name).isSorted().doesNotHaveDuplicates();
            if (order == null) {
                order = ids;
            }
            assertThat(ids).as("%s's order", m.name).isEqualTo(order);
            for (String speaker : List.of("a", "b")) {
                List<String> own = got.stream().map(j -> j.path("cid").asText()).filter(c -> c.startsWith(speaker)).toList();
                List<String> expected = new ArrayList<>();
                for (int n = 0; n < said; n++) {
                    expected.add(speaker + n);
                }
                assertThat(own).as("%s's view of %s", m.name, speaker).isEqualTo(expected);
            }
        }
    }

    @Test
    void aMessageSaidWhileRedisStaysAwayLongerThanTheHoldIsRefusedWithItsCidAndNeverDelivered() throws Exception {
        RedisServer redis = RedisServer.startPersistent();
        open.add(redis);
        List<ChatNode> nodes = List.of(ChatNode.start(redis.uri(), "--redis-hold", "0.5"),
                ChatNode.start(redis.uri(), "--redis-hold", "0.5"));
        open.addAll(nodes);
        ChatMember a = new ChatMember(http, "a");
        a.connect(nodes.get(0), "refused");
        open.add(a::close);
        ChatMember b = new ChatMember(http, "b");
        b.connect(nodes.get(1), "refused");
        open.add(b::close);
        a.say("before", "c-before");
        b.await("the first line", x -> x.messageCount() == 1);

        redis.stop();
        awaitHealth(nodes.get(0), "503");
        a.say("lost", "c-lost");
        a.await("the refusal", x -> !x.errors().isEmpty());
        assertThat(a.errors().getFirst().path("cid").asText()).isEqualTo("c-lost");
        assertThat(a.errors().getFirst().path("text").asText()).contains("unreachable");

        redis.restart();
        awaitHealth(nodes.get(0), "200");
        a.say("after", "c-after");
        for (ChatMember m : List.of(a, b)) {
            m.await("the last line", x -> x.messageCount() == 2);
            assertThat(m.messages().stream().map(j -> j.path("cid").asText()).toList())
                    .as(m.name).containsExactly("c-before", "c-after");
            assertThat(m.isClosed()).isFalse();
        }
    }

    /** Polls {@code /health} until its status is {@code status}. */
    private void awaitHealth(ChatNode node, String status) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < end) {
            last = node.health(http);
            if (last.startsWith(status)) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // between polls of a condition
        }
        fail("/health never said " + status + "; last: " + last + "\n" + node.lastOutput());
    }
}
