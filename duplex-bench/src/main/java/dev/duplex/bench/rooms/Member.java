package dev.duplex.bench.rooms;

import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One chat member on the JDK client. Messages the benchmark says have the text {@code S:N:NANOS}
 * (the sender's number, a count from 0 per sender, and the sender's {@link System#nanoTime}); the
 * member checks it gets every sender's N once, in order, records the latency of live ones, and
 * remembers the last id for a resume.
 */
final class Member implements WebSocket.Listener {

    private final HttpClient http;
    private final String name;
    private final Histogram latency; // shared; recorded under its own lock
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile CompletableFuture<Void> welcomed = new CompletableFuture<>();
    private volatile String lastId;
    private static final String MESSAGE = "\"type\":\"message\",\"id\":\"";
    static final int MAX_SENDERS = 64;

    private final long[] next = new long[MAX_SENDERS]; // per sender, the next N expected
    private volatile long reachedAt; // nanoTime when sender 0's N reached target, 0 before
    private volatile long target = Long.MAX_VALUE;
    private volatile long delivered;
    private volatile boolean resumed;
    private volatile String problem;

    Member(HttpClient http, String name, Histogram latency) {
        this.http = http;
        this.name = name;
        this.latency = latency;
    }

    /** Connects (with {@code since} the last id seen, if any); completes on the welcome. */
    CompletableFuture<Void> connect(String roomUrl) {
        welcomed = new CompletableFuture<>();
        String since = lastId;
        String url = roomUrl + "?name=" + name + (since == null ? "" : "&since=" + since);
        http.newWebSocketBuilder().buildAsync(URI.create(url), this).whenComplete((ws, error) -> {
            if (error != null) {
                welcomed.completeExceptionally(error);
            } else {
                socket = ws;
            }
        });
        return welcomed;
    }

    /** Drops the connection without a closing handshake (as a phone changing networks). */
    void drop() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    /** Says message {@code n} as sender {@code sender}. */
    CompletableFuture<WebSocket> say(int sender, long n) {
        return socket.sendText("{\"type\":\"message\",\"text\":\"" + sender + ":" + n + ":" + System.nanoTime()
                + "\"}", true);
    }

    /** From now, note when sender 0's message {@code n} has arrived (or had already). */
    synchronized void awaitNumber(long n) {
        reachedAt = 0;
        target = n;
        if (next[0] > n) {
            reachedAt = System.nanoTime();
        }
    }

    long reachedAt() {
        return reachedAt;
    }

    /** How many of {@code sender}'s messages arrived. */
    synchronized long received(int sender) {
        return next[sender];
    }

    /** Live and resumed messages received. */
    long delivered() {
        return delivered;
    }

    /** Whether the last welcome said {@code resumed}. */
    boolean resumed() {
        return resumed;
    }

    String problem() {
        return problem;
    }

    @Override
    public void onOpen(WebSocket ws) {
        ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            boolean welcome = frame.startsWith("{\"type\":\"welcome\"");
            boolean live = frame.startsWith("{\"type\":\"message\"");
            if (welcome || live) {
                messages(frame, live);
            }
            if (welcome) {
                resumed = frame.contains("\"resumed\":true");
                welcomed.complete(null);
            }
        }
        ws.request(1);
        return null;
    }

    /** Each {@code "type":"message","id":"…"…"text":"S:N:NANOS"} in the frame, in order. */
    private synchronized void messages(String frame, boolean live) {
        int at = 0;
        long now = System.nanoTime();
        while ((at = frame.indexOf(MESSAGE, at)) >= 0) {
            int idStart = at + MESSAGE.length();
            int idEnd = frame.indexOf('"', idStart);
            int textStart = frame.indexOf("\"text\":\"", idEnd) + 8;
            int colon1 = frame.indexOf(':', textStart);
            int colon2 = frame.indexOf(':', colon1 + 1);
            int textEnd = frame.indexOf('"', textStart);
            at = textEnd;
            int sender;
            long n;
            long sent;
            try {
                sender = Integer.parseInt(frame, textStart, colon1, 10);
                n = Long.parseLong(frame, colon1 + 1, colon2, 10);
                sent = Long.parseLong(frame, colon2 + 1, textEnd, 10);
            } catch (NumberFormatException | IndexOutOfBoundsException other) {
                continue; // not one of ours
            }
            if (n != next[sender] && problem == null) {
                problem = name + " expected " + sender + ":" + next[sender] + ", got " + sender + ":" + n;
            }
            next[sender] = Math.max(next[sender], n + 1);
            delivered++;
            lastId = frame.substring(idStart, idEnd);
            if (live) {
                synchronized (latency) {
                    latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(now - sent)));
                }
            }
            if (sender == 0 && n >= target && reachedAt == 0) {
                reachedAt = now;
            }
        }
    }
}
