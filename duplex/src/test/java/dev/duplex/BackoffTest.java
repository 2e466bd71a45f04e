package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter, with the random draw pinned. */
class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration CAP = Duration.ofSeconds(30);

    /** A generator whose bounded draws are always the largest value allowed. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return -1;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    @Test
    void theCeilingDoublesFromTheBaseUpToTheCap() {
        Backoff b = new Backoff(BASE, CAP, HIGHEST);
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(b.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.ceiling(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.ceiling(7)).isEqualTo(Duration.ofSeconds(30)); // 32 s, capped
        assertThat(b.ceiling(1_000)).as("no overflow").isEqualTo(CAP);
        assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(CAP);
    }

    @Test
    void theWaitIsDrawnBetweenZeroAndTheCeilingInclusive() {
        assertThat(new Backoff(BASE, CAP, HIGHEST).delay(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(new Backoff(BASE, CAP, LOWEST).delay(2)).isEqualTo(Duration.ZERO);
        assertThat(new Backoff(BASE, CAP, HIGHEST).delay(40)).isEqualTo(CAP);
    }

    @Test
    void realDrawsStayInRange() {
        Backoff b = new Backoff(BASE, CAP, RandomGenerator.of("L64X128MixRandom"));
        for (int attempt = 1; attempt < 20; attempt++) {
            assertThat(b.delay(attempt)).isBetween(Duration.ZERO, b.ceiling(attempt));
        }
    }
}
