package io.webplatform.operator.engine;

import io.webplatform.operator.api.ManagementPolicy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a converged object's resync make no AWS call of its own. After a full pass that converged (all
 * ready, nothing written, no drift, no error) it remembers, in memory, the object's generation and
 * management policy, the time, and per shared kind the fingerprint of the object's items in a listing
 * requested after the object's last write. A later resync of the same generation and policy is skipped
 * while every fingerprint in the current listings ({@link SharedReads}, one per kind per region per
 * window for every object) is unchanged and the last full pass is younger than the drift-check period
 * (spread per object). Anything else is a full pass exactly as without the gate: a changed item (deleted or
 * changed by hand, a state that moved), a new generation, a policy change, a restart (memory is empty),
 * a deletion, the period elapsing, a listing that failed.
 *
 * <p>What only a per-resource read shows (a VPC attribute, a bucket's configuration, a role's policies)
 * is found at the next full pass, within the drift-check period; a period not longer than the resync
 * period turns the gate off: every resync is a full pass.
 */
@Singleton
public class IdleGate {

    /** What a skipped pass or a full one is told. */
    public record Decision(boolean skip, String why) {
        static Decision full(String why) {
            return new Decision(false, why);
        }
    }

    /** The listings a full pass may record its baseline from: requested after the object's last write. */
    public record Listings(String region, Map<SharedReads.Kind, SharedReads.Snapshot> byKind) {
    }

    /** What the last converged full pass of one object left. */
    record Baseline(long generation, ManagementPolicy policy, Instant checkedAt, String region,
                    Map<SharedReads.Kind, SharedReads.Selection> selections, Map<String, String> fingerprints,
                    int status, int annotations) {
    }

    /**
     * How fresh the listings a baseline is taken from must be: a state that moved between an older
     * listing and the walk (an alarm back to OK, say) would otherwise be the baseline, and its return
     * would look like no change.
     */
    static final Duration BASELINE_LISTING_AGE = Duration.ofSeconds(10);

    /**
     * How long after an object's write its baseline waits: EC2's Describe calls are eventually consistent
     * (EC2 developer guide, "Eventual consistency in the Amazon EC2 API": back off from a couple of seconds,
     * up to a few minutes). A baseline taken before AWS shows a write only costs one more full pass (the
     * next listing differs from it), never a missed change.
     */
    static final Duration WRITES_SETTLE = Duration.ofSeconds(15);

    private final Duration driftCheckPeriod;
    private final Duration resyncPeriod;
    private final Clock clock;
    private final SharedReads reads;
    private final Instant started;
    private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();
    /** When each object's last pass that wrote ended: a listing requested before it may show what it replaced. */
    private final Map<String, Instant> lastWrites = new ConcurrentHashMap<>();
    /** When a pass last wrote to each stack, by owner key: kept past the object's deletion, for seconds. */
    private final Map<String, Instant> stackWrites = new ConcurrentHashMap<>();

    @Inject
    public IdleGate(@ConfigProperty(name = "webplatform.drift-check-period", defaultValue = "PT15M") Duration driftCheckPeriod,
                    @ConfigProperty(name = "webplatform.resync-period", defaultValue = "PT5M") Duration resyncPeriod) {
        this(driftCheckPeriod, resyncPeriod, Clock.systemUTC());
    }

    public IdleGate(Duration driftCheckPeriod, Duration resyncPeriod, Clock clock) {
        this.driftCheckPeriod = driftCheckPeriod;
        this.resyncPeriod = resyncPeriod;
        this.clock = clock;
        // A listing serves one resync window; a hair shorter, so that the next resync of the object that fetched it finds it stale.
        this.reads = new SharedReads(resyncPeriod.multipliedBy(9).dividedBy(10), clock);
        this.started = clock.instant();
    }

    /** False when the drift-check period is not longer than the resync period: every resync is a full pass. */
    public boolean enabled() {
        return driftCheckPeriod.compareTo(resyncPeriod) > 0;
    }

