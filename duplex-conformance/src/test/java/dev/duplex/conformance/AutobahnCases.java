package dev.duplex.conformance;

import dev.duplex.conformance.AutobahnReport.Allowance;
import dev.duplex.conformance.AutobahnReport.Outcome;
import java.util.List;

/** Which Autobahn cases run, and which non-passing outcomes are deliberate. */
final class AutobahnCases {
    private AutobahnCases() {}

    /** Every case of sections 1-13 (Autobahn numbers them 1-7, 9, 10, 12, 13). */
    static final List<String> ALL = List.of("*");

    /** The default build's subset: every protocol section, and a sample of the slow 9, 12 and 13. */
    static final List<String> QUICK = List.of(
            "1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*",
            "9.1.1", "9.2.1", "9.3.1", "9.4.1", "9.5.1", "9.6.1", "9.7.1", "9.8.1",
            "12.1.1", "12.2.1", "12.3.1", "12.4.1", "12.5.1",
            "13.1.1", "13.2.1", "13.3.1", "13.4.1", "13.5.1", "13.6.1", "13.7.1");

    /**
     * 13.3 and 13.5 offer {@code server_max_window_bits=8}; java.util.zip's Deflater always uses a
     * 32 KiB window, so the server declines those offers (RFC 7692 7.1.2.1 allows declining).
     */
    static final List<Allowance> SERVER_ALLOWED = List.of(
            new Allowance(Outcome.UNIMPLEMENTED, "13.3", "offer with server_max_window_bits=8 declined: java.util.zip cannot compress with a window < 15 bits"),
            new Allowance(Outcome.UNIMPLEMENTED, "13.5", "offer with server_max_window_bits=8 declined: java.util.zip cannot compress with a window < 15 bits"));

    static final List<Allowance> CLIENT_ALLOWED = List.of();

    static List<String> select(String which) {
        return switch (which) {
            case "all" -> ALL;
            case "quick" -> QUICK;
            default -> List.of(which.split(","));
        };
    }
}
