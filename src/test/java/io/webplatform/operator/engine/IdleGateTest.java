package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.webplatform.operator.api.ManagementPolicy;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The idle gate's decisions, the fingerprint and the single-flight listing, with a listing kept in memory. */
class IdleGateTest {

    static final Duration RESYNC = Duration.ofMinutes(1);
    static final Duration DRIFT_CHECK = Duration.ofMinutes(15);

    /** A clock a test moves by hand. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** One kind whose "AWS" is a map of item contents by owner; counts its listings. */
    static class MapKind implements SharedReads.Kind {
        final Map<String, String> contentByOwner = new ConcurrentHashMap<>();
        final AtomicInteger listings = new AtomicInteger();
        volatile boolean throttled;

        @Override
        public String name() {
            return "test:thing";
        }

        @Override
        public List<SharedReads.Item> list(String region) {
            listings.incrementAndGet();
            if (throttled) {
                throw new IllegalStateException("Rate exceeded");
            }
            return contentByOwner.entrySet().stream().map(e -> new SharedReads.Item(e.getKey(), null, e.getValue())).toList();
        }

        @Override
        public SharedReads.Selection selectionOf(Scope scope) {
            return SharedReads.Selection.byOwner(scope.ownerKey());
        }
    }

    /** A kind whose listings say they started ({@code inside}) and wait for {@code release} (once released, none waits). */
    static final class SlowKind extends MapKind {
        private final CountDownLatch inside;
        private final CountDownLatch release;

        SlowKind(CountDownLatch inside, CountDownLatch release) {
            this.inside = inside;
            this.release = release;
        }

        @Override
        public List<SharedReads.Item> list(String region) {
            listings.incrementAndGet();
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(new SharedReads.Item("a", null, "x"));
        }
    }

    static final class OwnerScope extends Scope {
        OwnerScope(String uid) {
            super(new ConfigMap() {{
                setMetadata(new ObjectMetaBuilder().withName(uid).withNamespace("ns").withUid(uid).build());
            }}, "eu-west-3");
        }
    }

    final MovableClock clock = new MovableClock();
    final MapKind kind = new MapKind();
    final IdleGate gate = new IdleGate(DRIFT_CHECK, RESYNC, clock);

    /** A full pass of the object as the reconciler runs it; returns whether it could have been skipped. */
    private boolean pass(String uid, long generation, ManagementPolicy policy, boolean converged, boolean wrote) {
        IdleGate.Decision decision = gate.decide(uid, generation, policy, STATUS, Map.of());
        if (decision.skip()) {
            return true;
        }
        IdleGate.Listings listings = gate.beforeFullPass(uid, "eu-west-3", List.of(kind));
        gate.afterFullPass(uid, generation, policy, new OwnerScope(uid), listings, converged, wrote, STATUS, Map.of());
        return false;
    }

    private boolean resync(String uid) {
        clock.advance(RESYNC);
        return pass(uid, 1, ManagementPolicy.Manage, true, false);
    }

    /** The status a converged pass returned (as the reconciler serialises it). */
    private static final String STATUS = "{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}";

    private void converged(String uid) {
        kind.contentByOwner.put(uid, "vpc of " + uid);
        assertThat(pass(uid, 1, ManagementPolicy.Manage, true, false)).as("the first pass is full").isFalse();
    }

    @Test
    void aConvergedObjectWithUnchangedListingsIsSkippedUntilTheDriftCheckIsDue() {
        converged("a");
        int skipped = 0;
        while (resync("a")) {
            skipped++;
        }
        // Spread per object: between half and all of the period, never longer.
        assertThat(gate.periodOf("a")).isBetween(DRIFT_CHECK.dividedBy(2), DRIFT_CHECK);
        assertThat(skipped).isEqualTo((int) (gate.periodOf("a").toSeconds() / RESYNC.toSeconds()) - (gate.periodOf("a").toSeconds() % RESYNC.toSeconds() == 0 ? 1 : 0));
        assertThat(skipped).isGreaterThan(5);
        // The drift check recorded a new baseline: skipped again afterwards.
        assertThat(resync("a")).isTrue();
    }

