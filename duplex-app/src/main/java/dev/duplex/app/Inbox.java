package dev.duplex.app;

import dev.duplex.MessageEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds the messages that arrive before the session is ready for them: a server may send its
 * first message in the same breath as the handshake (the chat room's welcome), before
 * {@code awaitOpen} has even returned. Installed as the socket's {@code onmessage} before it opens.
 */
final class Inbox {

    private List<MessageEvent> early = new ArrayList<>();
    private Consumer<MessageEvent> target;

    synchronized void accept(MessageEvent e) {
        if (target == null) {
            early.add(e);
        } else {
            target.accept(e);
        }
    }

    /** Hands the held messages, then every later one, to {@code consumer}. */
    synchronized void deliverTo(Consumer<MessageEvent> consumer) {
        early.forEach(consumer);
        early = List.of();
        target = consumer;
    }
}
