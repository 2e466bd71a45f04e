package dev.duplex.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "echo", mixinStandardHelpOptions = true,
        description = {"Echo server: messages come back unchanged, on any path.",
                "Text comes back as text and binary as binary; the client's close code and reason come back "
                        + "too. A page to try it from a browser is at http://HOST:PORT/."})
final class EchoCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "16MiB", converter = ByteSize.class,
            description = "Largest message accepted (default: ${DEFAULT-VALUE}); bigger ones are closed with 1009.")
    long maxMessage;

    /** What the command line asks for: the settings {@code duplex echo} runs with. */
    ServerSettings settings() {
        return server.settings(maxMessage);
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerSettings settings = settings();
        RunningServer running = EchoServer.start(settings);
        Console.serving("Duplex echo server", running, settings, new String[][] {
                {"page", running.httpUrl()},
                {"echo", running.wsUrl("/echo") + "  (any path echoes)"},
        });
        Console.runUntilStopped(running);
        return 0;
    }
}