    public SharedReads reads() {
        return reads;
    }

    /**
     * Before any per-object call: skip this pass, or walk in full. A full pass forgets the baseline (only
     * a converged full pass records one again), so an error or a stop in it is never followed by a skip.
     */
    public Decision decide(String uid, long generation, ManagementPolicy policy, String status, Map<String, String> annotations) {
        if (!enabled()) {
            return Decision.full("the drift-check period is not longer than the resync period");
        }
        Baseline baseline = baselines.remove(uid);
        if (baseline == null) {
            return Decision.full("no converged full pass since the operator started");
        }
        if (baseline.generation() != generation) {
            return Decision.full("the spec changed (generation " + generation + ")");
        }
        if (baseline.policy() != policy) {
            return Decision.full("the management policy changed");
        }
        if (baseline.status() != Objects.hashCode(status)) {
            // The status is not the one the converged pass wrote (its patch failed, another writer): said again in full.
            return Decision.full("the status is not the one the last full pass wrote");
        }
        if (baseline.annotations() != Objects.hashCode(annotations)) {
            // An annotation asks for something (a snapshot, an adoption) without a new generation.
            return Decision.full("an annotation changed");
        }
        Instant now = clock.instant();
        if (!now.isBefore(baseline.checkedAt().plus(periodOf(uid)))) {
            return Decision.full("drift check due (last full check " + baseline.checkedAt() + ")");
        }
        Instant notBefore = lastWriteOf(uid);
        for (Map.Entry<SharedReads.Kind, SharedReads.Selection> e : baseline.selections().entrySet()) {
            SharedReads.Kind kind = e.getKey();
            String current;
            try {
                current = reads.get(kind, baseline.region(), notBefore).fingerprint(e.getValue());
            } catch (RuntimeException failed) {
                return Decision.full(kind.name() + " could not be listed: " + failed.getMessage());
            }
            if (!current.equals(baseline.fingerprints().get(kind.name()))) {
                return Decision.full(kind.name() + " changed");
            }
        }
        baselines.put(uid, baseline);
        return new Decision(true, "nothing changed in the shared listings since the full check at " + baseline.checkedAt());
    }

    /**
     * At the start of a full pass, before its walk reads anything: the listings a baseline may be recorded
     * from, or null when there is none to record (the gate is off, the kind shares nothing, or the
     * object wrote less than {@link #WRITES_SETTLE} ago: AWS may not show the writes yet, so a later
     * full pass records one, from listings requested after they settled, and this pass costs no extra listing).
     */
    public Listings beforeFullPass(String uid, String region, List<SharedReads.Kind> kinds) {
        Instant now = clock.instant();
        Instant last = lastWrites.get(uid);
        if (!enabled() || kinds.isEmpty() || last != null && now.isBefore(last.plus(WRITES_SETTLE))) {
            return null;
        }
        Instant fresh = now.minus(BASELINE_LISTING_AGE);
        Instant afterWrite = last == null ? lastWriteOf(uid) : last.plus(WRITES_SETTLE);
        Instant notBefore = afterWrite.isAfter(fresh) ? afterWrite : fresh;
        Map<SharedReads.Kind, SharedReads.Snapshot> byKind = new LinkedHashMap<>();
        try {
            for (SharedReads.Kind kind : kinds) {
                byKind.put(kind, reads.get(kind, region, notBefore));
            }
        } catch (RuntimeException e) {
            return null;
        }
        return new Listings(region, byKind);
    }

    /**
     * After a full pass: a converged one records its baseline from the listings taken before its walk;
     * one that wrote records the time its writes ended and no baseline.
     */
    public void afterFullPass(String uid, long generation, ManagementPolicy policy, Scope scope, Listings listings,
                              boolean converged, boolean wrote, String status, Map<String, String> annotations) {
        if (wrote) {
            wrote(uid);
            return;
        }
        if (!converged || listings == null) {
            baselines.remove(uid);
            return;
        }
        Map<SharedReads.Kind, SharedReads.Selection> selections = new LinkedHashMap<>();
        Map<String, String> fingerprints = new LinkedHashMap<>();
        listings.byKind().forEach((kind, snapshot) -> {
            SharedReads.Selection selection = kind.selectionOf(scope);
            selections.put(kind, selection);
            fingerprints.put(kind.name(), snapshot.fingerprint(selection));
        });
        baselines.put(uid, new Baseline(generation, policy, clock.instant(), listings.region(), selections, fingerprints,
                Objects.hashCode(status), Objects.hashCode(annotations)));
    }

