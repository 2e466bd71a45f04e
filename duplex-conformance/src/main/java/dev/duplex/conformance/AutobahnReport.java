package dev.duplex.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads the {@code index.json} an Autobahn fuzzer writes next to its HTML reports, counts the
 * outcomes per section and decides whether the run passes: only OK and INFORMATIONAL pass, plus the
 * cases listed in {@link Allowance} (a documented, deliberate choice each).
 *
 * <p>{@code java dev.duplex.conformance.AutobahnReport target/autobahn/server/reports/index.json ...}
 * prints the tables and exits with status 1 when a run does not pass.
 */
public final class AutobahnReport {

    /** Autobahn's verdicts, best first; a case's outcome is the worse of its behaviour and close behaviour. */
    public enum Outcome {
        OK("OK"), INFORMATIONAL("INFORMATIONAL"), NON_STRICT("NON-STRICT"), UNIMPLEMENTED("UNIMPLEMENTED"),
        FAILED_BY_CLIENT("FAILED BY CLIENT"), UNCLEAN("UNCLEAN"), WRONG_CODE("WRONG CODE"), FAILED("FAILED");

        final String label;

        Outcome(String label) {
            this.label = label;
        }

        static Outcome of(String label) {
            for (Outcome o : values()) {
                if (o.label.equals(label)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown Autobahn verdict: " + label);
        }
    }

    /** One case's result. */
    public record CaseResult(String id, Outcome behavior, Outcome behaviorClose, Integer remoteCloseCode,
                             long durationMillis, String reportFile) {
        public Outcome outcome() {
            return behavior.compareTo(behaviorClose) >= 0 ? behavior : behaviorClose;
        }

        public int section() {
            return Integer.parseInt(id.substring(0, id.indexOf('.')));
        }
    }

    /** A non-passing outcome that is accepted on purpose, for the cases whose id starts with a prefix. */
    public record Allowance(Outcome outcome, String casePrefix, String reason) {
        boolean covers(CaseResult r) {
            return r.outcome() == outcome && (r.id().equals(casePrefix) || r.id().startsWith(casePrefix + "."));
        }
    }

    private final String title;
    private final String agent;
    private final List<CaseResult> results;
    private final List<Allowance> allowances;

    private AutobahnReport(String title, String agent, List<CaseResult> results, List<Allowance> allowances) {
        this.title = title;
        this.agent = agent;
        this.results = results;
        this.allowances = allowances;
    }

    /** Reads {@code index.json}; it must hold exactly one agent. */
    public static AutobahnReport read(String title, Path indexJson, List<Allowance> allowances) throws IOException {
        return read(title, List.of(indexJson), allowances);
    }

    /**
     * Reads and merges the {@code index.json} of several runs over disjoint case lists (a suite split
     * across fuzzers running side by side). Each must hold exactly one agent, the same in all; a case
     * reported twice is an error.
     */
    public static AutobahnReport read(String title, List<Path> indexJsons, List<Allowance> allowances) throws IOException {
        String agent = null;
        Map<String, CaseResult> results = new java.util.HashMap<>();
        for (Path indexJson : indexJsons) {
            JsonNode root = new ObjectMapper().readTree(Files.readString(indexJson));
            if (root == null || root.size() != 1) {
                throw new IOException(indexJson + ": expected results for exactly one agent");
            }
            String a = root.fieldNames().next();
            if (agent != null && !agent.equals(a)) {
                throw new IOException(indexJson + ": agent " + a + ", others " + agent);
            }
            agent = a;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get(agent).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode c = e.getValue();
                JsonNode code = c.get("remoteCloseCode");
                CaseResult r = new CaseResult(e.getKey(), Outcome.of(c.get("behavior").asText()),
                        Outcome.of(c.get("behaviorClose").asText()),
                        code == null || code.isNull() ? null : code.asInt(),
                        c.path("duration").asLong(), c.path("reportfile").asText());
                if (results.put(r.id(), r) != null) {
                    throw new IOException(indexJson + ": case " + r.id() + " reported by two runs");
                }
            }
        }
        List<CaseResult> sorted = new ArrayList<>(results.values());
        sorted.sort(Comparator.comparing(CaseResult::id, AutobahnReport::compareIds));
        return new AutobahnReport(title, agent, List.copyOf(sorted), List.copyOf(allowances));
    }

