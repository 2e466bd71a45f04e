package dev.duplex.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code duplex echo} as it ships (the command line's defaults) against real peers that stream big
 * messages in small frames: Node {@code ws} and Python {@code websockets} send 4 MiB of text and
 * 4 MiB of binary in 1 KiB fragments and check the echoes ({@code peers/fragments.*} in the library's
 * test resources). The old default of 1024 fragments per message closed both with 1009.
 */
class EchoDefaultsNetworkTest {

    static final Path PEERS = Path.of("../duplex/src/test/resources/peers").toAbsolutePath().normalize();
    static final Path NODE_WS = Path.of("../conformance/node/node_modules/ws").toAbsolutePath().normalize();

    private static RunningServer echo;

    @BeforeAll
    static void start() {
        echo = EchoServer.start(OriginDefaultsNetworkTest.echoDefaults());
    }

    @AfterAll
    static void stop() {
        echo.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "python"})
    void fourMebibytesInKibibyteFragments(String peer) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (peer.equals("python")) {
            assumePeer(Files.isExecutable(Path.of("/usr/bin/python3"))
                    && new ProcessBuilder("/usr/bin/python3", "-c", "import websockets").start().waitFor() == 0,
                    "python3-websockets");
            cmd.addAll(List.of("/usr/bin/python3", PEERS.resolve("fragments.py").toString()));
        } else {
            assumePeer(Files.isDirectory(NODE_WS), "node ws (npm ci in conformance/node)");
            cmd.addAll(List.of("node", PEERS.resolve("fragments.js").toString()));
        }
        cmd.addAll(List.of("client", echo.wsUrl("/echo")));
        String out = run(cmd);
        assertThat(out).contains("text ok", "binary ok 4194304 bytes in 4096 fragments", "ALL OK");
    }

    static void assumePeer(boolean present, String what) {
        if (System.getenv("CI") != null) {
            assertThat(present).as(what + " must be installed in CI (.ci/run)").isTrue();
        }
        assumeTrue(present, what + " not installed");
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NODE_WS_PATH", NODE_WS.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String text = new String(out, StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done && p.exitValue() == 0).as("peer %s failed:%n%s", cmd, text).isTrue();
        return text;
    }
}
