package dev.duplex.conformance;

import dev.duplex.conformance.AutobahnReport.Allowance;
import dev.duplex.conformance.AutobahnReport.Outcome;
import java.util.List;

/** Which Autobahn cases run, and which non-passing outcomes are deliberate. */
final class AutobahnCases {
    private AutobahnCases() {}

    /** The protocol sections, as patterns (Autobahn numbers them 1-7, 9, 10). */
    private static final List<String> PROTOCOL_SECTIONS =
            List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "9.*", "10.*");

    /**
     * Every case of sections 1-13: the protocol sections as patterns and each of the 216 cases of 12
     * and 13 by id (12.1-12.5 and 13.1-13.7, payload sizes 1-18), so they can be shared out among
     * fuzzers ({@link #split}).
     */
    static final List<String> ALL = compressionCases(
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18);

    /**
     * The default build's subset: every case of the protocol sections 1-7 and 10, and one or two
     * of the slow sections 9 (big messages), 12 and 13 (permessage-deflate: default offer, a window
     * of 8 bits, a list of offers).
     */
    static final List<String> QUICK = List.of(
            "1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*",
            "9.1.1", "9.2.1", "12.1.1", "13.3.1", "13.7.1");

    /**
     * A shorter set for local runs (CI runs {@link #ALL}): every case of sections
     * 1-7, 9 and 10, and every permessage-deflate group 12.1-12.5 and 13.1-13.7 at the payload sizes
     * up to 32 KiB (sizes 1-8: 16 B to 32 KiB in one frame; 11-13: 8 to 32 KiB in 256-byte
     * fragments), 1000 messages each: 433 cases each way. Left to {@link #ALL}: the 64 and 128 KiB
     * sizes (9, 10, 14-18), 84 cases that take two thirds of a full run's time. Case ids are
     * exact: a pattern like {@code 12.*.1} would be a prefix match in Autobahn and take 12.1.10-18 too.
     */
    static final List<String> STANDARD = compressionCases(1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13);

    /** The protocol sections and the given payload sizes (1-18) of every group of 12 and 13. */
    private static List<String> compressionCases(int... sizes) {
        List<String> cases = new java.util.ArrayList<>(PROTOCOL_SECTIONS);
        for (int size : sizes) {
            for (int group = 1; group <= 5; group++) {
                cases.add("12." + group + "." + size);
            }
            for (int group = 1; group <= 7; group++) {
                cases.add("13." + group + "." + size);
            }
        }
        return List.copyOf(cases);
    }

    /**
     * Shares {@code cases} out among {@code n} fuzzers so their run times come out about equal:
     * heaviest first, each onto the least loaded list (by {@link #cost}). Each fuzzer echoes one
     * message at a time and leaves most of a core idle while its peer works, so two per direction
     * keep two cores busy.
     */
    static List<List<String>> split(List<String> cases, int n) {
        List<List<String>> shards = new java.util.ArrayList<>();
        double[] load = new double[n];
        for (int i = 0; i < n; i++) {
            shards.add(new java.util.ArrayList<>());
        }
        List<String> heaviestFirst = new java.util.ArrayList<>(cases);
        heaviestFirst.sort(java.util.Comparator.comparingDouble(AutobahnCases::cost).reversed());
        for (String c : heaviestFirst) {
            int least = 0;
            for (int i = 1; i < n; i++) {
                if (load[i] < load[least]) {
                    least = i;
                }
            }
            shards.get(least).add(c);
            load[least] += cost(c);
        }
        shards.removeIf(List::isEmpty);
        return shards.stream().map(List::copyOf).toList();
    }

    /** Seconds per payload size 1-18 of a 12.1 case (JSON data), each direction (measured, see below). */
    private static final double[] SIZE_COST = {0, 1.1, 1, 1, 0.8, 0.7, 0.9, 1, 1.4, 1.7, 2.9, 0.7, 0.8, 0.9, 1.5, 2.8, 2.5, 2.5, 2.5};

    /**
     * Rough seconds a case (or a section pattern) takes, from the durations of a full run on the
     * 2-core machine with one fuzzer per direction (2026-12-04, both directions averaged): 12/13
     * grow with payload size (sizes 7-18 are 16-128 KiB x 1000 messages) and with how poorly the
     * data compresses (12.2 bitmap, 12.5 PDF, 12.3 text; factors of the big sizes, which dominate);
     * section 9 moves up to 16 MiB per message; 6 has 145 short cases.
     */
    static double cost(String c) {
        String[] p = c.split("\\.");
        if (p.length == 3 && (p[0].equals("12") || p[0].equals("13"))) {
            double factor = switch (p[0] + "." + p[1]) {
                case "12.2" -> 4.4;
                case "12.3" -> 2.8;
                case "12.4" -> 1.3;
                case "12.5" -> 3.8;
                case "13.3", "13.5" -> 0.6; // the server declines, so the server side is over at once
                case "13.6", "13.7" -> 1.15;
                default -> 1.0;
            };
            return SIZE_COST[Integer.parseInt(p[2])] * factor;
        }
        return switch (c) {
            case "9.*" -> 28;
            case "6.*" -> 6;
            default -> 1;
        };
    }

    /**
     * 13.3 and 13.5 offer {@code server_max_window_bits=8}; java.util.zip's Deflater always uses a
     * 32 KiB window, so the server declines those offers (RFC 7692 7.1.2.1 allows declining).
     */
    static final List<Allowance> SERVER_ALLOWED = concat(List.of(
            new Allowance(Outcome.UNIMPLEMENTED, "13.3", "offer with server_max_window_bits=8 declined: java.util.zip cannot compress with a window < 15 bits"),
            new Allowance(Outcome.UNIMPLEMENTED, "13.5", "offer with server_max_window_bits=8 declined: java.util.zip cannot compress with a window < 15 bits")),
            failFastChopped());

    static final List<Allowance> CLIENT_ALLOWED = failFastChopped();

    /**
     * Tolerated, not expected: a valid message then, in chops (3.3, 3.4, 4.1.5, 4.2.5), a frame that
     * breaks the protocol. Since the core holds a violation until the events before it were handled
     * (and the client until its dispatcher ran them) these are OK in every run; they stay tolerated
     * only because chopping makes them timing-dependent. The same cases in one segment (3.2, 4.1.3,
     * 4.1.4, 4.2.3, 4.2.4, 5.15) must be OK: the build fails on NON-STRICT there.
     */
    private static List<Allowance> failFastChopped() {
        return java.util.stream.Stream.of("3.3", "3.4", "4.1.5", "4.2.5")
                .map(id -> new Allowance(Outcome.NON_STRICT, id,
                        "fail-fast: a violation that arrives (in chops) while the echo of the message before it is "
                                + "still on its way fails the connection first"))
                .toList();
    }

    private static List<Allowance> concat(List<Allowance> a, List<Allowance> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    static List<String> select(String which) {
        return switch (which) {
            case "all" -> ALL;
            case "quick" -> QUICK;
            case "standard" -> STANDARD;
            default -> List.of(which.split(","));
        };
    }
}
