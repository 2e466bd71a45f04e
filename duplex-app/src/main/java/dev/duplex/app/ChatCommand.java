package dev.duplex.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat rooms with a web page; wscat and `duplex client` can chat too.",
                "Every message goes to everyone in the room, the sender included. Rooms by path: /chat (the "
                        + "main room) and /chat/NAME. The chat page is at http://HOST:PORT/.",
                "Pages and JSON clients send {\"type\":\"message\",\"text\":…}; any other text is a line from "
                        + "the sender (a guest unless ?name=… was given), so wscat and `duplex client` chat too."})
final class ChatCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Option(names = "--history", paramLabel = "N", defaultValue = "100",
            description = "Messages a newcomer receives: the room's last N (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "64KiB", converter = ByteSize.class,
            description = "Largest message accepted (default: ${DEFAULT-VALUE}); bigger ones are closed with 1009.")
    long maxMessage;

    @Option(names = "--max-queued", paramLabel = "SIZE", defaultValue = "1MiB", converter = ByteSize.class,
            description = "How far a member may fall behind (bytes waiting to be sent to it) before it is "
                    + "closed with 1008 (default: ${DEFAULT-VALUE}).")
    long maxQueued;

    @Option(names = "--max-rooms", paramLabel = "N", defaultValue = "1000",
            description = "Most rooms kept (default: ${DEFAULT-VALUE}); joining a new room past it is refused with 1013.")
    int maxRooms;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Share the rooms with other chat servers through Redis at URI (e.g. redis://127.0.0.1:6379): "
                    + "room R's messages go into the stream duplex:chat-log:R, its notices through the channel "
                    + "duplex:chat:R, its members into duplex:chat-members:R. Without it the log is in memory.")
    String redis;

    @Option(names = "--presence-ttl", paramLabel = "SECONDS", defaultValue = "15",
            description = "With --redis: how long the members of a server that died stay in the member lists "
                    + "(default: ${DEFAULT-VALUE}); each server refreshes its own every third of it.")
    double presenceTtl;

    @Option(names = "--redis-hold", paramLabel = "SECONDS", defaultValue = "10",
            description = "With --redis: how long a message said while Redis is unreachable is held (then written, "
                    + "in order, once Redis is back) before it is refused with an error carrying its cid "
                    + "(default: ${DEFAULT-VALUE}).")
    double redisHold;

    @Override
    public Integer call() throws InterruptedException {
        ServerSettings settings = server.settings(maxMessage);
        ChatSettings chat = new ChatSettings(history, maxQueued, maxRooms,
                java.time.Duration.ofMillis(Math.round(presenceTtl * 1000)),
                java.time.Duration.ofMillis(Math.round(redisHold * 1000)));
        RunningServer running;
        try {
            running = ChatServer.start(settings, chat, redis);
        } catch (io.lettuce.core.RedisException e) {
            System.err.println("duplex chat: cannot use Redis at " + redis + ": " + e.getMessage());
            return 1;
        }
        Console.serving("Duplex chat server", running, settings, new String[][] {
                {"page", running.httpUrl() + "  (other rooms: " + running.httpUrl() + "?room=NAME)"},
                {"rooms", running.wsUrl("/chat") + "  and " + running.wsUrl("/chat/NAME")},
                {"chat", "history " + history + " messages, members dropped (1008) past "
                        + ByteSize.format(maxQueued) + " behind, at most " + maxRooms + " rooms"},
                {"nodes", redis == null ? "this server only (log in memory)"
                        : "Redis " + redis + " (streams duplex:chat-log:ROOM, channels duplex:chat:ROOM)"},
        });
        Console.runUntilStopped(running);
        return 0;
    }
}