    @Test
    void aStatusOtherThanTheConvergedPassWroteOrAChangedAnnotationBringsAFullPass() {
        converged("s");
        clock.advance(RESYNC);
        // The converged pass's status patch failed, or another writer changed it: said again in full.
        assertThat(gate.decide("s", 1, ManagementPolicy.Manage, "{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}", Map.of())
                .skip()).isFalse();
        converged("s");
        clock.advance(RESYNC);
        // An annotation asks for something (a snapshot) without a new generation.
        assertThat(gate.decide("s", 1, ManagementPolicy.Manage, STATUS, Map.of("webplatform.io/db-snapshot", "before-upgrade")).skip())
                .isFalse();
        converged("s");
        assertThat(resync("s")).as("unchanged: idle").isTrue();
    }

    @Test
    void aChangedItemOfTheObjectBringsAFullPassAndOthersStayIdle() {
        kind.contentByOwner.put("b", "vpc of b");
        converged("a");
        converged("b");
        assertThat(resync("a")).isTrue();
        assertThat(pass("b", 1, ManagementPolicy.Manage, true, false)).isTrue();
        kind.contentByOwner.put("a", "vpc of a, changed by hand");
        assertThat(resync("a")).as("a's item changed").isFalse();
        assertThat(pass("b", 1, ManagementPolicy.Manage, true, false)).as("b's did not").isTrue();
        // The full pass of a recorded the listing as it is now: idle again.
        assertThat(resync("a")).isTrue();
    }

    @Test
    void aDeletedItemBringsAFullPass() {
        converged("a");
        kind.contentByOwner.remove("a");
        assertThat(resync("a")).isFalse();
    }

    @Test
    void everyOtherTriggerBringsAFullPass() {
        converged("a");
        clock.advance(RESYNC);
        assertThat(pass("a", 2, ManagementPolicy.Manage, true, false)).as("a new generation").isFalse();
        clock.advance(RESYNC);
        assertThat(pass("a", 2, ManagementPolicy.Observe, true, false)).as("the management policy changed").isFalse();
        clock.advance(RESYNC);
        assertThat(pass("a", 2, ManagementPolicy.Observe, true, false)).as("converged under Observe").isTrue();

        converged("b");
        gate.forget("b");
        assertThat(resync("b")).as("a stop, an error or a deletion forgets").isFalse();

        converged("c");
        IdleGate restarted = new IdleGate(DRIFT_CHECK, RESYNC, clock);
        assertThat(restarted.decide("c", 1, ManagementPolicy.Manage, STATUS, Map.of()).skip()).as("a restart: memory is empty").isFalse();
    }

    @Test
    void aPassThatWroteOrDidNotConvergeRecordsNoBaseline() {
        kind.contentByOwner.put("a", "vpc of a");
        assertThat(pass("a", 1, ManagementPolicy.Manage, false, true)).isFalse();
        // A pass moments after a write takes no listing (AWS may not show the write yet) ...
        clock.advance(Duration.ofSeconds(2));
        assertThat(pass("a", 1, ManagementPolicy.Manage, true, false)).isFalse();
        // ... the resync does, requested after the write settled: idle from then on.
        assertThat(resync("a")).isFalse();
        assertThat(resync("a")).isTrue();

        assertThat(pass("a", 1, ManagementPolicy.Manage, false, false)).as("skipped: no full pass ran").isTrue();
        clock.advance(DRIFT_CHECK);
        assertThat(pass("a", 1, ManagementPolicy.Manage, false, false)).as("a full pass that did not converge").isFalse();
        assertThat(resync("a")).isFalse();
    }

