package dev.duplex.app.chat;

import java.util.Collection;

/**
 * What a room needs from the sockets of its members; the chat server implements it with the
 * Duplex server API, tests with a recorder. Called only from the room's own executor.
 *
 * @param <S> the socket type
 */
public interface Outbox<S> {

    /** Sends one text message to one socket. */
    void send(S socket, String text);

    /** Sends one text message to all these sockets, encoding the frame once. */
    void broadcast(Collection<S> sockets, String text);

    /** The bytes queued for this socket and not yet written (its {@code bufferedAmount}). */
    long queuedBytes(S socket);

    /** Starts the closing handshake on this socket. */
    void close(S socket, int code, String reason);
}
