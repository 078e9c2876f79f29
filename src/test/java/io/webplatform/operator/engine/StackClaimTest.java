package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who holds a stack: the anchor's claim is read before anything is written; a stack held by another
 * object is adopted only when allowed (the claim moves, nothing is made), never taken back from the
 * object that took it, and never deleted by an object that does not hold it.
 */
class StackClaimTest {
    static final String KEY = Identity.keyOf("prod", "ConfigMap", "ns", "x");
    static final String OLD = "cluster-a/uid-old";
    static final String NEW = "cluster-b/uid-new";

    static final class ClaimScope extends Scope {
        final Map<String, String> world = new HashMap<>();
        String claim;
        final List<String> log = new ArrayList<>();

        ClaimScope(Identity identity) {
            super(new ConfigMap() {{
                setMetadata(new ObjectMetaBuilder().withName("x").withNamespace("ns").withUid("uid-new").build());
            }}, identity, "eu-west-3");
        }
    }

    /** A resource in the scope's map; its observed state is its value. */
    static class Thing implements Component<ClaimScope, String, String> {
        final String name;
        int observed;

        Thing(String name) {
            this.name = name;
        }

        public String name() { return name; }

        public String desired(ClaimScope s) { return "ready"; }

        public Observed<String> observe(ClaimScope s) {
            observed++;
            s.log.add("observe " + name);
            String v = s.world.get(name);
            return v == null ? null : Observed.ready(name + "-id", v);
        }

        public List<Change> diff(String actual, String desired) { return List.of(); }

        public void create(ClaimScope s, String desired) {
            s.log.add("create " + name);
            s.world.put(name, desired);
            if (this instanceof Anchor<?, ?>) {
                s.claim = s.identity().claim();
            }
        }

        public void apply(ClaimScope s, Observed<String> current, String desired, List<Change> changes) {
            s.log.add("apply " + name);
        }

        public boolean delete(ClaimScope s, Observed<String> current) {
            s.log.add("delete " + name);
            s.world.remove(name);
            return true;
        }
    }

    /** The anchor: its observed state is the claim it carries. */
    static class AnchorThing extends Thing implements Anchor<ClaimScope, String> {
        AnchorThing() {
            super("anchor");
        }

        @Override
        public Observed<String> observe(ClaimScope s) {
            Observed<String> found = super.observe(s);
            return found == null ? null : Observed.ready(found.id(), s.claim == null ? "" : s.claim);
        }

        public String claimOf(String actual) {
            return actual.isEmpty() ? null : actual;
        }

        public void claim(ClaimScope s, Observed<String> current, String claim) {
            s.log.add("claim anchor " + claim);
            s.claim = claim;
        }
    }

    private final AnchorThing anchor = new AnchorThing();
    private final Thing server = new Thing("server");
    private final ComponentGraph<ClaimScope> graph = ComponentGraph.<ClaimScope>builder()
            .add(anchor).add(server, ComponentGraph.after("anchor")).anchor("anchor").build();

    private static ClaimScope existingStackHeldBy(String claim, Identity identity) {
        ClaimScope scope = new ClaimScope(identity);
        scope.world.put("anchor", "ready");
        scope.world.put("server", "ready");
        scope.claim = claim;
        return scope;
    }

    @Test
    void aStackHeldByAnotherObjectIsNotTouchedWithoutPermission() {
        ClaimScope scope = existingStackHeldBy(OLD, new Identity(KEY, NEW, "the chart value adoption.allowed=true", false));
        RecordedEvents events = new RecordedEvents();
        WalkResult result = graph.reconcile(scope, events);

        assertThat(result.stalledReason()).isEqualTo(ComponentGraph.ADOPTION_NOT_ALLOWED);
        assertThat(result.stalledMessage()).contains("anchor anchor-id", "held by ConfigMap uid-old of cluster cluster-a",
                "nothing was made", "set the chart value adoption.allowed=true");
        assertThat(scope.log).containsExactly("observe anchor");
        assertThat(scope.claim).isEqualTo(OLD);
        assertThat(events.warnings).anyMatch(w -> w.contains(ComponentGraph.ADOPTION_NOT_ALLOWED));
    }

    @Test
    void aHolderOfThisClusterThatNoLongerExistsIsNamedAsSuch() {
        ClaimScope scope = existingStackHeldBy("cluster-b/uid-old", new Identity(KEY, NEW, "the annotation", false));
        WalkResult result = graph.reconcile(scope, new RecordedEvents());
        assertThat(result.stalledMessage()).contains("held by ConfigMap uid-old of this cluster", "That object no longer exists");
    }

    @Test
    void anAllowedAdoptionMovesTheClaimMakesNothingAndListsWhatItFound() {
        ClaimScope scope = existingStackHeldBy(OLD, new Identity(KEY, NEW, null, false));
        WalkResult result = graph.reconcile(scope, new RecordedEvents());

        assertThat(result.stalled()).isFalse();
        assertThat(result.allReady()).isTrue();
        assertThat(scope.claim).isEqualTo(NEW);
        assertThat(scope.log).filteredOn(l -> l.startsWith("create") || l.startsWith("apply") || l.startsWith("delete")).isEmpty();
        assertThat(scope.log).contains("claim anchor " + NEW);
        assertThat(result.adoptedFrom()).isEqualTo("ConfigMap uid-old of cluster cluster-a");
        assertThat(result.adopted()).containsExactly("anchor anchor-id", "server server-id");
        assertThat(result.holdsClaim()).isTrue();

        // The next pass holds the stack: no adoption, the anchor read once.
        scope.log.clear();
        WalkResult next = graph.reconcile(scope, new RecordedEvents());
        assertThat(next.adoptedFrom()).isNull();
        assertThat(scope.log).containsExactly("observe anchor", "observe server");
    }

