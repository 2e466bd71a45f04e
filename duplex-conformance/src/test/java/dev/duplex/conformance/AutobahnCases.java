package dev.duplex.conformance;

import dev.duplex.conformance.AutobahnReport.Allowance;
import dev.duplex.conformance.AutobahnReport.Outcome;
import java.util.List;

/** Which Autobahn cases run, and which non-passing outcomes are deliberate. */
final class AutobahnCases {
    private AutobahnCases() {}

    /** Every case of sections 1-13 (Autobahn numbers them 1-7, 9, 10, 12, 13). */
    static final List<String> ALL = List.of("*");

    /**
     * The default build's subset: every case of the protocol sections 1-7 and 10, and one or two
     * of the slow sections 9 (big messages), 12 and 13 (permessage-deflate: default offer, a window
     * of 8 bits, a list of offers).
     */
    static final List<String> QUICK = List.of(
            "1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*",
            "9.1.1", "9.2.1", "12.1.1", "13.3.1", "13.7.1");

    /**
     * 13.3 and 13.5 offer {@code server_max_window_bits=8}; java.util.zip's Deflater always uses a
     * 32 KiB window, so the server declines those offers (RFC 7692 7.1.2.1 allows declining).
     */
    static final List<Allowance> SERVER_ALLOWED = concat(List.of(
            new Allowance(Outcome.UNIMPLEMENTED, "13.3", "offer with server_max_window_bits=8 declined: java.util.zip cannot compress with a window < 15 bits"),
            new Allowance(Outcome.UNIMPLEMENTED, "13.5", "offer with server_max_window_bits=8 declined: java.util.zip cannot compress with a window < 15 bits")),
            concat(failFast(), failFastChopped()));

    static final List<Allowance> CLIENT_ALLOWED = concat(failFast(), failFastChopped());

    /**
     * The same pattern with the frames sent in chops (3.3, 3.4, 4.1.5, 4.2.5): whether the echo of the
     * first message leaves before the violation is decoded depends on timing, more so on the client,
     * whose listeners run on the socket's own virtual thread.
     */
    private static List<Allowance> failFastChopped() {
        return java.util.stream.Stream.of("3.3", "3.4", "4.1.5", "4.2.5")
                .map(id -> new Allowance(Outcome.NON_STRICT, id,
                        "fail-fast: a violation that arrives (in chops) while the echo of the message before it is "
                                + "still on its way fails the connection first"))
                .toList();
    }

    /**
     * Cases that send a valid message and, in the same TCP segment, a frame that breaks the protocol
     * (3.2 reserved bit, 4.1.3/4.1.4/4.2.3/4.2.4 reserved opcodes, 5.15 a continuation with no
     * message). Strict means: echo the first message, then fail. Duplex decodes a read as a batch and
     * fails the connection at the violation, before the application's echo of the earlier message is
     * sent, so the echo is dropped (NON-STRICT: "failed fast"). Deliberate for now: see
     * docs/conformance.md.
     */
    private static List<Allowance> failFast() {
        return java.util.stream.Stream.of("3.2", "4.1.3", "4.1.4", "4.2.3", "4.2.4", "5.15")
                .map(id -> new Allowance(Outcome.NON_STRICT, id,
                        "fail-fast: the violation in the same read fails the connection before the echo of the message before it"))
                .toList();
    }

    private static List<Allowance> concat(List<Allowance> a, List<Allowance> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    static List<String> select(String which) {
        return switch (which) {
            case "all" -> ALL;
            case "quick" -> QUICK;
            default -> List.of(which.split(","));
        };
    }
}
