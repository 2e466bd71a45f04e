package dev.duplex.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the case list is shared out among fuzzers, and how their reports are merged. */
class AutobahnCasesTest {

    @Test
    void allNamesEveryCompressionCaseById() {
        assertThat(AutobahnCases.ALL).contains("1.*", "9.*", "10.*", "12.1.1", "12.5.18", "13.7.18")
                .doesNotContain("*", "12.*", "13.*")
                .hasSize(9 + 12 * 18)
                .doesNotHaveDuplicates();
        assertThat(AutobahnCases.STANDARD).contains("12.5.8", "13.7.13").doesNotContain("12.5.9", "13.1.14", "12.1.18")
                .hasSize(9 + 12 * 11);
    }

    @Test
    void splitSharesEveryCaseOutOnceWithSimilarCosts() {
        List<List<String>> shares = AutobahnCases.split(AutobahnCases.ALL, 2);
        assertThat(shares).hasSize(2);
        List<String> joined = new ArrayList<>();
        shares.forEach(joined::addAll);
        assertThat(joined).containsExactlyInAnyOrderElementsOf(AutobahnCases.ALL);
        double a = cost(shares.get(0));
        double b = cost(shares.get(1));
        assertThat(Math.abs(a - b)).isLessThanOrEqualTo(Math.max(a, b) * 0.05);
    }

    @Test
    void fuzzersAreCountedPerDirection() {
        assertThat(AutobahnConformanceTest.fuzzersPerDirection("1")).containsExactly(1, 1);
        assertThat(AutobahnConformanceTest.fuzzersPerDirection("1:2")).containsExactly(1, 2);
        assertThatThrownBy(() -> AutobahnConformanceTest.fuzzersPerDirection("0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AutobahnConformanceTest.fuzzersPerDirection("1:2:3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneFuzzerGetsEverythingAndTinyListsLeaveNoEmptyShare() {
        assertThat(AutobahnCases.split(AutobahnCases.QUICK, 1)).containsExactly(
                new ArrayList<>(AutobahnCases.QUICK).stream()
                        .sorted(java.util.Comparator.comparingDouble(AutobahnCases::cost).reversed()).toList());
        assertThat(AutobahnCases.split(List.of("9.1.1"), 3)).containsExactly(List.of("9.1.1"));
    }

    @Test
    void reportsOfSeveralFuzzersMerge(@TempDir Path dir) throws IOException {
        Path a = write(dir.resolve("a.json"), "{\"Duplex\": {\"1.1.1\": " + ok() + ", \"9.1.1\": " + ok() + "}}");
        Path b = write(dir.resolve("b.json"), "{\"Duplex\": {\"1.1.2\": " + failed() + "}}");
        AutobahnReport r = AutobahnReport.read("t", List.of(a, b), List.of());
        assertThat(r.results()).extracting(AutobahnReport.CaseResult::id).containsExactly("1.1.1", "1.1.2", "9.1.1");
        assertThat(r.passed()).isFalse();
        assertThat(r.violations()).extracting(AutobahnReport.CaseResult::id).containsExactly("1.1.2");
    }

    @Test
    void aCaseReportedTwiceOrTwoAgentsAreErrors(@TempDir Path dir) throws IOException {
        Path a = write(dir.resolve("a.json"), "{\"Duplex\": {\"1.1.1\": " + ok() + "}}");
        Path b = write(dir.resolve("b.json"), "{\"Duplex\": {\"1.1.1\": " + ok() + "}}");
        Path c = write(dir.resolve("c.json"), "{\"Other\": {\"1.1.2\": " + ok() + "}}");
        assertThatThrownBy(() -> AutobahnReport.read("t", List.of(a, b), List.of())).hasMessageContaining("two runs");
        assertThatThrownBy(() -> AutobahnReport.read("t", List.of(a, c), List.of())).hasMessageContaining("agent");
    }

    private static double cost(List<String> cases) {
        return cases.stream().mapToDouble(AutobahnCases::cost).sum();
    }

    private static String ok() {
        return "{\"behavior\": \"OK\", \"behaviorClose\": \"OK\", \"remoteCloseCode\": 1000, \"duration\": 3, \"reportfile\": \"x.json\"}";
    }

    private static String failed() {
        return "{\"behavior\": \"FAILED\", \"behaviorClose\": \"OK\", \"remoteCloseCode\": 1000, \"duration\": 3, \"reportfile\": \"y.json\"}";
    }

    private static Path write(Path p, String json) throws IOException {
        return Files.writeString(p, json);
    }
}
