package dev.duplex.bench.clients;

import java.util.function.Consumer;

/**
 * One connection of the client race: keeps {@code inFlight} messages out, checks that each echo is
 * the oldest message still out, byte for byte, and answers each with the next message. Libraries
 * deliver one connection's messages one at a time, but on threads of their own; the state is
 * guarded by this object's lock, and messages are sent outside it.
 */
final class EchoCheck {
    private final ClientRace.Run run;
    private final String[] variants;
    private final int[] out;
    private int head;
    private int count;
    private int next;
    private Consumer<String> sender;

    EchoCheck(ClientRace.Run run, int id) {
        this.run = run;
        this.variants = run.variants;
        this.out = new int[run.inFlight];
        this.next = id % variants.length;
    }

    /** How the library sends a text message on this connection; set once it is open. */
    void sender(Consumer<String> sender) {
        this.sender = sender;
    }

    /** Sends the first {@code inFlight} messages. */
    void start() {
        String[] first = new String[out.length];
        synchronized (this) {
            for (int i = 0; i < first.length; i++) {
                first[i] = push();
            }
        }
        for (String s : first) {
            sender.accept(s);
        }
    }

    /** A whole text message arrived. */
    void received(String text) {
        String reply;
        synchronized (this) {
            if (count == 0) {
                run.fail("an echo arrived with nothing in flight");
                return;
            }
            String expected = variants[out[head]];
            if (!expected.equals(text)) {
                run.fail("echo differs from the message sent: " + text + " != " + expected);
                return;
            }
            head = head + 1 == out.length ? 0 : head + 1;
            count--;
            run.received.increment();
            reply = run.running ? push() : null;
        }
        if (reply != null) {
            sender.accept(reply);
        }
    }

    private String push() {
        int v = next;
        next = v + 1 == variants.length ? 0 : v + 1;
        out[(head + count) % out.length] = v;
        count++;
        return variants[v];
    }
}
