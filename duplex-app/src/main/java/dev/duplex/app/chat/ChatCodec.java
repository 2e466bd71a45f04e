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
        /** {@code cid}: the client's own id for the message, or null. */
        record Say(String text, String cid) implements Inbound {}

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
                    JsonNode cid = node.path("cid");
                    return new Inbound.Say(node.get("text").asText(), cid.isTextual() ? cid.asText() : null);
                }
                if (type.equals("name") && node.path("name").isTextual()) {
                    return new Inbound.Rename(node.get("name").asText());
                }
            } catch (JsonProcessingException notJson) {
                // a plain line that happens to start with '{'
            }
        }
        return new Inbound.Say(frame, null);
    }

    /**
     * A message as the room's log holds it: {@code {"from":…,"text":…,"time":…}} and {@code cid}
     * when the client gave one. {@link #message} makes the wire form.
     */
    static String body(String from, String text, Instant time, String cid) {
        ObjectNode m = JSON.createObjectNode();
        m.put("from", from);
        m.put("text", text);
        m.put("time", time.toString());
        if (cid != null) {
            m.put("cid", cid);
        }
        return write(m);
    }

    /** The {@code message} event for a log entry: its id (digits and a dash) put in front of its body. */
    static String message(String id, String body) {
        return "{\"type\":\"message\",\"id\":\"" + id + "\"," + body.substring(1);
    }

    static String welcome(String room, String you, Collection<String> members, boolean resumed,
                          List<String> history) {
        ObjectNode m = object("welcome");
        m.put("room", room);
        m.put("you", you);
        names(m, members);
        m.put("resumed", resumed);
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

    /** The room's member list on its own (rooms too large to carry it in every notice). */
    static String members(Collection<String> members) {
        ObjectNode m = object("members");
        names(m, members);
        return write(m);
    }

    /** {@code cid}: the client's id of the message refused, or null. */
    static String error(String text, String cid) {
        ObjectNode m = object("error");
        m.put("text", text);
        if (cid != null) {
            m.put("cid", cid);
        }
        return write(m);
    }

    private static ObjectNode object(String type) {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", type);
        return m;
    }

    /** The {@code members} field; none when {@code members} is null. */
    private static void names(ObjectNode m, Collection<String> members) {
        if (members == null) {
            return;
        }
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
