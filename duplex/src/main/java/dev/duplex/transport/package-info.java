/**
 * The I/O engine under Duplex's client and server (internal; not exported from {@code dev.duplex}).
 *
 * <h2>Shape</h2>
 * One {@link dev.duplex.transport.EventLoop} per core (a thread, a {@code Selector}, a task queue and a
 * timer heap); an {@link dev.duplex.transport.EventLoopGroup} hands each new socket to one loop for
 * life. Everything that touches a connection's protocol state (the sans-I/O
 * {@link dev.duplex.protocol.Connection}, its write queue, its timers) runs on that loop; other threads
 * post tasks. There are no locks on the data path: cross-thread sends go through a lock-free queue and
 * one task per burst; only {@code readyState} (volatile) and {@code bufferedAmount} (atomic) are read
 * from other threads.
 *
 * <h2>Client contract (what {@code dev.duplex.WebSocket} builds on)</h2>
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder(URI.create("wss://example.com/chat"))
 *         .subprotocols(List.of("chat"))
 *         .eventExecutor(Dispatch.virtualThread())      // null = deliver on the event loop
 *         .build();
 * WsChannel ch = Transport.shared().connect(options, new ChannelListener() {
 *     public void onOpen(WsChannel ch, OpenInfo info) { ... }           // at most once, first
 *     public void onEvent(WsChannel ch, ProtocolEvent event) { ... }    // messages, pings, pongs,
 * });                                                                    // CloseReceived, then Closed
 * ch.sendText("hello");                  // any thread; returns at once
 * }</pre>
 * <ul>
 *   <li>{@link dev.duplex.transport.Transport#connect} returns a {@link dev.duplex.transport.WsChannel}
 *       at once, in state {@code CONNECTING}. In the background it resolves the host, connects with a
 *       timeout (directly or through an HTTP {@code CONNECT} proxy), runs TLS for {@code wss} (SNI and
 *       hostname verification on, RFC 6125 via {@code "HTTPS"} endpoint identification), sends the
 *       opening handshake and verifies the response (RFC 6455 4.1).</li>
 *   <li>On success the listener gets {@link dev.duplex.transport.ChannelListener#onOpen} (the channel
 *       is already {@code OPEN}, {@code protocol()} and {@code extensions()} are set), then
 *       {@link dev.duplex.transport.ChannelListener#onEvent} for every
 *       {@link dev.duplex.protocol.ProtocolEvent} in order. The last call is always
 *       {@code onEvent(ProtocolEvent.Closed)}, exactly once.</li>
 *   <li>Any failure — DNS, refused, connect timeout, proxy refusal, TLS failure, bad handshake
 *       response, handshake timeout — delivers no {@code onOpen}, just one {@code Closed} with code
 *       1006 ({@code ABNORMAL_CLOSURE}), {@code wasClean == false} and the {@code cause} set
 *       (a {@link dev.duplex.transport.ConnectException} describing the step that failed, wrapping
 *       the I/O, TLS or handshake exception).</li>
 *   <li>A connection that ends without a closing handshake (peer vanished, ping not answered in time,
 *       close timeout, send queue over {@code maxBufferedBytes}) also ends with {@code Closed(1006,
 *       wasClean=false, cause)}.</li>
 *   <li>Threading: with {@code eventExecutor == null} the listener runs on the connection's event-loop
 *       thread and must not block. With an executor, the transport queues the calls and runs them on
 *       that executor one at a time, in order, each happening-before the next (the transport serialises
 *       them itself, so any {@code Executor} works, e.g. {@link dev.duplex.transport.Dispatch#virtualThread()}).
 *       Input backpressure: while more than {@code eventHighWater} calls are undelivered the socket is
 *       not read; reading resumes when they drop to {@code eventLowWater}.</li>
 *   <li>{@link dev.duplex.transport.WsChannel#bufferedAmount()} counts application payload bytes
 *       accepted by {@code sendText}/{@code sendBinary} (UTF-8 bytes for text) that have not yet been
 *       handed to the OS. Sends made after the connection left {@code OPEN} are discarded and never
 *       counted (the WHATWG rule that {@code bufferedAmount} keeps growing after close is the caller's
 *       to apply).</li>
 * </ul>
 */
package dev.duplex.transport;
