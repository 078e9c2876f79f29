package io.webplatform.operator.engine;

import io.webplatform.operator.aws.UserError;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpiringCacheTest {
    private Instant now = Instant.parse("2026-12-03T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void anAnswerIsKeptUntilItExpiresThenAskedAgain() {
        ExpiringCache<String> cache = new ExpiringCache<>(clock);
        AtomicInteger asked = new AtomicInteger();
        assertThat(cache.get("eu-west-3/ami-1", Duration.ofHours(1), () -> "image-" + asked.incrementAndGet())).isEqualTo("image-1");
        now = now.plus(Duration.ofMinutes(59));
        assertThat(cache.get("eu-west-3/ami-1", Duration.ofHours(1), () -> "image-" + asked.incrementAndGet())).isEqualTo("image-1");
        assertThat(cache.get("eu-west-1/ami-1")).as("another key").isNull();
        now = now.plus(Duration.ofMinutes(1));
        assertThat(cache.get("eu-west-3/ami-1")).as("expired").isNull();
        assertThat(cache.get("eu-west-3/ami-1", Duration.ofHours(1), () -> "image-" + asked.incrementAndGet())).isEqualTo("image-2");
    }

    @Test
    void aQuestionThatThrowsIsNotKept() {
        ExpiringCache<Boolean> cache = new ExpiringCache<>(clock);
        assertThatThrownBy(() -> cache.get("k", Duration.ofHours(1), () -> {
            throw new UserError("AmiNotFound", "no such image");
        })).isInstanceOf(UserError.class);
        assertThat(cache.get("k")).isNull();
        cache.put("k", true, Duration.ofMinutes(1));
        assertThat(cache.get("k")).isTrue();
    }

    @Test
    void callersAskingTogetherShareOneQuestionAndItsError() throws Exception {
        ExpiringCache<String> cache = new ExpiringCache<>(clock);
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        java.util.function.Supplier<String> slow = () -> {
            asked.incrementAndGet();
            inside.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UserError("AmiNotFound", "no such image");
        };
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            var first = pool.submit(() -> cache.get("k", Duration.ofHours(1), slow));
            assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.List<java.util.concurrent.Future<String>> others = new java.util.ArrayList<>();
            for (int i = 0; i < 19; i++) {
                others.add(pool.submit(() -> cache.get("k", Duration.ofHours(1), slow)));
            }
            Thread.sleep(200);
            release.countDown();
            for (var answer : others) {
                assertThatThrownBy(() -> answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasCauseInstanceOf(UserError.class);
            }
            assertThatThrownBy(() -> first.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasCauseInstanceOf(UserError.class);
            assertThat(asked.get()).as("20 callers at once, one question").isEqualTo(1);
            assertThat(cache.get("k", Duration.ofHours(1), () -> "image")).as("an error is not kept: asked again").isEqualTo("image");
        } finally {
            pool.shutdownNow();
        }
    }
}