    @Test
    void aListingOlderThanTheObjectsLastWriteIsNeverItsBaseline() {
        converged("other");
        int before = kind.listings.get();
        kind.contentByOwner.put("a", "vpc of a");
        // a writes (the listing "other" fetched is older), then converges twice.
        assertThat(pass("a", 1, ManagementPolicy.Manage, false, true)).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(pass("a", 1, ManagementPolicy.Manage, true, false)).isFalse();
        clock.advance(IdleGate.WRITES_SETTLE);
        assertThat(pass("a", 1, ManagementPolicy.Manage, true, false)).isFalse();
        assertThat(kind.listings.get()).as("listed again, after a's write settled, though the window was not over").isEqualTo(before + 1);
    }

    @Test
    void aFailedListingBringsAFullPass() {
        converged("a");
        kind.throttled = true;
        assertThat(resync("a")).as("nothing known: full").isFalse();
        assertThatThrownBy(() -> gate.reads().get(kind, "eu-west-3", Instant.EPOCH)).hasMessage("Rate exceeded");
        kind.throttled = false;
        assertThat(resync("a")).as("the failed pass had no listing to record").isFalse();
        assertThat(resync("a")).isTrue();
    }

    @Test
    void offWhenTheDriftCheckPeriodIsNotLongerThanTheResyncPeriod() {
        IdleGate off = new IdleGate(RESYNC, RESYNC, clock);
        assertThat(off.enabled()).isFalse();
        assertThat(off.beforeFullPass("a", "eu-west-3", List.of(kind))).isNull();
        off.afterFullPass("a", 1, ManagementPolicy.Manage, new OwnerScope("a"), null, true, false, STATUS, Map.of());
        assertThat(off.decide("a", 1, ManagementPolicy.Manage, STATUS, Map.of()).skip()).isFalse();
        assertThat(kind.listings.get()).as("no listing at all").isZero();
    }

    @Test
    void theFingerprintCoversTheObjectsItemsOnlyInAnyOrder() {
        SharedReads.Selection a = SharedReads.Selection.byOwner("a");
        SharedReads.Snapshot one = new SharedReads.Snapshot(Instant.EPOCH, List.of(
                new SharedReads.Item("a", null, "x"), new SharedReads.Item("a", null, "y"), new SharedReads.Item("b", null, "z")));
        SharedReads.Snapshot reordered = new SharedReads.Snapshot(Instant.EPOCH, List.of(
                new SharedReads.Item("b", null, "z2"), new SharedReads.Item("a", null, "y"), new SharedReads.Item("a", null, "x")));
        SharedReads.Snapshot changed = new SharedReads.Snapshot(Instant.EPOCH, List.of(
                new SharedReads.Item("a", null, "x"), new SharedReads.Item("a", null, "y!")));
        SharedReads.Snapshot oneGone = new SharedReads.Snapshot(Instant.EPOCH, List.of(new SharedReads.Item("a", null, "x")));
        SharedReads.Snapshot joined = new SharedReads.Snapshot(Instant.EPOCH, List.of(new SharedReads.Item("a", null, "xy")));
        assertThat(one.fingerprint(a)).isEqualTo(reordered.fingerprint(a));
        assertThat(one.fingerprint(a)).isNotEqualTo(changed.fingerprint(a)).isNotEqualTo(oneGone.fingerprint(a))
                .isNotEqualTo(joined.fingerprint(a));
        // By name and by prefix, for listings without owner tags.
        SharedReads.Snapshot named = new SharedReads.Snapshot(Instant.EPOCH, List.of(new SharedReads.Item(null, "ns-a-1-cpu", "1"),
                new SharedReads.Item(null, "ns-b-2-cpu", "2"), new SharedReads.Item(null, "lb-a", "3")));
        SharedReads.Snapshot otherChanged = new SharedReads.Snapshot(Instant.EPOCH, List.of(new SharedReads.Item(null, "ns-a-1-cpu", "1"),
                new SharedReads.Item(null, "ns-b-2-cpu", "2 changed"), new SharedReads.Item(null, "lb-a", "3")));
        SharedReads.Selection prefix = SharedReads.Selection.byPrefix("ns-a-1-");
        SharedReads.Selection names = SharedReads.Selection.byNames(java.util.Set.of("lb-a"));
        assertThat(named.fingerprint(prefix)).isEqualTo(otherChanged.fingerprint(prefix));
        assertThat(named.fingerprint(names)).isEqualTo(otherChanged.fingerprint(names)).isNotEqualTo(named.fingerprint(prefix));
    }

