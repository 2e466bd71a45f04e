package dev.duplex.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Duplex app ({@code duplex echo}, {@code duplex chat}) in its own process, its output in a log file. */
final class SoakServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");

    final String app;
    final Process process;
    final InetSocketAddress address;

    private SoakServer(String app, Process process, InetSocketAddress address) {
        this.app = app;
        this.process = process;
        this.address = address;
    }

    /** Runs {@code command app --port 0} and waits for its "listening on HOST:PORT" line. */
    static SoakServer start(List<String> command, String app, Path log) throws IOException {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of(app, "--port", "0"));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Files.createDirectories(log.getParent());
        PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        String line;
        while ((line = out.readLine()) != null) {
            file.println(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> {
                    try (file) {
                        out.lines().forEach(file::println); // until the process ends
                    } catch (java.io.UncheckedIOException closed) {
                        // the process is gone
                    }
                });
                return new SoakServer(app, p, new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
            }
        }
        file.close();
        p.destroyForcibly();
        throw new IOException(app + " ended before listening: " + String.join(" ", full) + " (see " + log + ")");
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM (the app's graceful stop), then SIGKILL if it has not ended in 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
