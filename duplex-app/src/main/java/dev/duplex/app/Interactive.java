package dev.duplex.app;

import dev.duplex.CloseEvent;
import dev.duplex.MessageEvent;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The interactive client session: lines from the terminal (JLine: editing and history) or from
 * piped stdin go out as messages; messages in are printed after {@code "< "}. End of input
 * (Ctrl-D) or Ctrl-C closes with 1000; the session ends when the (last) close event arrives. Notices
 * (a reconnecting client's "disconnected", "connected") are printed as they come.
 */
final class Interactive {

    private final Peer ws;
    private final Inbox<MessageEvent> inbox;
    private final Inbox<String> notices;
    private final CompletableFuture<CloseEvent> closed;
    private final boolean binary;
    private final Duration timeout;

    Interactive(Peer ws, Inbox<MessageEvent> inbox, Inbox<String> notices, CompletableFuture<CloseEvent> closed,
            boolean binary, Duration timeout) {
        this.ws = ws;
        this.inbox = inbox;
        this.notices = notices;
        this.closed = closed;
        this.binary = binary;
        this.timeout = timeout;
    }

    int run() throws InterruptedException, ExecutionException, IOException {
        Terminal terminal = openTerminal();
        try {
            LineReader reader = terminal == null ? null
                    : LineReaderBuilder.builder().terminal(terminal).appName("duplex").build();
            Consumer<String> print = reader != null ? reader::printAbove : System.out::println;
            print.accept(ws.greeting());
            notices.deliverTo(print);
            inbox.deliverTo(e -> print.accept("< " + show(e)));

            Thread input = Thread.ofPlatform().daemon().name("duplex-client-input")
                    .start(() -> readLines(reader));
            CloseEvent close = closed.get();
            input.interrupt();
            print.accept(close == null ? "Closing handshake not finished in time." : ClientCommand.describe(close));
            return close != null && close.wasClean() ? 0 : 1;
        } finally {
            if (terminal != null) {
                terminal.close();
            }
        }
    }

    /** The user's terminal, or null when stdin or stdout is not one (piped): then plain lines. */
    private static Terminal openTerminal() {
        try {
            Terminal t = TerminalBuilder.builder().system(true).dumb(false).build();
            if (t.getType().startsWith(Terminal.TYPE_DUMB)) {
                t.close();
                return null;
            }
            return t;
        } catch (IOException | RuntimeException notATerminal) {
            return null;
        }
    }

    /** Sends each line; at the end of input, closes with 1000 and waits (bounded) for the close. */
    private void readLines(LineReader reader) {
        try {
            if (reader != null) {
                while (!closed.isDone()) {
                    send(reader.readLine("> "));
                }
            } else {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !closed.isDone()) {
                    send(line);
                }
            }
        } catch (EndOfFileException | UserInterruptException | IOException endOfInput) {
            // Ctrl-D, Ctrl-C or a closed stdin: say goodbye below
        } catch (RuntimeException e) {
            if (closed.isDone()) {
                return; // the terminal was closed under us at the end of the session
            }
            throw e;
        }
        if (!closed.isDone()) {
            ws.close();
            try {
                closed.get(timeout.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException | InterruptedException e) {
                closed.complete(null);
            }
        }
    }

    private void send(String line) {
        boolean taken = binary ? ws.send(line.getBytes(StandardCharsets.UTF_8)) : ws.send(line);
        if (!taken) {
            notices.accept("(not sent: not connected)");
        }
    }

    private static String show(MessageEvent e) {
        return e.isText() ? e.text() : ClientCommand.binaryLine(e.bytes());
    }
}
