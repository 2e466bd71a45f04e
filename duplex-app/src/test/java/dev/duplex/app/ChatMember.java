package dev.duplex.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A chat member on the JDK client that keeps what matters for resume checks: its welcomes, the
 * {@code message}s it got (history and live, in arrival order), the errors, and the last id seen.
 * It can reconnect anywhere with {@code since} that id. Thread-safe: the listener and the test
 * share it under its monitor.
 */
final class ChatMember implements WebSocket.Listener {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long PATIENCE_MILLIS = 90_000;

    final String name;
    private final HttpClient http;
    private final List<JsonNode> welcomes = new ArrayList<>();
    private final List<JsonNode> messages = new ArrayList<>();
    private final List<JsonNode> errors = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private String lastId;
    private WebSocket socket;
    private CompletableFuture<Integer> closed = new CompletableFuture<>();

    ChatMember(HttpClient http, String name) {
        this.http = http;
        this.name = name;
    }

    /** Connects to {@code node}'s room, with {@code since} the last id seen if any; waits for the welcome. */
    JsonNode connect(ChatNode node, String room) throws Exception {
        return connect(node.ws("/chat/" + room));
    }

    /** As above, to a room's URL such as {@code ws://127.0.0.1:PORT/chat/lobby}. */
    JsonNode connect(String roomUrl) throws Exception {
        String since;
        int welcomesBefore;
        synchronized (this) {
            since = lastId;
            welcomesBefore = welcomes.size();
            closed = new CompletableFuture<>();
        }
        String url = roomUrl + "?name=" + name + (since == null ? "" : "&since=" + since);
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url), this).get(60, TimeUnit.SECONDS);
        synchronized (this) {
            socket = ws;
        }
        await("a welcome", m -> welcomes.size() > welcomesBefore);
        synchronized (this) {
            return welcomes.getLast();
        }
    }

    void say(String text, String cid) {
        WebSocket ws;
        synchronized (this) {
            ws = socket;
        }
        ws.sendText("{\"type\":\"message\",\"text\":" + JSON.valueToTree(text) + ",\"cid\":\"" + cid + "\"}", true).join();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode m;
            try {
                m = JSON.readTree(partial.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial.setLength(0);
            synchronized (this) {
                switch (m.path("type").asText()) {
                    case "welcome" -> {
                        welcomes.add(m);
                        m.path("history").forEach(this::message);
                    }
                    case "message" -> message(m);
                    case "error" -> errors.add(m);
                    default -> { } // notices
                }
                notifyAll();
            }
        }
        ws.request(1);
        return null;
    }

    private void message(JsonNode m) {
        messages.add(m);
        lastId = m.path("id").asText();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        ended(code);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        ended(1006);
    }

    private synchronized void ended(int code) {
        closed.complete(code);
        notifyAll();
    }

    synchronized boolean isClosed() {
        return closed.isDone();
    }

    /** Waits (on this member's monitor, woken by each event) until {@code done} holds. */
    synchronized void await(String what, Predicate<ChatMember> done) throws InterruptedException {
        long end = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (!done.test(this)) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                fail(name + ": no " + what + " within " + PATIENCE_MILLIS + " ms; got " + messages.size()
                        + " messages, last " + (messages.isEmpty() ? "-" : messages.getLast()) + ", errors " + errors);
            }
            wait(left);
        }
    }

    synchronized void awaitClosed() throws InterruptedException {
        await("close", m -> m.closed.isDone());
    }

    synchronized List<JsonNode> messages() {
        return List.copyOf(messages);
    }

    synchronized int messageCount() {
        return messages.size();
    }

    synchronized List<JsonNode> errors() {
        return List.copyOf(errors);
    }

    synchronized String lastId() {
        return lastId;
    }

    void close() {
        WebSocket ws;
        synchronized (this) {
            ws = socket;
        }
        if (ws != null) {
            ws.abort();
        }
    }
}
