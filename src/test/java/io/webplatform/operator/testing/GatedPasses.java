package io.webplatform.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.IdleGate;
import io.webplatform.operator.engine.Scope;
import io.webplatform.operator.engine.SharedReads;
import io.webplatform.operator.engine.WalkResult;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Passes of a graph behind the idle gate, as ManagedReconciler runs them (decide, listings before the
 * walk, baseline after it), on a clock the test moves: what an emulator test measures per resync window.
 */
public final class GatedPasses<S extends Scope> {

    /** One pass: skipped by the gate, or walked in full; every AWS call it made, shared listings included. */
    public record Pass(boolean skipped, WalkResult walk, List<String> calls) {
        public boolean wrote() {
            return !calls.stream().allMatch(ApiCallMetrics::isReadOnly);
        }
    }

    public final MovableClock clock = new MovableClock();
    public final IdleGate gate;
    private final ComponentGraph<S> graph;
    private final List<SharedReads.Kind> kinds;
    private final String region;

    public GatedPasses(ComponentGraph<S> graph, List<SharedReads.Kind> kinds, String region, Duration driftCheck, Duration resync) {
        this.graph = graph;
        this.kinds = kinds;
        this.region = region;
        this.gate = new IdleGate(driftCheck, resync, clock);
    }

    /** No reconciler writes a status here: every pass reads the one the last returned. */
    private static final String CONVERGED = "status";

    public Pass pass(HasMetadata owner, Supplier<S> scopes) {
        String uid = owner.getMetadata().getUid();
        long generation = owner.getMetadata().getGeneration() == null ? 1 : owner.getMetadata().getGeneration();
        List<String> calls = ApiCallMetrics.startRecording();
        try {
            IdleGate.Decision decision = gate.decide(uid, generation, ManagementPolicy.Manage, CONVERGED, owner.getMetadata().getAnnotations());
            if (decision.skip()) {
                return new Pass(true, null, List.copyOf(calls));
            }
            IdleGate.Listings listings = gate.beforeFullPass(uid, region, kinds);
            S scope = scopes.get();
            int before = calls.size();
            WalkResult walk = graph.reconcile(scope, new TestResources.RecordedEvents());
            boolean wrote = IdleGate.wrote(scope, calls.subList(before, calls.size()));
            gate.afterFullPass(uid, generation, ManagementPolicy.Manage, scope, listings, IdleGate.converged(walk), wrote,
                    CONVERGED, owner.getMetadata().getAnnotations());
            return new Pass(false, walk, List.copyOf(calls));
        } finally {
            ApiCallMetrics.stopRecording();
        }
    }
}
