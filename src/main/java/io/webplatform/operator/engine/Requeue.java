package io.webplatform.operator.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponential backoff for resources that wait on AWS: 2 s, 4 s, 8 s ... capped at 60 s; reset once
 * converged, and started again whenever a pass made progress.
 */
public final class Requeue {
    private static final Duration FIRST = Duration.ofSeconds(2);
    private static final Duration MAX = Duration.ofSeconds(60);
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    /** Components ready (or, while deleting, gone) at the last call, by resource. */
    private final Map<String, Integer> readySeen = new ConcurrentHashMap<>();

    /**
     * The next delay, starting the backoff again when the pass made progress: more components ready
     * than at the last call, or changes made (a rolling replacement advances a step at a time).
     */
    public Duration next(String key, WalkResult walk) {
        return next(key, (int) walk.components().stream().filter(c -> c.isReady()).count(), !walk.repairs().isEmpty());
    }

    /** While deleting, progress is more components gone (or kept by policy) than at the last call. */
    public Duration nextWhileDeleting(String key, WalkResult walk) {
        return next(key, (int) walk.components().stream().filter(c -> walk.isGoneOrRetained(c.getName())).count(), false);
    }

    private Duration next(String key, int progress, boolean changed) {
        Integer before = readySeen.put(key, progress);
        if (before != null && progress > before || changed) {
            attempts.remove(key);
        }
        return next(key);
    }

    public Duration next(String key) {
        int n = attempts.merge(key, 1, Integer::sum);
        long millis = FIRST.toMillis() << Math.min(n - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX.toMillis()));
    }

    public void reset(String key) {
        attempts.remove(key);
        readySeen.remove(key);
    }
}
