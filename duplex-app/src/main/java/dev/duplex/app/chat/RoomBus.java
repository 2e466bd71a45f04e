package dev.duplex.app.chat;

import dev.duplex.redis.Broker;
import dev.duplex.redis.RedisPresence;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Carries a room's notices (join, leave, rename) and member lists between chat server processes;
 * the messages themselves go through the room's log. Without a bus (a single node) a room sends
 * its notices to its members at once; with one, it publishes them, and every node, this one
 * included, broadcasts what comes back. Notices are at most once.
 *
 * <p>{@link #redis} maps room {@code R} to the Redis pub/sub channel {@code duplex:chat:R} and,
 * with presence, its members to the sorted set {@code duplex:chat-members:R}.
 */
public interface RoomBus {

    /** This process's id, so a node recognises its own events when they come back. */
    String node();

    /** Starts delivering what is published for {@code room} to {@code sink} (must not block). */
    void open(String room, Consumer<String> sink);

    /** Publishes one envelope for {@code room}; it comes back through every node's sink. */
    void publish(String room, String envelope);

    /** This node's members of {@code room} are now {@code names} (for other nodes' member lists). */
    default void present(String room, Collection<String> names) {}

    /** The members of {@code room} on other live nodes, as last known (may be a few seconds old). */
    default List<String> elsewhere(String room) {
        return List.of();
    }

    /** A bus on a {@link Broker}, without presence. */
    static RoomBus redis(Broker broker) {
        return redis(broker, null);
    }

    /**
     * A bus on a {@link Broker} (e.g. {@link dev.duplex.redis.RedisBroker}); with a
     * {@link RedisPresence} (may be null), member lists cover every live node: room {@code R}'s
     * members are in the sorted set {@code duplex:chat-members:R}.
     */
    static RoomBus redis(Broker broker, RedisPresence presence) {
        Objects.requireNonNull(broker);
        String node = UUID.randomUUID().toString();
        return new RoomBus() {
            @Override
            public String node() {
                return node;
            }

            @Override
            public void open(String room, Consumer<String> sink) {
                broker.subscribe(channel(room), sink);
            }

            @Override
            public void publish(String room, String envelope) {
                broker.publish(channel(room), envelope);
            }

            @Override
            public void present(String room, Collection<String> names) {
                if (presence != null) {
                    presence.set("duplex:chat-members:" + room, names);
                }
            }

            @Override
            public List<String> elsewhere(String room) {
                return presence == null ? List.of() : presence.others("duplex:chat-members:" + room);
            }
        };
    }

    /** The Redis channel of a room. */
    static String channel(String room) {
        return "duplex:chat:" + room;
    }
}
