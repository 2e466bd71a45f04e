package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeflateProbeTest extends ServerTestBase {
    @Test
    void probe() throws Exception {
        String[][] seqs = {{"abc", "abc"}, {"", "abc"}, {"abc", ""}, {"abc", "", "abc"}, {"a".repeat(200), "b".repeat(300)}};
        for (String[] seq : seqs) {
            WebSocket ws = open("/echo");
            Recorder r = Recorder.on(ws);
            StringBuilder out = new StringBuilder();
            for (String data : seq) {
                ws.send(data);
                Recorder.Seen s = r.next();
                out.append(data.length()).append("->").append(s.event() instanceof CloseEvent c ? c.toString() : "ok").append("; ");
                if (s.event() instanceof CloseEvent) break;
            }
            System.out.println("PROBE " + out);
            ws.close();
            awaitClose(ws);
        }
    }
}
