package dev.duplex.app.chat;

import dev.duplex.concurrent.SerialExecutor;
import dev.duplex.redis.StreamId;
import dev.duplex.redis.StreamLog;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One chat room: its members, their nicknames, and its place in the room's log.
 *
 * <p>Concurrency: the room has one owner, a {@link SerialExecutor}. Server handlers run on the
 * event-loop thread of their connection, and members of one room live on different loops, so
 * {@link #join}, {@link #receive} and {@link #leave} only enqueue a task (lock-free) and return;
 * every task runs alone, in order, and is the only code that touches the fields below.
 *
 * <p>Messages: a member's message is appended to the room's {@link StreamLog}; the room follows
 * the log and broadcasts each entry, in the log's order, with the log's id. So every member, on
 * every node sharing the log, sees one sequence, and a member that comes back with the last id it
 * saw ({@code since}) gets exactly what followed it. The room keeps the entries it delivered last
 * ({@link #recent}) for newcomers and quick resumes, and asks the log for older ones.
 *
 * <p>Slow members: before each broadcast the room looks at every member's queued bytes; a member
 * more than {@code maxQueuedBytes} behind is closed with 1008 (policy violation) and a reason that
 * says why, and leaves the room. The room never waits for anyone.
 *
 * <p>Notices (join, leave, rename) are not in the log. With a {@link RoomBus} they go through it,
 * at most once, and their member lists are the sending node's members.
 *
 * @param <S> the socket type (see {@link Outbox})
 */
public final class ChatRoom<S> {

    /** Longest nickname, in characters. */
    static final int MAX_NAME = 32;
    /** Longest client message id ({@code cid}), in characters. */
    static final int MAX_CID = 64;
    /** Entries kept for resumes beyond the history size. */
    static final int MIN_RECENT = 256;
    /**
     * Rooms with up to this many members carry the member list in every join, leave and rename
     * notice. Larger ones send the notices without it and the list in a {@code members} message at
     * most once per {@link #ROSTER_INTERVAL}: a reconnect storm of N members would otherwise send N
     * lists of N names to N members (1,000 members: some 15 GB).
     */
    static final int ROSTER_IN_NOTICES = 100;
    static final java.time.Duration ROSTER_INTERVAL = java.time.Duration.ofSeconds(1);

    private final String name;
    private final Outbox<S> outbox;
    private final int historySize;
    private final long maxQueuedBytes;
    private final Clock clock;
    private final Executor owner;
    private final StreamLog log;
    private final int logCapacity;
    private final RoomBus bus; // null: a single node

    // Owned by the room's executor.
    private final Map<S, String> members = new LinkedHashMap<>();
    private final Map<S, Waiting> waiting = new HashMap<>(); // joined, welcome not sent yet
    private final Map<S, StreamId> ahead = new HashMap<>(); // resumed past what this node delivered
    private final ArrayDeque<StreamLog.Entry> recent = new ArrayDeque<>();
    private boolean following; // the log's first batch arrived
    private StreamId delivered = StreamId.ZERO;
    private long nextGuest = 1;
    private boolean rosterPending; // a members message is scheduled
    /** Runs a task on the owner after {@link #ROSTER_INTERVAL} (tests hand it a manual queue). */
    private Executor rosterLater;

    /** A member between its join and its welcome. */
    private record Waiting(String nickname, String since) {}

    ChatRoom(String name, Outbox<S> outbox, int historySize, long maxQueuedBytes, Clock clock,
             Executor owner, StreamLog log, int logCapacity, RoomBus bus) {
        if (historySize < 0 || maxQueuedBytes < 1 || logCapacity < 1) {
            throw new IllegalArgumentException("history must be >= 0, the queue limit and log capacity >= 1");
        }
        this.name = Objects.requireNonNull(name);
        this.outbox = Objects.requireNonNull(outbox);
        this.historySize = historySize;
        this.maxQueuedBytes = maxQueuedBytes;
        this.clock = Objects.requireNonNull(clock);
        this.owner = Objects.requireNonNull(owner);
        this.log = Objects.requireNonNull(log);
        this.logCapacity = logCapacity;
        this.bus = bus;
        this.rosterLater = java.util.concurrent.CompletableFuture.delayedExecutor(
                ROSTER_INTERVAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, owner);
    }

    /** Tests: where the delayed {@code members} message is scheduled instead of the interval. */
    void rosterLater(Executor later) {
        this.rosterLater = Objects.requireNonNull(later);
    }

    /** Follows the log (and the bus, if any); what they deliver is handed to the room's executor. */
    void open() {
        log.follow(stream(name), historySize, batch -> owner.execute(() -> onEntries(batch)));
        if (bus != null) {
            bus.open(name, envelope -> owner.execute(() -> onBus(envelope)));
        }
    }

    /** The log stream of a room. */
    static String stream(String room) {
        return "duplex:chat-log:" + room;
    }

    public String name() {
        return name;
    }

    /**
     * A socket opened on this room; {@code requestedName} may be null or blank (a guest);
     * {@code since}, when not null, is the id of the last message the member saw.
     */
    public void join(S socket, String requestedName, String since) {
        owner.execute(() -> onJoin(socket, requestedName, since));
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

    private void onJoin(S socket, String requestedName, String since) {
        waiting.put(socket, new Waiting(uniqueName(clean(requestedName), null), since));
        if (following) {
            welcome(socket);
        }
    }

    /** Welcomes a waiting member: at once from {@link #recent}, or once the log has answered. */
    private void welcome(S socket) {
        Waiting w = waiting.get(socket);
        StreamId after = StreamId.parse(w.since());
        if (after == null) {
            welcomed(socket, false, lastRecent(historySize));
        } else if ((after.equals(delivered) && !after.equals(StreamId.ZERO)) || holdsRecent(after)) {
            welcomed(socket, true, recentAfter(after));
        } else {
            resumeFromLog(socket, after, new ArrayList<>());
        }
    }

    /** Asks the log for what follows {@code after}, up to what this node delivered. */
    private void resumeFromLog(S socket, StreamId after, List<StreamLog.Entry> found) {
        StreamId upTo = delivered;
        log.range(stream(name), after, upTo, logCapacity).whenComplete((entries, error) ->
                owner.execute(() -> onRange(socket, after, upTo, found, entries, error)));
    }

    private void onRange(S socket, StreamId after, StreamId upTo, List<StreamLog.Entry> found,
                         List<StreamLog.Entry> entries, Throwable error) {
        if (!waiting.containsKey(socket)) {
            return; // left meanwhile
        }
        if (error != null) {
            waiting.remove(socket);
            outbox.close(socket, 1013, "chat log unreachable; try again");
            return;
        }
        if (entries == null) { // the log does not hold it
            if (found.isEmpty()) {
                welcomed(socket, false, lastRecent(historySize));
            } else {
                welcomed(socket, true, found); // trimmed between two reads: as far as it goes
            }
            return;
        }
        found.addAll(entries);
        StreamId last = found.isEmpty() ? after : found.getLast().id(); // the newest the member has
        if (!delivered.isAfter(last)) { // the member has all this node delivered, or more
            if (last.isAfter(delivered)) {
                ahead.put(socket, last);
            }
            welcomed(socket, true, found);
        } else if (holdsRecent(last) || !recent.getFirst().id().isAfter(last)) {
            found.addAll(recentAfter(last)); // delivered while the log answered
            welcomed(socket, true, found);
        } else {
            resumeFromLog(socket, last, found); // more was delivered meanwhile than recent holds
        }
    }

    private void welcomed(S socket, boolean resumed, List<StreamLog.Entry> history) {
        String nickname = waiting.remove(socket).nickname();
        members.put(socket, nickname);
        present();
        List<String> messages = history.stream().map(e -> ChatCodec.message(e.id().toString(), e.body())).toList();
        outbox.send(socket, ChatCodec.welcome(name, nickname, roster(), resumed, messages));
        announce(JOIN, nickname, ChatCodec.join(nickname, noticeRoster()), socket);
    }

    private void onEntries(List<StreamLog.Entry> batch) {
        for (StreamLog.Entry entry : batch) {
            recent.addLast(entry);
            if (recent.size() > Math.max(historySize, MIN_RECENT)) {
                recent.removeFirst();
            }
            delivered = entry.id();
            if (following) {
                broadcast(ChatCodec.message(entry.id().toString(), entry.body()), null, entry.id());
            }
        }
        if (!following) {
            following = true;
            new ArrayList<>(waiting.keySet()).forEach(this::welcome);
        }
    }

    private void onText(S socket, String frame) {
        String from = members.get(socket);
        if (from == null) {
            return; // not welcomed yet, dropped as a slow member, or already left
        }
        switch (ChatCodec.decode(frame)) {
            case ChatCodec.Inbound.Say say -> {
                String cid = say.cid();
                if (cid != null && cid.length() > MAX_CID) {
                    outbox.send(socket, ChatCodec.error("cid longer than " + MAX_CID + " characters; not sent", null));
                    return;
                }
                log.append(stream(name), ChatCodec.body(from, say.text(), clock.instant(), cid))
                        .whenComplete((id, error) -> {
                            if (error != null) {
                                owner.execute(() -> refused(socket, cid));
                            }
                        });
            }
            case ChatCodec.Inbound.Rename rename -> {
                String wanted = clean(rename.name());
                if (wanted == null) {
                    outbox.send(socket, ChatCodec.error("a nickname needs a visible character", null));
                    return;
                }
                String nickname = uniqueName(wanted, socket);
                if (!nickname.equals(from)) {
                    members.put(socket, nickname);
                    present();
                    announce(RENAME, nickname, ChatCodec.rename(from, nickname, noticeRoster()), null);
                }
            }
        }
    }

    private void refused(S socket, String cid) {
        if (members.containsKey(socket)) {
            outbox.send(socket, ChatCodec.error("not sent: the chat log is unreachable", cid));
        }
    }

    private void onLeave(S socket) {
        waiting.remove(socket);
        ahead.remove(socket);
        String nickname = members.remove(socket);
        if (nickname != null) {
            present();
            announce(LEAVE, nickname, ChatCodec.leave(nickname, noticeRoster()), null);
        }
    }

    /** Tells the other nodes who is here (with a bus that has presence). */
    private void present() {
        if (bus != null) {
            bus.present(name, members.values());
        }
    }

    /**
     * The member list notices carry: this node's members in joining order, then those on other
     * live nodes (one node: this node's only).
     */
    private List<String> roster() {
        List<String> all = new ArrayList<>(members.values());
        if (bus != null) {
            all.addAll(bus.elsewhere(name));
        }
        return all;
    }

    /**
     * The member list a notice carries: the roster while it is short; else null (the notice goes
     * without it) and a {@code members} message follows within {@link #ROSTER_INTERVAL}.
     */
    private List<String> noticeRoster() {
        List<String> all = roster();
        if (all.size() <= ROSTER_IN_NOTICES) {
            return all;
        }
        scheduleRoster();
        return null;
    }

    /** One {@code members} message for every change within the interval. */
    private void scheduleRoster() {
        if (rosterPending) {
            return;
        }
        rosterPending = true;
        rosterLater.execute(() -> {
            rosterPending = false;
            broadcast(ChatCodec.members(roster()), null, null);
        });
    }

    private static final char JOIN = 'j', LEAVE = 'l', RENAME = 'r';

    /**
     * One node: sends the notice now. With a bus: publishes {@code node \n kind \n subject \n json}
     * (nicknames hold no control characters) and sends it when it comes back.
     */
    private void announce(char kind, String subject, String json, S newcomer) {
        if (bus == null) {
            broadcast(json, newcomer, null);
        } else {
            bus.publish(name, bus.node() + "\n" + kind + "\n" + subject + "\n" + json);
        }
    }

    private void onBus(String envelope) {
        String[] part = envelope.split("\n", 4);
        if (part.length != 4 || part[1].length() != 1) {
            return; // not ours
        }
        S skip = null;
        if (part[1].charAt(0) == JOIN && part[0].equals(bus.node())) {
            // our own newcomer already has the member list in its welcome
            for (Map.Entry<S, String> m : members.entrySet()) {
                if (m.getValue().equals(part[2])) {
                    skip = m.getKey();
                }
            }
        }
        broadcast(part[3], skip, null);
        noticeRoster(); // in a large room, this node's members get the list in a members message
    }

    /**
     * Sends to every member (the sender included), after dropping members too far behind.
     * {@code alreadyServed} is skipped (the newcomer, who got the member list in its welcome), and
     * so is a member that resumed past {@code id} (a log entry's id; null for notices).
     */
    private void broadcast(String text, S alreadyServed, StreamId id) {
        List<S> slow = null;
        for (S socket : members.keySet()) {
            if (outbox.queuedBytes(socket) > maxQueuedBytes) {
                (slow == null ? slow = new ArrayList<>() : slow).add(socket);
            }
        }
        if (slow != null) {
            for (S socket : slow) {
                String nickname = members.remove(socket);
                ahead.remove(socket);
                present();
                outbox.close(socket, 1008, "too slow: over " + maxQueuedBytes
                        + " bytes of chat waiting for you");
                announce(LEAVE, nickname, ChatCodec.leave(nickname, noticeRoster()), null);
            }
        }
        Collection<S> to = members.keySet();
        if (alreadyServed != null || (id != null && !ahead.isEmpty())) {
            List<S> some = new ArrayList<>(to.size());
            for (S socket : to) {
                if (socket != alreadyServed && !(id != null && sawAlready(socket, id))) {
                    some.add(socket);
                }
            }
            to = some;
        }
        if (!to.isEmpty()) {
            outbox.broadcast(to, text);
        }
    }

    private boolean sawAlready(S socket, StreamId id) {
        StreamId seen = ahead.get(socket);
        if (seen == null) {
            return false;
        }
        if (id.isAfter(seen)) {
            ahead.remove(socket);
            return false;
        }
        return true;
    }

    private boolean holdsRecent(StreamId id) {
        for (StreamLog.Entry e : recent) {
            if (e.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private List<StreamLog.Entry> recentAfter(StreamId id) {
        List<StreamLog.Entry> after = new ArrayList<>();
        for (StreamLog.Entry e : recent) {
            if (e.id().isAfter(id)) {
                after.add(e);
            }
        }
        return after;
    }

    private List<StreamLog.Entry> lastRecent(int n) {
        List<StreamLog.Entry> all = new ArrayList<>(recent);
        return all.subList(Math.max(0, all.size() - n), all.size());
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
        waiting.values().forEach(w -> taken.add(w.nickname()));
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
