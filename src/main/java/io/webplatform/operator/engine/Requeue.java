package io.webplatform.operator.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Exponential backoff for resources that wait on AWS: 2 s, 4 s, 8 s ... capped at 60 s; reset once converged. */
public final class Requeue {
    private static final Duration FIRST = Duration.ofSeconds(2);
    private static final Duration MAX = Duration.ofSeconds(60);
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

    public Duration next(String key) {
        int n = attempts.merge(key, 1, Integer::sum);
        long millis = FIRST.toMillis() << Math.min(n - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX.toMillis()));
    }

    public void reset(String key) {
        attempts.remove(key);
    }
}
