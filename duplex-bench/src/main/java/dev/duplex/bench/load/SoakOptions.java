package dev.duplex.bench.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a soak runs: how long, how many clients per server, how fast each sends, what share of them drop
 * their TCP connection abruptly (and how often) and reconnect, how many share a chat room, which apps,
 * and the command that starts an app (the app name and {@code --port 0} are appended).
 */
record SoakOptions(Duration duration, int clients, double rate, double dropShare, Duration dropEvery,
        int roomSize, List<String> apps, List<String> serverCommand) {

    static final Duration DEFAULT_DURATION = Duration.ofMinutes(5);

    SoakOptions {
        if (clients < 1 || rate <= 0 || dropShare < 0 || dropShare > 1 || roomSize < 1) {
            throw new IllegalArgumentException("want clients >= 1, rate > 0, 0 <= drop share <= 1, room size >= 1");
        }
        apps = List.copyOf(apps);
        serverCommand = List.copyOf(serverCommand);
    }

    /** From {@code --duration S --clients N --rate R --drop-share F --drop-every S --room-size K --apps a,b --server-cmd "…"}. */
    static SoakOptions parse(String[] args) {
        return new SoakOptions(
                Duration.ofMillis((long) (Double.parseDouble(opt(args, "--duration",
                        Long.toString(DEFAULT_DURATION.toSeconds()))) * 1000)),
                Integer.parseInt(opt(args, "--clients", "1000")),
                Double.parseDouble(opt(args, "--rate", "1")),
                Double.parseDouble(opt(args, "--drop-share", "0.1")),
                Duration.ofMillis((long) (Double.parseDouble(opt(args, "--drop-every", "10")) * 1000)),
                Integer.parseInt(opt(args, "--room-size", "10")),
                Arrays.asList(opt(args, "--apps", "echo,chat").split(",")),
                Arrays.asList(opt(args, "--server-cmd", "java -jar duplex-app/target/duplex.jar").trim().split("\\s+")));
    }

    /** How many of the clients drop and reconnect; the rest must stay up the whole run. */
    int droppers() {
        return (int) Math.round(clients * dropShare);
    }

    /** The value after the last {@code name} (a later option overrides an earlier one), or the fallback. */
    static String opt(String[] args, String name, String fallback) {
        String value = fallback;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                value = args[i + 1];
            }
        }
        return value;
    }
}
