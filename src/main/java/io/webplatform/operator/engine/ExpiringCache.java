package io.webplatform.operator.engine;

import io.webplatform.operator.aws.UserError;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Answers AWS gave to questions that change rarely (does this image exist, is this class orderable,
 * is this key usable), kept for a while so that a resync asks nothing. A question that throws (a
 * {@link UserError}, say) is not kept: it is asked again at the next pass. Thread-safe.
 *
 * @param <V> the answer
 */
public final class ExpiringCache<V> {
    private record Entry<V>(V value, Instant until) {
    }

    private final Clock clock;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Questions being asked now, by key. */
    private final Map<String, CompletableFuture<V>> asked = new ConcurrentHashMap<>();

    public ExpiringCache(Clock clock) {
        this.clock = clock;
    }

    /** The kept answer, or null when there is none or it has expired. */
    public V get(String key) {
        Entry<V> entry = entries.get(key);
        return entry != null && entry.until().isAfter(clock.instant()) ? entry.value() : null;
    }

    public void put(String key, V value, Duration keptFor) {
        entries.put(key, new Entry<>(value, clock.instant().plus(keptFor)));
    }

    /**
     * The kept answer, or else {@code ask}'s, kept for {@code keptFor}. Asked once for every caller
     * wanting it at the same time (fifty platforms applied at once ask AWS one question); those waiting
     * get the same answer, or the same error.
     */
    public V get(String key, Duration keptFor, Supplier<V> ask) {
        V kept = get(key);
        if (kept != null) {
            return kept;
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> asking = asked.putIfAbsent(key, mine);
        if (asking != null) {
            try {
                return asking.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            V answer = get(key);
            if (answer == null) {
                answer = ask.get();
                put(key, answer, keptFor);
            }
            mine.complete(answer);
            return answer;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            asked.remove(key, mine);
        }
    }
}
