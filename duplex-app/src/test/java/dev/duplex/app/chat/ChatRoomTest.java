package dev.duplex.app.chat;

import dev.duplex.concurrent.SerialExecutor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.redis.MemoryStreamLog;
import dev.duplex.redis.StreamId;
import dev.duplex.redis.StreamLog;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The room's rules with a recording outbox and a same-thread owner: no sockets, no threads. */
class ChatRoomTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A member's socket as the fake outbox sees it. */
    static final class Sock {
        final String id;
        final List<JsonNode> received = new ArrayList<>();
        long queued;
        int closeCode;
        String closeReason;

        Sock(String id) {
            this.id = id;
        }

        List<String> types() {
            return received.stream().map(m -> m.get("type").asText()).toList();
        }

        JsonNode last() {
            return received.getLast();
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** A fake {@link Outbox}: what the room sent to each socket, and how many broadcasts. */
    static final class RecordingOutbox implements Outbox<Sock> {
        final Map<String, Integer> broadcasts = new HashMap<>();

        @Override
        public void send(Sock socket, String text) {
            deliver(socket, text);
        }

        @Override
        public void broadcast(Collection<Sock> sockets, String text) {
            broadcasts.merge(text, 1, Integer::sum);
            sockets.forEach(s -> deliver(s, text));
        }

        @Override
        public long queuedBytes(Sock socket) {
            return socket.queued;
        }

        @Override
        public void close(Sock socket, int code, String reason) {
            socket.closeCode = code;
            socket.closeReason = reason;
        }

        private static void deliver(Sock socket, String text) {
            try {
                socket.received.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private final RecordingOutbox outbox = new RecordingOutbox();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T01:00:00Z"), ZoneOffset.UTC);
    private final MemoryStreamLog log = new MemoryStreamLog(10, clock);
    private final ChatRoom<Sock> room = room();

    /** A room on {@link #log} (several are like nodes sharing one log), history 3, queue limit 1000. */
    private ChatRoom<Sock> room() {
        ChatRoom<Sock> r = new ChatRoom<>("/chat", outbox, 3, 1000, clock,
                SerialExecutor.on(Runnable::run, (t, e) -> { throw new AssertionError(e); }), log, 10, null);
        r.open();
        return r;
    }

    @Test
    void newcomerIsWelcomedAndOthersSeeTheJoin() {
        Sock alice = new Sock("a");
        Sock bob = new Sock("b");
        room.join(alice, "alice", null);
        room.join(bob, "bob", null);

        assertThat(alice.types()).containsExactly("welcome", "join");
        assertThat(alice.last().get("name").asText()).isEqualTo("bob");
        assertThat(bob.types()).containsExactly("welcome");
        JsonNode welcome = bob.last();
        assertThat(welcome.get("you").asText()).isEqualTo("bob");
        assertThat(welcome.get("room").asText()).isEqualTo("/chat");
        assertThat(welcome.get("members").toString()).isEqualTo("[\"alice\",\"bob\"]");
    }

    @Test
    void largeRoomsSendTheMemberListOncePerIntervalNotInEveryNotice() {
        List<Runnable> later = new ArrayList<>();
        room.rosterLater(later::add);
        List<Sock> socks = new ArrayList<>();
        for (int i = 0; i < ChatRoom.ROSTER_IN_NOTICES; i++) {
            Sock s = new Sock("s" + i);
            socks.add(s);
            room.join(s, "m" + i, null);
        }
        Sock first = socks.getFirst();
        assertThat(first.last().get("type").asText()).isEqualTo("join");
        assertThat(first.last().get("members")).as("a notice in a room of 100 still lists them").hasSize(100);
        assertThat(later).isEmpty();

        // Past the limit: notices without the list, and one members message for the whole burst.
        for (int i = 0; i < 5; i++) {
            room.join(new Sock("x" + i), "x" + i, null);
        }
        JsonNode join = first.last();
        assertThat(join.get("type").asText()).isEqualTo("join");
        assertThat(join.get("name").asText()).isEqualTo("x4");
        assertThat(join.has("members")).isFalse();
        assertThat(later).hasSize(1);
        int before = first.received.size();
        later.removeFirst().run();
        assertThat(first.received).hasSize(before + 1);
        assertThat(first.last().get("type").asText()).isEqualTo("members");
        assertThat(first.last().get("members")).hasSize(105);

        // The next change schedules the next one.
        room.leave(socks.get(1));
        assertThat(first.last().get("type").asText()).isEqualTo("leave");
        assertThat(first.last().has("members")).isFalse();
        assertThat(later).hasSize(1);
    }

    @Test
    void everyMessageGoesToEveryoneIncludingTheSenderEncodedOnce() {
        Sock alice = new Sock("a");
        Sock bob = new Sock("b");
        room.join(alice, "alice", null);
        room.join(bob, "bob", null);
        room.receive(alice, "{\"type\":\"message\",\"text\":\"hi bob\"}");

        for (Sock s : List.of(alice, bob)) {
            JsonNode m = s.last();
            assertThat(m.get("type").asText()).isEqualTo("message");
            assertThat(m.get("from").asText()).isEqualTo("alice");
            assertThat(m.get("text").asText()).isEqualTo("hi bob");
            assertThat(m.get("id").asText()).isEqualTo("1795309200000-0"); // the clock's millis, seq 0
            assertThat(m.get("time").asText()).isEqualTo("2026-11-22T01:00:00Z");
        }
        assertThat(outbox.broadcasts.values()).allMatch(n -> n == 1);
    }

    @Test
    void plainTextIsAMessageFromAGuest() {
        Sock term = new Sock("t");
        room.join(term, null, null);
        room.receive(term, "hello from a terminal");
        room.receive(term, "{not json");
        room.receive(term, "{\"type\":\"other\"}");

        assertThat(term.received.get(0).get("you").asText()).isEqualTo("guest-1");
        assertThat(term.received.stream().skip(1).map(m -> m.get("text").asText()))
                .containsExactly("hello from a terminal", "{not json", "{\"type\":\"other\"}");
        assertThat(term.last().get("from").asText()).isEqualTo("guest-1");
    }

    @Test
    void newcomerGetsTheLastNMessagesInOrder() {
        Sock alice = new Sock("a");
        room.join(alice, "alice", null);
        for (int i = 1; i <= 5; i++) {
            room.receive(alice, "m" + i);
        }
        Sock bob = new Sock("b");
        room.join(bob, "bob", null);

        JsonNode history = bob.received.getFirst().get("history");
        assertThat(history).hasSize(3);
        assertThat(history.findValuesAsText("text")).containsExactly("m3", "m4", "m5");
        assertThat(history.findValuesAsText("id"))
                .containsExactly("1795309200000-2", "1795309200000-3", "1795309200000-4");
        assertThat(bob.received.getFirst().get("resumed").asBoolean()).isFalse();
    }

    @Test
    void aClientIdComesBackWithItsMessageAndAnOverlongOneIsRefused() {
        Sock alice = new Sock("a");
        room.join(alice, "alice", null);
        room.receive(alice, "{\"type\":\"message\",\"text\":\"hi\",\"cid\":\"c-1\"}");
        assertThat(alice.last().get("cid").asText()).isEqualTo("c-1");
        assertThat(alice.last().get("text").asText()).isEqualTo("hi");
        room.receive(alice, "{\"type\":\"message\",\"text\":\"x\",\"cid\":\"" + "c".repeat(65) + "\"}");
        assertThat(alice.last().get("type").asText()).isEqualTo("error");
        assertThat(alice.types()).containsExactly("welcome", "message", "error");
    }

    @Test
    void sinceResumesAfterThatIdFromRecentOrTheLogAndAnUnknownIdGetsTheUsualHistory() {
        Sock alice = new Sock("a");
        room.join(alice, "alice", null);
        for (int i = 1; i <= 6; i++) {
            room.receive(alice, "m" + i);
        }
        String second = alice.received.get(2).get("id").asText();

        Sock back = new Sock("b");
        room.join(back, "alice", second);
        JsonNode welcome = back.received.getFirst();
        assertThat(welcome.get("resumed").asBoolean()).isTrue();
        assertThat(welcome.get("history").findValuesAsText("text")).containsExactly("m3", "m4", "m5", "m6");

        // another node that opened the room just now holds the last 3 only: the rest comes from the log
        ChatRoom<Sock> other = room();
        Sock elsewhere = new Sock("e");
        other.join(elsewhere, "alice", second);
        welcome = elsewhere.received.getFirst();
        assertThat(welcome.get("resumed").asBoolean()).isTrue();
        assertThat(welcome.get("history").findValuesAsText("text")).containsExactly("m3", "m4", "m5", "m6");

        for (String unknown : List.of("1-0", "nonsense", "0-0")) {
            Sock lost = new Sock("l");
            other.join(lost, "alice", unknown);
            welcome = lost.received.getFirst();
            assertThat(welcome.get("resumed").asBoolean()).as(unknown).isFalse();
            assertThat(welcome.get("history").findValuesAsText("text")).as(unknown).containsExactly("m4", "m5", "m6");
        }
    }

    /** The memory log, but a range's answer (taken when asked) arrives only when the test releases it. */
    static final class SlowRanges implements StreamLog {
        final MemoryStreamLog log;
        final List<Runnable> held = new ArrayList<>();

        SlowRanges(MemoryStreamLog log) {
            this.log = log;
        }

        @Override
        public CompletionStage<StreamId> append(String stream, String body) {
            return log.append(stream, body);
        }

        @Override
        public void follow(String stream, int last, Consumer<List<Entry>> sink) {
            log.follow(stream, last, sink);
        }

        @Override
        public CompletionStage<List<Entry>> range(String stream, StreamId after, StreamId upTo, int limit) {
            List<Entry> now = log.range(stream, after, upTo, limit).toCompletableFuture().join();
            CompletableFuture<List<Entry>> later = new CompletableFuture<>();
            held.add(() -> later.complete(now));
            return later;
        }

        @Override
        public boolean reachable() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void aResumeFromTheLogGetsWhatWasDeliveredWhileTheLogAnsweredOnceAndInOrder() {
        SlowRanges slow = new SlowRanges(log);
        Sock alice = new Sock("a");
        room.join(alice, "alice", null);
        for (int i = 1; i <= 6; i++) {
            room.receive(alice, "m" + i);
        }
        String second = alice.received.get(2).get("id").asText();
        ChatRoom<Sock> other = new ChatRoom<>("/chat", outbox, 3, 1000, clock,
                SerialExecutor.on(Runnable::run, (t, e) -> { throw new AssertionError(e); }), slow, 10, null);
        other.open(); // holds m4..m6, so a resume after m2 asks the log
        Sock back = new Sock("b");
        other.join(back, "alice", second);
        assertThat(back.received).isEmpty();
        room.receive(alice, "m7"); // delivered by the other node while its log read is on its way
        room.receive(alice, "m8");
        slow.held.forEach(Runnable::run);
        room.receive(alice, "m9");

        assertThat(back.types().getFirst()).isEqualTo("welcome");
        assertThat(back.received.getFirst().get("resumed").asBoolean()).isTrue();
        List<String> seen = new ArrayList<>(back.received.getFirst().get("history").findValuesAsText("text"));
        back.received.stream().skip(1).filter(m -> m.get("type").asText().equals("message"))
                .forEach(m -> seen.add(m.get("text").asText()));
        assertThat(seen).containsExactly("m3", "m4", "m5", "m6", "m7", "m8", "m9");
    }

    @Test
    void namesAreCleanedAndUnique() {
        Sock a = new Sock("a");
        Sock b = new Sock("b");
        Sock c = new Sock("c");
        room.join(a, "  alice\u0007 ", null);
        room.join(b, "alice", null);
        room.join(c, "   ", null);
        assertThat(a.received.getFirst().get("you").asText()).isEqualTo("alice");
        assertThat(b.received.getFirst().get("you").asText()).isEqualTo("alice-2");
        assertThat(c.received.getFirst().get("you").asText()).isEqualTo("guest-1");
        assertThat(ChatRoom.clean("x".repeat(100))).hasSize(ChatRoom.MAX_NAME);
    }

    @Test
    void renameIsAnnounced() {
        Sock a = new Sock("a");
        room.join(a, "alice", null);
        room.receive(a, "{\"type\":\"name\",\"name\":\"alicia\"}");
        assertThat(a.last().get("type").asText()).isEqualTo("rename");
        assertThat(a.last().get("from").asText()).isEqualTo("alice");
        assertThat(a.last().get("to").asText()).isEqualTo("alicia");
        room.receive(a, "x");
        assertThat(a.last().get("from").asText()).isEqualTo("alicia");
    }

    @Test
    void leaveIsAnnouncedOnce() {
        Sock a = new Sock("a");
        Sock b = new Sock("b");
        room.join(a, "alice", null);
        room.join(b, "bob", null);
        room.leave(b);
        room.leave(b);
        assertThat(a.types()).containsExactly("welcome", "join", "leave");
        assertThat(a.last().get("members").toString()).isEqualTo("[\"alice\"]");
    }

    @Test
    void aMemberTooFarBehindIsClosedWithPolicyViolationAndTheOthersGetEverything() {
        Sock a = new Sock("a");
        Sock slow = new Sock("s");
        room.join(a, "alice", null);
        room.join(slow, "slow", null);
        slow.queued = 1001;
        room.receive(a, "one");
        room.receive(a, "two");
        room.receive(slow, "ignored: no longer a member");

        assertThat(slow.closeCode).isEqualTo(1008);
        assertThat(slow.closeReason).startsWith("too slow");
        assertThat(slow.closeReason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(123);
        assertThat(slow.types()).containsExactly("welcome");
        assertThat(a.types()).containsExactly("welcome", "join", "leave", "message", "message");
        assertThat(a.received.get(2).get("name").asText()).isEqualTo("slow");
    }
}
