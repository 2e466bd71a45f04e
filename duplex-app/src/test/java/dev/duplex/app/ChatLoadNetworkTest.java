package dev.duplex.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat room under load, with real sockets: 200 members (JDK {@code java.net.http} clients) and
 * a burst of messages from several senders at once; every member must receive every message, in
 * the same order. Then a member that stops reading is dropped with 1008 while the others lose nothing.
 * No sleeps: every wait is for an event, with generous limits for a busy 2-core machine.
 */
class ChatLoadNetworkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATIENCE_SECONDS = 120;

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    /** One member: records the chat messages it receives and the other events' types. */
    static class Member implements WebSocket.Listener {
        final String name;
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        final List<JsonNode> messages = new ArrayList<>();   // touched by the listener only, read after `done`
        final List<String> left = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile int expected = Integer.MAX_VALUE;
        volatile String awaitLeaveOf;
        final CompletableFuture<Void> sawLeave = new CompletableFuture<>();
        /** One permit per chat message received, for a sender that paces itself on its readers. */
        final Semaphore echoes = new Semaphore(0);
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        Member(String name) {
            this.name = name;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                handle(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void handle(String text) {
            JsonNode m;
            try {
                m = JSON.readTree(text);
            } catch (IOException e) {
                done.completeExceptionally(e);
                return;
            }
            switch (m.get("type").asText()) {
                case "welcome" -> welcomed.complete(null);
                case "message" -> {
                    messages.add(m);
                    echoes.release();
                    if (messages.size() >= expected) {
                        done.complete(null);
                    }
                }
                case "leave" -> {
                    left.add(m.get("name").asText());
                    if (m.get("name").asText().equals(awaitLeaveOf)) {
                        sawLeave.complete(null);
                    }
                }
                default -> { }
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            done.completeExceptionally(error);
            welcomed.completeExceptionally(error);
        }
    }

    private Member join(String room, String name) {
        Member m = new Member(name);
        m.socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(server.wsUrl("/chat/" + room + "?name=" + name)), m)
                .join();
        return m;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void twoHundredMembersReceiveEveryMessageInTheSameOrder() throws Exception {
        server = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                new ChatSettings(10, 4L << 20, 10));
        int memberCount = 200;
        int senders = 10;
        int perSender = 50;
        int total = senders * perSender;

        List<Member> members = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            members.add(join("load", "m" + i));
        }
        for (Member m : members) {
            await(m.welcomed);
            m.expected = total;
        }

        // The burst: ten members send fifty messages each, all at once.
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            Member sender = members.get(s * (memberCount / senders));
            sending.add(CompletableFuture.runAsync(() -> {
                for (int n = 0; n < perSender; n++) {
                    sender.socket.sendText("{\"type\":\"message\",\"text\":\"" + sender.name + " #" + n + "\"}", true)
                            .join();
                }
            }));
        }
        for (CompletableFuture<Void> f : sending) {
            await(f);
        }
        for (Member m : members) {
            await(m.done);
        }

        List<String> reference = lines(members.getFirst());
        assertThat(reference).hasSize(total).doesNotHaveDuplicates();
        // Each sender's messages keep the order it sent them in.
        for (int s = 0; s < senders; s++) {
            String from = "m" + s * (memberCount / senders);
            List<String> own = reference.stream().filter(l -> l.startsWith(from + ": ")).toList();
            List<String> sent = new ArrayList<>();
            for (int n = 0; n < perSender; n++) {
                sent.add(from + ": " + from + " #" + n);
            }
            assertThat(own).isEqualTo(sent);
        }
        List<String> referenceIds = members.getFirst().messages.stream().map(j -> j.get("id").asText()).toList();
        assertThat(referenceIds.stream().map(dev.duplex.redis.StreamId::parse).toList())
                .as("log ids").doesNotContainNull().isSorted().doesNotHaveDuplicates().hasSize(total);
        for (Member m : members) {
            assertThat(lines(m)).as("messages seen by %s", m.name).isEqualTo(reference);
            List<String> ids = m.messages.stream().map(j -> j.get("id").asText()).toList();
            assertThat(ids).as("ids seen by %s", m.name).isEqualTo(referenceIds);
        }
    }

    private static List<String> lines(Member m) {
        return m.messages.stream().map(j -> j.get("from").asText() + ": " + j.get("text").asText()).toList();
    }

    @Test
    void aMemberThatStopsReadingIsDroppedWithPolicyViolationAndTheOthersLoseNothing() throws Exception {
        long limit = 64 << 10;
        server = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                new ChatSettings(0, limit, 10));
        List<Member> fast = List.of(join("slow", "a"), join("slow", "b"), join("slow", "c"));
        for (Member m : fast) {
            await(m.welcomed);
            m.awaitLeaveOf = "sloth";
        }

        // The slow member: a raw socket with a small receive buffer that completes the handshake and
        // then reads nothing.
        Socket sloth = new Socket();
        sloth.setReceiveBufferSize(4096);
        sloth.connect(new InetSocketAddress("127.0.0.1", server.port()), 30_000);
        sloth.setSoTimeout(PATIENCE_SECONDS * 1000);
        OutputStream out = sloth.getOutputStream();
        out.write(("GET /chat/slow?name=sloth HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(sloth.getInputStream());
        assertThat(readHead(in)).startsWith("HTTP/1.1 101");

        // One member talks until the room drops the sloth, waiting each time until every reading
        // member has the message, so their queues stay far below the limit while the sloth's grows.
        String filler = "x".repeat(8000);
        Member talker = fast.getFirst();
        int sent = 0;
        while (!talker.sawLeave.isDone()) {
            assertThat(sent).as("messages sent without the slow member being dropped").isLessThan(20_000);
            talker.socket.sendText("{\"type\":\"message\",\"text\":\"" + sent + " " + filler + "\"}", true)
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            sent++;
            for (Member m : fast) {
                assertThat(m.echoes.tryAcquire(PATIENCE_SECONDS, TimeUnit.SECONDS))
                        .as("message %d reached %s", sent, m.name).isTrue();
            }
        }
        talker.socket.sendText("{\"type\":\"message\",\"text\":\"last\"}", true).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        sent++;
        for (Member m : fast) {
            m.expected = sent;
        }
        for (Member m : fast) {
            await(m.done);
            await(m.sawLeave);
            assertThat(m.messages).hasSize(sent);
            assertThat(m.messages.getLast().get("text").asText()).isEqualTo("last");
            for (int i = 0; i < sent - 1; i++) {
                assertThat(m.messages.get(i).get("text").asText()).startsWith(i + " ");
            }
            assertThat(m.left).containsExactly("sloth");
        }

        // What the sloth finds when it finally reads: some messages, then a close frame with 1008.
        int[] close = readUntilClose(in);
        assertThat(close[0]).isEqualTo(1008);
        sloth.close();
        // and /metrics counts it (the room's own check, or the broadcast's if it fell behind in between)
        assertThat(server.monitoring().registry().scrape())
                .containsPattern("(?m)^duplex_slow_consumers_closed_total [1-9]");
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the handshake: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads server frames (unmasked, RFC 6455 5.2) until a close frame; returns {code}. */
    private static int[] readUntilClose(DataInputStream in) throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            if ((b0 & 0x0F) == 0x8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                return new int[] {code};
            }
        }
    }

    @Test
    void aBinaryFrameIsRefusedWith1003() throws Exception {
        server = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE), ChatSettings.DEFAULTS);
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        Member m = new Member("bin") {
            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(code);
                return null;
            }
        };
        m.socket = http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl("/chat")), m).join();
        await(m.welcomed);
        m.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        assertThat(await(closed)).isEqualTo(1003);
    }
}
