package io.webplatform.operator.bucket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One lock per resource the installation shares (a trail's selectors, a log bucket's policy) in this process: its
 * read-modify-write by SecureBuckets reconciled at the same time never loses a member. Another process's lost update
 * is repaired at the next pass, where each member finds itself missing.
 */
final class SharedLocks {
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    private SharedLocks() {
    }

    /** Runs {@code work} holding the lock of {@code resource} (a kind and a name) in the scope's account and region. */
    static <T> T locked(BucketScope scope, String resource, Supplier<T> work) {
        Object lock = LOCKS.computeIfAbsent(scope.accountId() + "/" + scope.region() + "/" + resource, k -> new Object());
        synchronized (lock) {
            return work.get();
        }
    }
}