    @Test
    void concurrentCallersShareOneListing() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SlowKind slow = new SlowKind(inside, release);
        AtomicInteger calls = slow.listings;
        SharedReads reads = new SharedReads(RESYNC, clock);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<SharedReads.Snapshot>> answers = new ArrayList<>();
            answers.add(pool.submit(() -> reads.get(slow, "eu-west-3", Instant.EPOCH)));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 49; i++) {
                answers.add(pool.submit(() -> reads.get(slow, "eu-west-3", Instant.EPOCH)));
            }
            release.countDown();
            SharedReads.Snapshot first = answers.get(0).get(10, TimeUnit.SECONDS);
            for (Future<SharedReads.Snapshot> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(calls.get()).as("50 callers, one listing").isEqualTo(1);
            // Another region is another listing; the window's end is another listing.
            reads.get(slow, "us-east-1", Instant.EPOCH);
            assertThat(calls.get()).isEqualTo(2);
            clock.advance(RESYNC);
            reads.get(slow, "eu-west-3", Instant.EPOCH);
            assertThat(calls.get()).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void callersNeedingAListingNewerThanTheOneInFlightWaitForItThenShareOneMore() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SlowKind slow = new SlowKind(inside, release);
        AtomicInteger calls = slow.listings;
        SharedReads reads = new SharedReads(RESYNC, clock);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            Future<SharedReads.Snapshot> old = pool.submit(() -> reads.get(slow, "eu-west-3", Instant.EPOCH));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            // 19 passes that began (or wrote) after the listing in flight was requested: it may not show what they wrote.
            clock.advance(Duration.ofSeconds(1));
            Instant began = clock.instant();
            List<Future<SharedReads.Snapshot>> answers = new ArrayList<>();
            for (int i = 0; i < 19; i++) {
                answers.add(pool.submit(() -> reads.get(slow, "eu-west-3", began)));
            }
            Thread.sleep(200);
            assertThat(calls.get()).as("none starts a listing of its own while one is in flight").isEqualTo(1);
            release.countDown();
            assertThat(old.get(10, TimeUnit.SECONDS).fetchedAt()).isBefore(began);
            SharedReads.Snapshot newer = answers.get(0).get(10, TimeUnit.SECONDS);
            assertThat(newer.fetchedAt()).isAfterOrEqualTo(began);
            for (Future<SharedReads.Snapshot> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isSameAs(newer);
            }
            assertThat(calls.get()).as("19 callers after the first: one more listing").isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPassObservesFromAListingRequestedAfterItBeganAndAfterTheReadersLastWrite() {
        MapKind described = new MapKind() {
            @Override
            public List<SharedReads.Item> list(String region) {
                listings.incrementAndGet();
                return contentByOwner.entrySet().stream().map(e -> new SharedReads.Item(e.getKey(), null, e.getValue(), e.getValue())).toList();
            }
        };
        SharedReads reads = new SharedReads(RESYNC, clock);
        reads.get(described, "eu-west-3", Instant.EPOCH);
        clock.advance(Duration.ofSeconds(1));
        OwnerScope scope = new OwnerScope("a");
        assertThat(scope.sharedListing(described.name(), String.class)).as("a pass that shares no reads reads on its own").isNull();

        scope.shareReads(reads, List.of(described), clock.instant());
        ComponentGraph.Node<OwnerScope> vpc = node("Vpc");
        ComponentGraph.Node<OwnerScope> subnets = node("Subnets");
        scope.walking(vpc);
        assertThat(scope.sharedListing(described.name(), String.class)).isEmpty();
        assertThat(described.listings.get()).as("the listing from before the pass began is not used").isEqualTo(2);
        assertThat(scope.sharedListing(described.name(), String.class)).isEmpty();
        assertThat(described.listings.get()).as("no write: the same listing").isEqualTo(2);

        // Vpc creates its VPC, then observes it: a listing requested after the write.
        scope.writing();
        described.contentByOwner.put("a", "vpc-1");
        described.contentByOwner.put("b", "vpc-2");
        clock.advance(Duration.ofMillis(1));
        assertThat(scope.sharedListing(described.name(), String.class)).as("after its write: a listing that shows it, the object's items only")
                .containsExactly("vpc-1");
        assertThat(described.listings.get()).isEqualTo(3);
        // Another component's write does not make Vpc's listing stale; Subnets' own does make Subnets'.
        scope.walking(subnets);
        scope.writing();
        clock.advance(Duration.ofMillis(1));
        scope.walking(vpc);
        scope.sharedListing(described.name(), String.class);
        assertThat(described.listings.get()).isEqualTo(3);
        scope.walking(subnets);
        scope.sharedListing(described.name(), String.class);
        assertThat(described.listings.get()).isEqualTo(4);
        // A write outside any component (the anchor's claim) makes every listing stale.
        scope.walking(null);
        scope.writing();
        clock.advance(Duration.ofMillis(1));
        scope.walking(vpc);
        scope.sharedListing(described.name(), String.class);
        assertThat(described.listings.get()).isEqualTo(5);
        assertThat(scope.sharedListing("test:other", String.class)).as("a kind not shared is read on its own").isNull();
    }

    @Test
    void aFullPassReadsListingsAfterTheObjectsLastWriteAndAtMostSecondsOld() {
        Instant started = clock.instant();
        assertThat(gate.readsNotBefore("a", "stack-a")).as("nothing from before the process began: it may have written").isEqualTo(started);
        clock.advance(Duration.ofMinutes(1));
        gate.wrote("a");
        clock.advance(Duration.ofSeconds(2));
        assertThat(gate.readsNotBefore("a", "stack-a")).as("after its write").isAfter(started.plusSeconds(60));
        assertThat(gate.readsNotBefore("b", "stack-b")).as("another object: seconds old will do").isEqualTo(clock.instant().minus(IdleGate.BASELINE_LISTING_AGE));
        clock.advance(Duration.ofMinutes(1));
        assertThat(gate.readsNotBefore("a", "stack-a")).isEqualTo(clock.instant().minus(IdleGate.BASELINE_LISTING_AGE));

        // "a" is deleted (its deletion wrote to its stack); "a2", applied next with the same name, reads the same stack.
        Instant deleted = clock.instant();
        gate.stackWrote("stack-a");
        gate.deleted("a");
        clock.advance(Duration.ofSeconds(1));
        assertThat(gate.readsNotBefore("a2", "stack-a")).as("after the deletion's writes").isAfter(deleted);
        clock.advance(Duration.ofMinutes(1));
        assertThat(gate.readsNotBefore("a2", "stack-a")).isEqualTo(clock.instant().minus(IdleGate.BASELINE_LISTING_AGE));
    }

    private static ComponentGraph.Node<OwnerScope> node(String name) {
        Component<OwnerScope, Object, Object> component = new Component<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Object desired(OwnerScope scope) {
                return null;
            }

            @Override
            public Observed<Object> observe(OwnerScope scope) {
                return null;
            }

            @Override
            public List<Change> diff(Object actual, Object desired) {
                return List.of();
            }

            @Override
            public void create(OwnerScope scope, Object desired) {
            }

            @Override
            public void apply(OwnerScope scope, Observed<Object> current, Object desired, List<Change> changes) {
            }

            @Override
            public boolean delete(OwnerScope scope, Observed<Object> current) {
                return true;
            }
        };
        return new ComponentGraph.Node<>(component, List.of(), List.of());
    }
}
