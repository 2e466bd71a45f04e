package dev.duplex.server;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A server's open sockets ({@link WebSocketServer#connections()}): a list linked through the sockets
 * themselves, two references and a flag in each, where a concurrent hash set spent a 32-byte node
 * and a table slot per socket (a server with many idle connections keeps one entry per connection).
 *
 * <p>Unmodifiable through the {@code Collection} interface (its {@code add} and {@code remove}
 * throw). Adding and removing here take a lock (once per connection's life each). Iterating takes none and is
 * weakly consistent, as a concurrent collection's iterator: it never fails, never returns a socket
 * twice, returns every socket that stays open for the whole iteration, and may or may not return
 * those added or removed meanwhile. Why: a socket is only ever added at the head, so each link
 * points to an older socket and a walk cannot loop; a removed socket keeps its link, so an iterator
 * standing on it goes on to the socket that followed it, and every open socket older than any
 * socket stays reachable from it.
 */
final class OpenSockets extends AbstractCollection<ServerWebSocket> {

    private final Object lock = new Object();
    /** The newest open socket; next links lead to older ones. */
    private volatile ServerWebSocket head;
    private volatile int size;

    /** Adds {@code ws} (once in its life); false if it is here already. */
    boolean addSocket(ServerWebSocket ws) {
        synchronized (lock) {
            if (ws.openListed) {
                return false;
            }
            ServerWebSocket h = head;
            ws.openPrev = null;
            ws.openNext = h;
            if (h != null) {
                h.openPrev = ws;
            }
            ws.openListed = true;
            head = ws;
            size++;
            return true;
        }
    }

    /** Removes {@code ws}; false if it was not here. Its next link is kept for iterators on it. */
    boolean removeSocket(ServerWebSocket ws) {
        synchronized (lock) {
            if (!ws.openListed) {
                return false;
            }
            ws.openListed = false;
            ServerWebSocket prev = ws.openPrev;
            ServerWebSocket next = ws.openNext;
            if (prev == null) {
                head = next;
            } else {
                prev.openNext = next;
            }
            if (next != null) {
                next.openPrev = prev;
            }
            ws.openPrev = null;
            size--;
            return true;
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Iterator<ServerWebSocket> iterator() {
        return new Iterator<>() {
            private ServerWebSocket next = skipRemoved(head);

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public ServerWebSocket next() {
                ServerWebSocket ws = next;
                if (ws == null) {
                    throw new NoSuchElementException();
                }
                next = skipRemoved(ws.openNext);
                return ws;
            }
        };
    }

    private static ServerWebSocket skipRemoved(ServerWebSocket ws) {
        while (ws != null && !ws.openListed) {
            ws = ws.openNext;
        }
        return ws;
    }
}
