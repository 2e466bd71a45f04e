package dev.duplex.app.chat;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One chat room: its members, their nicknames and the last messages.
 *
 * <p>Concurrency: the room has one owner, a {@link SerialExecutor}. Server handlers run on the
 * event-loop thread of their connection, and members of one room live on different loops, so
 * {@link #join}, {@link #receive} and {@link #leave} only enqueue a task (lock-free) and return;
 * every task runs alone, in order, and is the only code that touches the fields below. Messages
 * are numbered and broadcast in the order the room processes them, and each connection's write
 * queue keeps that order, so every member sees the same sequence.
 *
 * <p>Slow members: before each broadcast the room looks at every member's queued bytes; a member
 * more than {@code maxQueuedBytes} behind is closed with 1008 (policy violation) and a reason that
 * says why, and leaves the room. The room never waits for anyone.
 *
 * <p>Several nodes: with a {@link RoomBus} the room publishes its messages and notices instead of
 * broadcasting them, and broadcasts (and records in its history) what the bus delivers, from any
 * node, in the bus's order. Member lists in notices and {@code seq} numbers are the publishing
 * node's; each node keeps its own history of what it delivered.
 *
 * @param <S> the socket type (see {@link Outbox})
 */
public final class ChatRoom<S> {

    /** Longest nickname, in characters. */
    static final int MAX_NAME = 32;

    private final String name;
    private final Outbox<S> outbox;
    private final int historySize;
    private final long maxQueuedBytes;
    private final Clock clock;
    private final Executor owner;
    private final RoomBus bus; // null: a single node

    // Owned by the room's executor.
    private final Map<S, String> members = new LinkedHashMap<>();
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private long nextSeq = 1;
    private long nextGuest = 1;

    ChatRoom(String name, Outbox<S> outbox, int historySize, long maxQueuedBytes, Clock clock,
             Executor owner) {
        this(name, outbox, historySize, maxQueuedBytes, clock, owner, null);
    }

    ChatRoom(String name, Outbox<S> outbox, int historySize, long maxQueuedBytes, Clock clock,
             Executor owner, RoomBus bus) {
        if (historySize < 0 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("history must be >= 0 and the queue limit >= 1");
        }
        this.name = Objects.requireNonNull(name);
        this.outbox = Objects.requireNonNull(outbox);
        this.historySize = historySize;
        this.maxQueuedBytes = maxQueuedBytes;
        this.clock = Objects.requireNonNull(clock);
        this.owner = Objects.requireNonNull(owner);
        this.bus = bus;
    }

    /** Subscribes to the bus, if any; what it delivers is handed to the room's executor. */
    void openBus() {
        if (bus != null) {
            bus.open(name, envelope -> owner.execute(() -> onBus(envelope)));
        }
    }

    public String name() {
        return name;
    }

    /** A socket opened on this room; {@code requestedName} may be null or blank (a guest). */
    public void join(S socket, String requestedName) {
        owner.execute(() -> onJoin(socket, requestedName));
    }

    /** A text message arrived from a member. */
    public void receive(S socket, String frame) {
        owner.execute(() -> onText(socket, frame));
    }

    /** A member's socket closed (for any reason). */
    public void leave(S socket) {
        owner.execute(() -> onLeave(socket));
    }

    /** Runs after every task submitted so far (tests and shutdown use it). */
    void afterPending(Runnable action) {
        owner.execute(action);
    }

    private void onJoin(S socket, String requestedName) {
        String nickname = uniqueName(clean(requestedName), null);
        members.put(socket, nickname);
        outbox.send(socket, ChatCodec.welcome(name, nickname, members.values(), List.copyOf(history)));
        announce(JOIN, nickname, ChatCodec.join(nickname, members.values()), socket);
    }

    private void onText(S socket, String frame) {
        String from = members.get(socket);
        if (from == null) {
            return; // dropped as a slow member, or already left
        }
        switch (ChatCodec.decode(frame)) {
            case ChatCodec.Inbound.Say say -> {
                String message = ChatCodec.message(nextSeq++, from, say.text(), clock.instant());
                announce(MESSAGE, from, message, null);
            }
            case ChatCodec.Inbound.Rename rename -> {
                String wanted = clean(rename.name());
                if (wanted == null) {
                    outbox.send(socket, ChatCodec.error("a nickname needs a visible character"));
                    return;
                }
                String nickname = uniqueName(wanted, socket);
                if (!nickname.equals(from)) {
                    members.put(socket, nickname);
                    announce(RENAME, nickname, ChatCodec.rename(from, nickname, members.values()), null);
                }
            }
        }
    }

    private void onLeave(S socket) {
        String nickname = members.remove(socket);
        if (nickname != null) {
            announce(LEAVE, nickname, ChatCodec.leave(nickname, members.values()), null);
        }
    }

    private static final char MESSAGE = 'm', JOIN = 'j', LEAVE = 'l', RENAME = 'r';

    /**
     * One node: delivers now. With a bus: publishes {@code node \n kind \n subject \n json}
     * (nicknames hold no control characters) and delivers when it comes back.
     */
    private void announce(char kind, String subject, String json, S newcomer) {
        if (bus == null) {
            deliver(kind, json, newcomer);
        } else {
            bus.publish(name, bus.node() + "\n" + kind + "\n" + subject + "\n" + json);
        }
    }

    private void onBus(String envelope) {
        String[] part = envelope.split("\n", 4);
        if (part.length != 4 || part[1].length() != 1) {
            return; // not ours
        }
        char kind = part[1].charAt(0);
        S skip = null;
        if (kind == JOIN && part[0].equals(bus.node())) {
            // our own newcomer already has the member list in its welcome
            for (Map.Entry<S, String> m : members.entrySet()) {
                if (m.getValue().equals(part[2])) {
                    skip = m.getKey();
                }
            }
        }
        deliver(kind, part[3], skip);
    }

    private void deliver(char kind, String json, S skip) {
        if (kind == MESSAGE && historySize > 0) {
            if (history.size() == historySize) {
                history.removeFirst();
            }
            history.addLast(json);
        }
        broadcast(json, skip);
    }

    /**
     * Sends to every member (the sender included), after dropping members too far behind.
     * {@code alreadyServed} is skipped (the newcomer, who got the member list in its welcome).
     */
    private void broadcast(String text, S alreadyServed) {
        List<S> slow = null;
        for (S socket : members.keySet()) {
            if (outbox.queuedBytes(socket) > maxQueuedBytes) {
                (slow == null ? slow = new ArrayList<>() : slow).add(socket);
            }
        }
        if (slow != null) {
            for (S socket : slow) {
                String nickname = members.remove(socket);
                outbox.close(socket, 1008, "too slow: over " + maxQueuedBytes
                        + " bytes of chat waiting for you");
                String leave = ChatCodec.leave(nickname, members.values());
                if (bus == null) {
                    broadcastNow(leave, null);
                } else {
                    announce(LEAVE, nickname, leave, null);
                }
            }
        }
        broadcastNow(text, alreadyServed);
    }

    private void broadcastNow(String text, S skip) {
        Collection<S> to = members.keySet();
        if (skip != null) {
            List<S> others = new ArrayList<>(to);
            others.remove(skip);
            to = others;
        }
        if (!to.isEmpty()) {
            outbox.broadcast(to, text);
        }
    }

    private String uniqueName(String wanted, S self) {
        if (wanted == null) {
            wanted = "guest-" + nextGuest++;
        }
        Set<String> taken = new HashSet<>();
        members.forEach((socket, nickname) -> {
            if (socket != self) {
                taken.add(nickname);
            }
        });
        String candidate = wanted;
        for (int n = 2; taken.contains(candidate); n++) {
            candidate = wanted + "-" + n;
        }
        return candidate;
    }

    /** Strips control characters and surrounding blanks and caps the length; null if nothing is left. */
    static String clean(String requested) {
        if (requested == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        requested.strip().codePoints()
                .filter(c -> !Character.isISOControl(c))
                .limit(MAX_NAME)
                .forEach(b::appendCodePoint);
        String cleaned = b.toString().strip();
        return cleaned.isEmpty() ? null : cleaned;
    }
}
