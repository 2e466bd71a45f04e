package dev.duplex;

/**
 * A listener for a socket's events (DOM §callbackdef-eventlistener). Listeners of one socket are called
 * one at a time, in the order the events happened, each call happening-before the next; never
 * concurrently. By default they run on the socket's own virtual thread, so a listener that blocks
 * stalls only its socket.
 *
 * @param <E> the event class the listener expects
 */
@FunctionalInterface
public interface EventListener<E extends Event> {

    void handleEvent(E event);
}
