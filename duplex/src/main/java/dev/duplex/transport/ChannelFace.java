package dev.duplex.transport;

import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.PreparedMessage;
import dev.duplex.protocol.State;
import dev.duplex.protocol.Utf8;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The thread-safe face of a connection: the state any thread may read (ready state, subprotocol,
 * extensions, addresses, {@code bufferedAmount}) and the sends and closes any thread may make. A
 * send counts its bytes into {@code bufferedAmount} at once; on the connection's own loop it runs
 * straight away, from any other thread it waits in the {@link CommandQueue}, in order with the
 * others. What a send does on the loop is the subclass's ({@link SocketConnection}).
 */
abstract class ChannelFace implements WsChannel {

    final EventLoop loop;
    volatile State readyState = State.CONNECTING;
    volatile String protocol = "";
    volatile String extensions = "";
    volatile InetSocketAddress remote;
    volatile InetSocketAddress local;
    /** Application bytes accepted by send and not yet written or dropped: {@code bufferedAmount}. */
    private volatile long buffered;
    /** Sends posted from other threads; made by the first of them. */
    volatile CommandQueue commands;

    private static final VarHandle BUFFERED;
    private static final VarHandle COMMANDS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BUFFERED = l.findVarHandle(ChannelFace.class, "buffered", long.class);
            COMMANDS = l.findVarHandle(ChannelFace.class, "commands", CommandQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ChannelFace(EventLoop loop) {
        this.loop = loop;
    }

    /** Loop: runs a send now (the loop is not inside another command burst). */
    abstract void runNow(int kind, Object payload, long credit);

    /** Loop: takes the commands posted from other threads. */
    abstract void runCommands();

    /** Loop: starts the closing handshake after what was sent before. */
    abstract void closeOnLoop(CloseCode code, String reason);

    /** Loop: ends the connection at once. */
    abstract void abortOnLoop(Throwable cause);

    /** The buffer to keep for a later write: {@code data}, or a copy when it may not outlive the call. */
    abstract ByteBuffer lendable(ByteBuffer data);

    @Override
    public State readyState() {
        return readyState;
    }

    @Override
    public long bufferedAmount() {
        return buffered;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public String extensions() {
        return extensions;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean sendText(String text) {
        return sendText(text, Utf8.encodedLength(text));
    }

    @Override
    public boolean sendText(String text, long encodedLength) {
        return submit(CommandQueue.Command.TEXT, text, encodedLength);
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        ByteBuffer d = lendable(data);
        return submit(CommandQueue.Command.BINARY, d, d.remaining());
    }

    @Override
    public boolean sendPrepared(PreparedMessage message) {
        return submit(CommandQueue.Command.PREPARED, message, message.length());
    }

    @Override
    public boolean sendPing(ByteBuffer payload) {
        checkControl(payload);
        return submit(CommandQueue.Command.PING, payload, 0);
    }

    @Override
    public boolean sendPong(ByteBuffer payload) {
        checkControl(payload);
        return submit(CommandQueue.Command.PONG, payload, 0);
    }

    @Override
    public boolean sendPart(boolean text, ByteBuffer data, boolean last) {
        int kind = CommandQueue.Command.PART | (text ? CommandQueue.Command.TEXT_PART : 0)
                | (last ? CommandQueue.Command.LAST_PART : 0);
        ByteBuffer part = lendable(data);
        return submit(kind, part, part.remaining());
    }

    @Override
    public void close(CloseCode code, String reason) {
        CloseCode.checkSendable(code, reason);
        if (readyState == State.OPEN) {
            readyState = State.CLOSING;
        }
        runOnLoop(() -> closeOnLoop(code, reason));
    }

    @Override
    public void abort(Throwable cause) {
        runOnLoop(() -> abortOnLoop(cause));
    }

    final void runOnLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private boolean submit(int kind, Object payload, long credit) {
        if (readyState != State.OPEN) {
            return false;
        }
        addBuffered(credit);
        if (loop.inEventLoop() && !hasCommands()) {
            runNow(kind, payload, credit);
        } else {
            commandQueue().post(new CommandQueue.Command(kind, payload, credit));
        }
        return true;
    }

    /** Any thread: {@code bufferedAmount} grows (a send) or shrinks (written or dropped). */
    final void addBuffered(long delta) {
        long ignored = (long) BUFFERED.getAndAdd(this, delta);
    }

    /** Any thread: the queue of sends posted from other threads, made by the first of them. */
    private CommandQueue commandQueue() {
        CommandQueue q = commands;
        if (q == null) {
            CommandQueue fresh = new CommandQueue(loop, this::runCommands);
            q = (CommandQueue) COMMANDS.compareAndExchange(this, null, fresh);
            if (q == null) {
                q = fresh;
            }
        }
        return q;
    }

    final boolean hasCommands() {
        CommandQueue q = commands;
        return q != null && !q.isEmpty();
    }

    private static void checkControl(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("control frame payload longer than 125 bytes");
        }
    }
}
