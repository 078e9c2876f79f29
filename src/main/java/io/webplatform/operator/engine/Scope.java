package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.webplatform.operator.aws.Identity;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one reconcile pass knows: the custom resource, its region and what each component found.
 * Kind-specific scopes add the spec's derived values and AWS clients.
 */
public abstract class Scope {
    /** Who wrote, where no component did (an anchor's claim). */
    private static final String NO_COMPONENT = "";
    private final HasMetadata owner;
    private final Identity identity;
    private final String region;
    private final Map<String, Observed<?>> observed = new HashMap<>();
    private ComponentGraph.Node<?> walking;
    private Clock clock = Clock.systemUTC();
    private Runnable beforeWriting = () -> { };
    private java.util.function.Consumer<String> onAdopted = from -> { };
    private int writes;
    /** The process's shared listings this pass observes from; null when it reads on its own. */
    private SharedReads reads;
    private Map<String, SharedReads.Kind> readKinds = Map.of();
    /** Listings are requested no earlier: what the pass allows, or later, the end of a write no component made (a claim). */
    private Instant readsNotBefore;
    /** Per component, later still: the end of its own last write (what it made, it must see). */
    private final Map<String, Instant> readsNotBeforeOf = new HashMap<>();
    /** Components ("" for none) that began a write since their last listing. */
    private final Set<String> unsettled = new HashSet<>();

    /** A scope identified by the owner's UID, as stacks were before installations had names. */
    protected Scope(HasMetadata owner, String region) {
        this(owner, Identity.ofUid(owner), region);
    }

    protected Scope(HasMetadata owner, Identity identity, String region) {
        this.owner = owner;
        this.identity = identity;
        this.region = region;
    }

    public HasMetadata owner() {
        return owner;
    }

    /** Whose stack this pass walks: the owner key, and the claim the anchor must carry. */
    public Identity identity() {
        return identity;
    }

    /** The owner tag's value on every resource of this stack, and the hash in its names. */
    public String ownerKey() {
        return identity.key();
    }

    public String region() {
        return region;
    }

    /**
     * What must happen before this pass's first write to AWS: the reconciler records in status that
     * the object may have made something, so that a deletion knows when it can skip AWS altogether.
     */
    public void beforeWriting(Runnable hook) {
        this.beforeWriting = hook;
    }

    /** What must happen as soon as the claim moved to this object: the reconciler records it in status. */
    public void onAdopted(java.util.function.Consumer<String> hook) {
        this.onAdopted = hook;
    }

    void adopted(String from) {
        onAdopted.accept(from);
    }

    /** Called by the engine before each write (create, apply, delete, claim); the hook decides whether once is enough. */
    void writing() {
        beforeWriting.run();
        writes++;
        unsettled.add(walking == null ? NO_COMPONENT : walking.name());
    }

    /**
     * From now on this pass observes the given kinds from the process's shared listings ({@link SharedReads}),
     * each requested no earlier than {@code notBefore} (after the object's earlier writes,
     * {@link IdleGate#readsNotBefore}) and after the reading component's own last write in this pass: at
     * one listing per kind for every object converging at the same time. (Each EC2 kind is written by
     * one component only; a write outside any component refreshes every kind.)
     */
    public void shareReads(SharedReads reads, List<SharedReads.Kind> kinds, Instant notBefore) {
        this.reads = reads;
        this.readKinds = kinds.stream().collect(Collectors.toMap(SharedReads.Kind::name, k -> k));
        this.readsNotBefore = notBefore;
    }

    /**
     * The descriptions of the kind's resources tagged with this stack's owner key, from a shared listing
     * requested no earlier than the pass allows and after the reading component's last write; null when
     * this pass reads on its own.
     */
    protected <T> List<T> sharedListing(String kind, Class<T> type) {
        SharedReads.Kind listed = readKinds.get(kind);
        if (reads == null || listed == null) {
            return null;
        }
        // Clients are synchronous: a write begun before this read has ended. Strictly later: a listing
        // requested at the same instant may not show it.
        if (unsettled.remove(NO_COMPONENT)) {
            readsNotBefore = reads.now().plusNanos(1);
        }
        String reader = walking == null ? NO_COMPONENT : walking.name();
        if (unsettled.remove(reader)) {
            readsNotBeforeOf.put(reader, reads.now().plusNanos(1));
        }
        Instant own = readsNotBeforeOf.get(reader);
        Instant notBefore = own != null && own.isAfter(readsNotBefore) ? own : readsNotBefore;
        return reads.get(listed, region, notBefore).ownedBy(ownerKey(), type);
    }

    /** How many writes this pass began: a pass that wrote leaves no idle baseline ({@link IdleGate}). */
    public int writes() {
        return writes;
    }

    /** The pass's idea of now, compared with the dates AWS records (a key's CreationDate, a role's CreateDate). */
    public Clock clock() {
        return clock;
    }

    /** Plays the pass at another time: how a test judges a refusal long after its dependency was made. */
    public void clock(Clock clock) {
        this.clock = clock;
    }

    /** What a component found in this pass; null when absent or not yet observed. */
    public Observed<?> observed(String component) {
        assert declared(component) : walking.name() + " reads what " + component + " observed, but its graph declares no edge to it";
        return observed.get(component);
    }

    /** The AWS id a component reported; fails loudly when a dependency ordering bug reads it too early. */
    public String idOf(String component) {
        assert declared(component) : walking.name() + " reads the id of " + component + ", but its graph declares no edge to it";
        Observed<?> o = observed.get(component);
        if (o == null) {
            throw new IllegalStateException(component + " has not been observed in this pass");
        }
        return o.id();
    }

    /** Remembers what a component found in this pass (null: absent). The engine calls it after observe. */
    public void record(String component, Observed<?> value) {
        if (value == null) {
            observed.remove(component);
        } else {
            observed.put(component, value);
        }
    }

    /** The component the walk is at (null between components): what it may read is what its edges name. */
    void walking(ComponentGraph.Node<?> node) {
        this.walking = node;
    }

    /** Checked with assertions on (every test): a read the graph does not declare is an ordering bug waiting to happen. */
    private boolean declared(String component) {
        return walking == null || walking.name().equals(component) || walking.after().contains(component)
                || walking.reads().contains(component);
    }
}
