package dev.duplex.app;

import dev.duplex.app.chat.ChatRooms;
import dev.duplex.redis.RedisBroker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The chat's own metrics: {@code duplex_chat_rooms} (rooms this process keeps) and, with
 * {@code --redis}, the broker's state: {@code duplex_chat_broker_connected} (1 while both Redis
 * connections are up, 0 while Lettuce reconnects) and {@code duplex_chat_broker_channels} (rooms
 * subscribed). Read when scraped.
 */
final class ChatMeters {

    private ChatMeters() {}

    static void bind(MeterRegistry registry, ChatRooms<?> rooms, RedisBroker broker) {
        Gauge.builder("duplex.chat.rooms", rooms, ChatRooms::size)
                .description("Chat rooms kept by this process").register(registry);
        if (broker != null) {
            Gauge.builder("duplex.chat.broker.connected", broker, b -> b.connected() ? 1 : 0)
                    .description("1 while the Redis broker's connections are up").register(registry);
            Gauge.builder("duplex.chat.broker.channels", broker, RedisBroker::channels)
                    .description("Redis channels this process is subscribed to").register(registry);
        }
    }
}
