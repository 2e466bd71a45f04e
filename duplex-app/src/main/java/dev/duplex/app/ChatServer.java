package dev.duplex.app;

import dev.duplex.app.chat.ChatRoom;
import dev.duplex.app.chat.ChatRooms;
import dev.duplex.app.chat.Outbox;
import dev.duplex.app.chat.RoomBus;
import dev.duplex.app.metrics.Monitoring;
import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.redis.MemoryStreamLog;
import dev.duplex.redis.RedisBroker;
import dev.duplex.redis.RedisPresence;
import dev.duplex.redis.RedisStreamLog;
import dev.duplex.redis.StreamLog;
import dev.duplex.server.Broadcast;
import dev.duplex.CloseEvent;
import dev.duplex.server.HttpReply;
import dev.duplex.server.Message;
import dev.duplex.server.OriginPolicy;
import dev.duplex.server.ServerWebSocket;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.Executors;

/**
 * {@code duplex chat}: chat rooms at {@code /chat} and {@code /chat/{room}}, the chat page at
 * {@code /}. The room logic is in {@link ChatRoom}; this class connects it to the server.
 */
public final class ChatServer {

    /** Chat lines are short; 64 KiB leaves room for pasted text. */
    public static final long DEFAULT_MAX_MESSAGE = 64L << 10;

    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);

    private ChatServer() {}

    public static RunningServer start(ServerSettings settings, ChatSettings chat) {
        return start(settings, chat, (String) null);
    }

    /**
     * A chat server whose rooms are shared through Redis at {@code redisUri} (e.g.
     * {@code redis://127.0.0.1:6379}; null for a single node with its log in memory): every room's
     * messages go into the Redis stream {@code duplex:chat-log:ROOM}, which every server follows,
     * and its notices through the pub/sub channel {@code duplex:chat:ROOM}. Connects to Redis
     * before it starts listening.
     */
    public static RunningServer start(ServerSettings settings, ChatSettings chat, String redisUri) {
        if (redisUri == null) {
            MemoryStreamLog log = new MemoryStreamLog(chat.memoryLogCapacity());
            return startWith(settings, chat, log, chat.memoryLogCapacity(), null, log, null);
        }
        RedisStreamLog log = RedisStreamLog.connect(redisUri, chat.logCapacity(), chat.redisHold());
        RedisBroker broker = null;
        RedisPresence presence = null;
        try {
            broker = RedisBroker.connect(redisUri);
            presence = RedisPresence.connect(redisUri, chat.presenceTtl());
            RedisBroker b = broker;
            RedisPresence p = presence;
            AutoCloseable all = () -> closeAll(p, b, log);
            return startWith(settings, chat, log, chat.logCapacity(), RoomBus.redis(broker, presence), all, broker);
        } catch (RuntimeException e) {
            closeAll(presence, broker, log);
            throw e;
        }
    }

    private static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", r, e);
                }
            }
        }
    }

    private static RunningServer startWith(ServerSettings settings, ChatSettings chat, StreamLog log,
                                           int logCapacity, RoomBus bus, AutoCloseable resources,
                                           RedisBroker broker) {
        WebSocketServer.Builder builder = WebSocketServer.builder();
        Monitoring monitoring = Servers.configure(builder, settings, OriginPolicy.sameHostOrNone(),
                request -> health(log, bus != null));
        SocketOutbox outbox = new SocketOutbox(chat.maxQueuedBytes(), monitoring.meters());
        ChatRooms<ServerWebSocket> rooms = new ChatRooms<>(outbox, chat.history(), chat.maxQueuedBytes(),
                chat.maxRooms(), Clock.systemUTC(), Executors.newVirtualThreadPerTaskExecutor(),
                (thread, error) -> LOG.error("chat room task failed", error),
                log, logCapacity, bus);
        Members members = new Members(rooms);
        ChatMeters.bind(monitoring.registry(), rooms, broker);

        builder.route("/chat", members)
                .route("/chat/{room}", members)
                .staticResources("/", "web/chat", ChatServer.class.getClassLoader())
                .staticResources("/", "web/common", ChatServer.class.getClassLoader()); // shared style.css
        return Servers.start(builder, settings, monitoring, resources);
    }

    /** {@code /health}: 200 while the log's engine answers, 503 while it does not. */
    private static HttpReply health(StreamLog log, boolean redis) {
        if (!redis) {
            return HttpReply.text(200, "ok\n");
        }
        return log.reachable()
                ? HttpReply.text(200, "ok\nbroker: reachable\n")
                : HttpReply.text(503, "degraded\nbroker: unreachable\n");
    }

    /** Server handler for every member socket: hands each event to its room (never blocks). */
    private static final class Members implements WebSocketHandler {
        private final ChatRooms<ServerWebSocket> rooms;

        Members(ChatRooms<ServerWebSocket> rooms) {
            this.rooms = rooms;
        }

        @Override
        public void onOpen(ServerWebSocket ws) {
            String param = ws.pathParam("room");
            ChatRoom<ServerWebSocket> room = rooms.room(param == null ? "/chat" : "/chat/" + param);
            if (room == null) {
                ws.close(1013, "too many chat rooms; try an existing one");
                return;
            }
            ws.attach(room);
            room.join(ws, ws.request().queryParam("name"), ws.request().queryParam("since"));
        }

        @Override
        public void onMessage(ServerWebSocket ws, Message message) {
            ChatRoom<ServerWebSocket> room = ws.attachment();
            if (room == null) {
                return;
            }
            if (!message.isText()) {
                ws.close(1003, "chat takes text messages only");
                return;
            }
            room.receive(ws, message.text());
        }

        @Override
        public void onClose(ServerWebSocket ws, CloseEvent event) {
            ChatRoom<ServerWebSocket> room = ws.attachment();
            if (room != null) {
                room.leave(ws);
            }
        }
    }

    /** The room's view of member sockets: sends, encode-once broadcasts, queue sizes. */
    private record SocketOutbox(long maxQueuedBytes, WebSocketMetrics metrics) implements Outbox<ServerWebSocket> {

        @Override
        public void send(ServerWebSocket socket, String text) {
            socket.send(text);
        }

        @Override
        public void broadcast(Collection<ServerWebSocket> sockets, String text) {
            // The room has already closed members over the limit with a clear reason; the
            // policy here only catches one that fell behind since.
            Broadcast.text(text).sendTo(sockets, maxQueuedBytes, Broadcast.Overflow.CLOSE);
        }

        @Override
        public long queuedBytes(ServerWebSocket socket) {
            return socket.bufferedAmount();
        }

        @Override
        public void close(ServerWebSocket socket, int code, String reason) {
            if (code == 1008) {
                metrics.slowConsumerClosed(); // the room closes members with 1008 only for falling behind
            }
            socket.close(code, reason);
        }
    }
}
