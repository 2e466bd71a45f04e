/**
 * The machinery behind {@code WebSocketStream} and the server's blocking stream handlers (not
 * exported): a bounded read buffer that pauses the socket while full, a publisher over it, and a write
 * queue whose futures complete as bytes leave.
 */
package dev.duplex.stream;