    @Test
    void aStackTakenFromThisObjectIsNeverTakenBack() {
        // It held the stack (its status shows resources); another cluster adopted it since. Even allowed, it stops.
        ClaimScope scope = existingStackHeldBy(OLD, new Identity(KEY, NEW, null, true));
        WalkResult result = graph.reconcile(scope, new RecordedEvents());

        assertThat(result.stalledReason()).isEqualTo(ComponentGraph.CLAIMED_ELSEWHERE);
        assertThat(result.stalledMessage()).contains("is now held by ConfigMap uid-old of cluster cluster-a", "no longer changes it");
        assertThat(scope.claim).isEqualTo(OLD);
        assertThat(scope.log).containsExactly("observe anchor");
    }

    @Test
    void aStackThisObjectHoldsIsWalkedReadingTheAnchorOnce() {
        ClaimScope scope = existingStackHeldBy(NEW, new Identity(KEY, NEW, "x", true));
        WalkResult result = graph.reconcile(scope, new RecordedEvents());
        assertThat(result.allReady()).isTrue();
        assertThat(anchor.observed).isEqualTo(1);
        assertThat(scope.log).containsExactly("observe anchor", "observe server");
    }

    @Test
    void aNewStackIsMadeWithThisObjectsClaim() {
        ClaimScope scope = new ClaimScope(new Identity(KEY, NEW, "x", false));
        WalkResult result = graph.reconcile(scope, new RecordedEvents());
        assertThat(result.allReady()).isTrue();
        assertThat(scope.claim).isEqualTo(NEW);
        assertThat(scope.log).contains("create anchor", "create server");
    }

    @Test
    void aUidKeyNeedsNoClaimAndReadsNothingMore() {
        ClaimScope scope = existingStackHeldBy(null, new Identity("uid-new", null, "x", true));
        graph.reconcile(scope, new RecordedEvents());
        assertThat(anchor.observed).isEqualTo(1);
    }

    @Test
    void underObserveTheHolderDoesNotMatter() {
        ClaimScope scope = existingStackHeldBy(OLD, new Identity(KEY, NEW, "x", false));
        WalkResult result = graph.reconcile(scope, new RecordedEvents(), ManagementPolicy.Observe);
        assertThat(result.stalled()).isFalse();
        assertThat(scope.claim).isEqualTo(OLD);
    }

    @Test
    void aDeletionLeavesAStackHeldElsewhereAsItIs() {
        ClaimScope held = existingStackHeldBy(OLD, new Identity(KEY, NEW, null, true));
        WalkResult released = graph.delete(held, new RecordedEvents());
        assertThat(released.releasedTo()).isEqualTo(OLD);
        assertThat(released.allGone()).isFalse();
        assertThat(held.log).containsExactly("observe anchor");
        assertThat(held.world).containsOnlyKeys("anchor", "server");

        ClaimScope ours = existingStackHeldBy(NEW, new Identity(KEY, NEW, null, true));
        WalkResult deleted = graph.delete(ours, new RecordedEvents());
        assertThat(deleted.releasedTo()).isNull();
        assertThat(deleted.allGone()).isTrue();
        assertThat(ours.world).isEmpty();
        // The anchor read once: what the claim check observed is what its deletion uses.
        assertThat(ours.log).containsExactly("observe anchor", "observe server", "delete server", "delete anchor");
    }

    @Test
    void aClaimNamingThisObjectUnderAnotherClusterIdIsStillOurs() {
        ClaimScope scope = existingStackHeldBy("cluster-renamed/uid-new", new Identity(KEY, NEW, "x", true));
        WalkResult result = graph.reconcile(scope, new RecordedEvents());
        assertThat(result.stalled()).isFalse();
        assertThat(result.holdsClaim()).isTrue();
    }

    @Test
    void aFailedClaimWriteIsTriedAgainNotTakenForAStackTakenFromThisObject() {
        AnchorThing failing = new AnchorThing() {
            int attempts;

            @Override
            public void claim(ClaimScope s, Observed<String> current, String claim) {
                if (attempts++ == 0) {
                    throw new IllegalStateException("throttled");
                }
                super.claim(s, current, claim);
            }
        };
        ComponentGraph<ClaimScope> g = ComponentGraph.<ClaimScope>builder().add(failing).add(new Thing("server"), ComponentGraph.after("anchor"))
                .anchor("anchor").build();
        ClaimScope scope = existingStackHeldBy(OLD, new Identity(KEY, NEW, null, false));
        WalkResult first = g.reconcile(scope, new RecordedEvents());
        assertThat(first.holdsClaim()).isFalse();
        assertThat(first.failures()).isNotEmpty();
        // Nothing recorded it as held (status.claim stays empty): the next pass adopts.
        WalkResult second = g.reconcile(scope, new RecordedEvents());
        assertThat(second.adoptedFrom()).isNotNull();
        assertThat(second.holdsClaim()).isTrue();
        assertThat(scope.claim).isEqualTo(NEW);
    }

    @Test
    void anAnchorMustBeInTheGraphAndBeAnAnchor() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComponentGraph.<ClaimScope>builder().add(server).anchor("server"))
                .hasMessageContaining("does not implement Anchor");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComponentGraph.<ClaimScope>builder().add(server).anchor("vpc"))
                .hasMessageContaining("is not in the graph");
    }
}