    /** Orders "1.2.10" after "1.2.9". */
    static int compareIds(String a, String b) {
        int[] x = Arrays.stream(a.split("\\.")).mapToInt(Integer::parseInt).toArray();
        int[] y = Arrays.stream(b.split("\\.")).mapToInt(Integer::parseInt).toArray();
        return Arrays.compare(x, y);
    }

    public List<CaseResult> results() {
        return results;
    }

    /** The cases that make this run fail: any outcome but OK / INFORMATIONAL not covered by an allowance. */
    public List<CaseResult> violations() {
        return results.stream()
                .filter(r -> r.outcome() != Outcome.OK && r.outcome() != Outcome.INFORMATIONAL)
                .filter(r -> allowances.stream().noneMatch(a -> a.covers(r)))
                .toList();
    }

    public boolean passed() {
        return !results.isEmpty() && violations().isEmpty();
    }

    /** Section → outcome → count. */
    public Map<Integer, Map<Outcome, Integer>> countsBySection() {
        Map<Integer, Map<Outcome, Integer>> counts = new TreeMap<>();
        for (CaseResult r : results) {
            counts.computeIfAbsent(r.section(), s -> new EnumMap<>(Outcome.class)).merge(r.outcome(), 1, Integer::sum);
        }
        return counts;
    }

    /** Outcome → count over all sections. */
    public Map<Outcome, Integer> totals() {
        Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
        results.forEach(r -> totals.merge(r.outcome(), 1, Integer::sum));
        return totals;
    }

    /** The per-section table and the list of every case that is not OK, as Markdown. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(title).append(" (agent `").append(agent).append("`, ")
                .append(results.size()).append(" cases: ").append(passed() ? "PASS" : "FAIL").append(")\n\n");
        sb.append("| section |");
        for (Outcome o : Outcome.values()) {
            sb.append(' ').append(o.label).append(" |");
        }
        sb.append("\n|---|");
        sb.append("---:|".repeat(Outcome.values().length)).append('\n');
        countsBySection().forEach((section, counts) -> row(sb, String.valueOf(section), counts));
        row(sb, "**all**", totals());
        List<CaseResult> notOk = results.stream().filter(r -> r.outcome() != Outcome.OK).toList();
        if (!notOk.isEmpty()) {
            sb.append("\nNot OK:\n\n");
            for (CaseResult r : notOk) {
                sb.append("- ").append(r.id()).append(": ").append(r.outcome().label)
                        .append(" (behavior ").append(r.behavior().label).append(", close ")
                        .append(r.behaviorClose().label).append(", remote close code ")
                        .append(Objects.toString(r.remoteCloseCode(), "none")).append(")");
                allowances.stream().filter(a -> a.covers(r)).findFirst()
                        .ifPresentOrElse(a -> sb.append(" — allowed: ").append(a.reason()),
                                () -> sb.append(r.outcome() == Outcome.INFORMATIONAL ? "" : " — **not allowed**"));
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, Map<Outcome, Integer> counts) {
        sb.append("| ").append(label).append(" |");
        for (Outcome o : Outcome.values()) {
            sb.append(' ').append(counts.getOrDefault(o, 0)).append(" |");
        }
        sb.append('\n');
    }

    public static void main(String[] args) throws IOException {
        boolean ok = true;
        for (String arg : args) {
            AutobahnReport report = read(arg, Path.of(arg), List.of());
            System.out.println(report.markdown());
            ok &= report.passed();
        }
        System.exit(ok ? 0 : 1);
    }
}
