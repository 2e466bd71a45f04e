package dev.duplex.bench.clients;

import java.util.function.Consumer;

/**
 * One connection of the client race: keeps {@code inFlight} messages out, checks that each echo is
 * the oldest message still out, byte for byte, and answers each with the next message. Libraries
 * deliver one connection's messages one at a time, but on threads of their own; the state, and
 * the order of sends, is guarded by this object's lock.
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
    synchronized void start() {
        for (int i = 0; i < out.length; i++) {
            sender.accept(push());
        }
    }

    /**
     * A whole text message arrived: checked, counted, answered. The answer is sent under the lock
     * too, so that the messages go out in the order they were recorded (every library's send only
     * queues, none blocks).
     */
    synchronized void received(String text) {
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
        if (run.running) {
            sender.accept(push());
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
