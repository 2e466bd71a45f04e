package dev.duplex.app.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The chat room's JSON message format (documented in {@code duplex-app/README.md}). Encodes the
 * server's events; decodes what members send, where any text that is not one of the client
 * messages is a plain chat line.
 */
final class ChatCodec {

    /** What a member sent, decoded. */
    sealed interface Inbound {
        record Say(String text) implements Inbound {}

        record Rename(String name) implements Inbound {}
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatCodec() {}

    /**
     * Decodes a text frame from a member: {@code {"type":"message","text":…}} or
     * {@code {"type":"name","name":…}}; anything else (not JSON, or JSON of another shape) is
     * the text of a chat message as it stands, so terminal clients can chat.
     */
    static Inbound decode(String frame) {
        String trimmed = frame.strip();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(trimmed);
                String type = node.path("type").asText("");
                if (type.equals("message") && node.path("text").isTextual()) {
                    return new Inbound.Say(node.get("text").asText());
                }
                if (type.equals("name") && node.path("name").isTextual()) {
                    return new Inbound.Rename(node.get("name").asText());
                }
            } catch (JsonProcessingException notJson) {
                // a plain line that happens to start with '{'
            }
        }
        return new Inbound.Say(frame);
    }

    static String message(long seq, String from, String text, Instant time) {
        ObjectNode m = object("message");
        m.put("seq", seq);
        m.put("from", from);
        m.put("text", text);
        m.put("time", time.toString());
        return write(m);
    }

    static String welcome(String room, String you, Collection<String> members, List<String> history) {
        ObjectNode m = object("welcome");
        m.put("room", room);
        m.put("you", you);
        names(m, members);
        ArrayNode past = m.putArray("history");
        for (String encoded : history) {
            past.add(read(encoded));
        }
        return write(m);
    }

    static String join(String name, Collection<String> members) {
        ObjectNode m = object("join");
        m.put("name", name);
        names(m, members);
        return write(m);
    }

    static String leave(String name, Collection<String> members) {
        ObjectNode m = object("leave");
        m.put("name", name);
        names(m, members);
        return write(m);
    }

    static String rename(String from, String to, Collection<String> members) {
        ObjectNode m = object("rename");
        m.put("from", from);
        m.put("to", to);
        names(m, members);
        return write(m);
    }

    static String error(String text) {
        ObjectNode m = object("error");
        m.put("text", text);
        return write(m);
    }

    private static ObjectNode object(String type) {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", type);
        return m;
    }

    private static void names(ObjectNode m, Collection<String> members) {
        ArrayNode list = m.putArray("members");
        members.forEach(list::add);
    }

    private static JsonNode read(String encoded) {
        try {
            return JSON.readTree(encoded);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
