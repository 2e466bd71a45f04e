package dev.duplex.app;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds what arrives before the session is ready for it: a server may send its first message in the
 * same breath as the handshake (the chat room's welcome), before {@code awaitOpen} has even returned.
 * Installed as the socket's {@code onmessage} (or its notice sink) before it opens.
 *
 * @param <T> a message event, or a notice line
 */
final class Inbox<T> {

    private List<T> early = new ArrayList<>();
    private Consumer<? super T> target;

    synchronized void accept(T item) {
        if (target == null) {
            early.add(item);
        } else {
            target.accept(item);
        }
    }

    /** Hands the held items, then every later one, to {@code consumer}. */
    synchronized void deliverTo(Consumer<? super T> consumer) {
        early.forEach(consumer);
        early = List.of();
        target = consumer;
    }
}