    /** The pass wrote (recorded as soon as the walk returns, whatever fails after it): no baseline from older listings. */
    public void wrote(String uid) {
        lastWrites.put(uid, clock.instant());
        baselines.remove(uid);
    }

    /** A full pass the gate may take as a baseline: every component ready, nothing repaired, no drift, no error. */
    public static boolean converged(WalkResult walk) {
        return walk.allReady() && walk.drift().isEmpty() && walk.failures().isEmpty() && !walk.stalled()
                && walk.repairs().isEmpty() && walk.transientErrors() == 0;
    }

    /** The pass began a write (the engine counts them), or made a call that is not a read. */
    public static boolean wrote(Scope scope, List<String> calls) {
        return scope.writes() > 0 || !calls.stream().allMatch(io.webplatform.operator.aws.ApiCallMetrics::isReadOnly);
    }

    /** A stop before the walk, an error: the next pass is full. */
    public void forget(String uid) {
        baselines.remove(uid);
    }

    /** The object is being deleted: nothing of it is kept. */
    public void deleted(String uid) {
        baselines.remove(uid);
        lastWrites.remove(uid);
    }

    /** When the object's last full check was, as the gate knows it; null when it has no baseline. */
    public Instant lastFullCheck(String uid) {
        Baseline b = baselines.get(uid);
        return b == null ? null : b.checkedAt();
    }

    /**
     * The object's drift-check period: between half and all of the configured one, by a hash of its UID,
     * so that objects that converged together do not all check in full in the same resync window. Never
     * longer than configured: what only a full pass finds is found within the drift-check period.
     */
    Duration periodOf(String uid) {
        int spread = Math.floorMod(java.util.Arrays.hashCode(uid.getBytes(StandardCharsets.UTF_8)), 1000);
        return driftCheckPeriod.minus(driftCheckPeriod.dividedBy(2).multipliedBy(spread).dividedBy(1000));
    }

    /**
     * How fresh the listings a full pass observes from must be: requested after the object's last write
     * (what it made, it must see) and at most {@link #BASELINE_LISTING_AGE} before the pass, so that passes
     * starting within seconds of each other share one listing per kind. What changed by another hand in
     * those seconds is seen by the next pass, as the idle gate sees it.
     */
    public Instant readsNotBefore(String uid, String ownerKey) {
        Instant fresh = clock.instant().minus(BASELINE_LISTING_AGE);
        Instant afterWrite = lastWriteOf(uid);
        // A stack outlives its object: an object of the same name deleted moments ago wrote to the same stack.
        Instant stackWrite = stackWrites.get(ownerKey);
        if (stackWrite != null && !stackWrite.isBefore(afterWrite)) {
            afterWrite = stackWrite.plusNanos(1);
        }
        return afterWrite.isAfter(fresh) ? afterWrite : fresh;
    }

    /** A pass (a deletion's too) wrote to the stack with this owner key: until seconds later, its listings must follow. */
    public void stackWrote(String ownerKey) {
        Instant now = clock.instant();
        stackWrites.put(ownerKey, now);
        // Only the last seconds matter (readsNotBefore): older entries go.
        stackWrites.values().removeIf(t -> t.plus(BASELINE_LISTING_AGE).isBefore(now));
    }

    private Instant lastWriteOf(String uid) {
        Instant last = lastWrites.get(uid);
        // Strictly after the write: a listing requested at the same instant may not show it.
        return last == null ? started : last.plusNanos(1);
    }
}
