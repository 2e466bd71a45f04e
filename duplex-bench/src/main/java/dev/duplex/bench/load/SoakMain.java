package dev.duplex.bench.load;

import java.nio.file.Path;

/**
 * The soak from the command line ({@code duplex-bench/soak.sh} runs it):
 * <pre>
 * java -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.load.SoakMain [--duration 300] [--clients 1000]
 *     [--rate 1] [--drop-share 0.1] [--drop-every 10] [--room-size 10] [--apps echo,chat]
 *     [--server-cmd "java -jar duplex-app/target/duplex.jar"] [--logs DIR]
 * </pre>
 * Exit status 0 when nothing was lost on the connections that stayed up, none of them ended, and every
 * server came back to its baseline; 1 otherwise.
 */
public final class SoakMain {

    private SoakMain() {
    }

    public static void main(String[] args) throws Exception {
        SoakOptions o = SoakOptions.parse(args);
        Path logs = Path.of(SoakOptions.opt(args, "--logs", "duplex-bench/target/soak-logs"));
        Soak.Result r = Soak.run(o, logs, System.out);
        System.exit(r.passed() ? 0 : 1);
    }
}
