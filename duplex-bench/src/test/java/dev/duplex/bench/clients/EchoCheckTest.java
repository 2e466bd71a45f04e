package dev.duplex.bench.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client race's per-connection check: in order, byte for byte, one answer per echo. */
class EchoCheckTest {

    @Test
    void keepsInFlightMessagesOutAndAnswersEachEcho() {
        ClientRace.Run run = new ClientRace.Run(32, 3);
        List<String> sent = new ArrayList<>();
        EchoCheck check = new EchoCheck(run, 0);
        check.sender(sent::add);
        check.start();
        assertThat(sent).hasSize(3).allMatch(s -> s.length() == 32);
        check.received(sent.get(0));
        check.received(sent.get(1));
        assertThat(run.received.sum()).isEqualTo(2);
        assertThat(sent).hasSize(5); // each echo answered with the next message
        assertThat(run.failure.get()).isNull();
    }

    @Test
    void failsOnAnEchoOutOfOrderOrAltered() {
        ClientRace.Run run = new ClientRace.Run(32, 2);
        List<String> sent = new ArrayList<>();
        EchoCheck check = new EchoCheck(run, 0);
        check.sender(sent::add);
        check.start();
        check.received(sent.get(1));
        assertThat(run.failure.get()).startsWith("echo differs");
        assertThat(run.running).isFalse();
        assertThat(run.received.sum()).isZero();
    }

    @Test
    void stopsAnsweringWhenTheRunEnds() {
        ClientRace.Run run = new ClientRace.Run(32, 1);
        List<String> sent = new ArrayList<>();
        EchoCheck check = new EchoCheck(run, 5);
        check.sender(sent::add);
        check.start();
        run.running = false;
        check.received(sent.get(0));
        assertThat(sent).hasSize(1);
        assertThat(run.received.sum()).isEqualTo(1);
    }
}
