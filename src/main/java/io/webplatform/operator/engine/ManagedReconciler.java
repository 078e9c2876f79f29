package io.webplatform.operator.engine;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.webplatform.operator.api.Adoption;
import io.webplatform.operator.api.Condition;
import io.webplatform.operator.api.Drift;
import io.webplatform.operator.api.ManagedStatus;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.aws.LastCall;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The one reconcile and cleanup skeleton of both kinds: judge the spec, walk the graph, compute the
 * status conditions from the walk, requeue; on delete, walk the graph backwards and keep the
 * finalizer until everything is gone or kept. A kind supplies only what is its own: how to judge
 * its spec into a scope, what its status reports after a walk, and what a deletion must finish.
 *
 * @param <R> the custom resource
 * @param <S> the scope a pass walks with
 * @param <T> the resource's status
 */
public abstract class ManagedReconciler<R extends CustomResource<?, T>, S extends Scope, T extends ManagedStatus>
        implements Reconciler<R>, Cleaner<R> {

    private static final Logger LOG = Logger.getLogger(ManagedReconciler.class);

    private final String kind;
    private final ComponentGraph<S> graph;
    private final Supplier<T> newStatus;
    private final Requeue requeue = new Requeue();

    @Inject
    protected KubernetesClient kubernetes;
    @Inject
    ReconcileTimer timer;
    @Inject
    protected Installation installation;
    @Inject
    Release release;
    @Inject
    protected IdleGate idle;
    @ConfigProperty(name = "webplatform.resync-period", defaultValue = "PT5M")
    protected Duration resyncPeriod;

    protected ManagedReconciler(String kind, ComponentGraph<S> graph, Supplier<T> newStatus) {
        this.kind = kind;
        this.graph = graph;
        this.newStatus = newStatus;
    }

    /**
     * Why a pass stops before the walk: a person must act (Stalled), or something else must happen first
     * (Reconciling): after a backoff, or, waiting for another object of the cluster, after {@code recheck}.
     */
    public record Stop(boolean needsPerson, String reason, String message, Duration recheck) {
        public static Stop stalled(String reason, String message) {
            return new Stop(true, reason, message, null);
        }

        public static Stop progressing(String reason, String message) {
            return new Stop(false, reason, message, null);
        }

        /**
         * Waiting for another object to be Ready: looked at again every few seconds, not after a growing
         * backoff (a SecureBucket Ready after 30 s would otherwise keep its WebPlatform waiting a minute).
         * Costs no AWS call: the other object is read from the informer's cache.
         */
        public static Stop waitingFor(String reason, String message) {
            return new Stop(false, reason, message, WAITING_RECHECK);
        }
    }

    static final Duration WAITING_RECHECK = Duration.ofSeconds(5);

    /** A judged spec: the scope to walk, or why not. */
    public record Judged<S>(S scope, Stop stop) {
        public static <S> Judged<S> walk(S scope) {
            return new Judged<>(scope, null);
        }

        public static <S> Judged<S> stop(Stop stop) {
            return new Judged<>(null, stop);
        }
    }

    /**
     * What the kind's status says after a walk: Degraded (null reason when healthy), and the Ready
     * condition's reason and message when every component is ready (null keeps "Converged").
     */
    public record Report(String degradedReason, String degradedMessage, String readyReason, String readyMessage) {
        public static Report healthy() {
            return new Report(null, null, null, null);
        }
    }

    /**
     * Judges the spec into a scope, before any mutating call: what needs no AWS call, then what does
     * (the graph's preflight, for a kind that must make something of its own before the walk).
     */
    protected abstract Judged<S> judge(R resource, Identity identity, KubernetesEvents events);

    /** Fills the kind's own status (outputs, findings, ...) after a walk and says what Degraded and Ready report. */
    protected abstract Report report(R resource, T status, S scope, WalkResult walk, KubernetesEvents events);

    /** The scope a deletion walks with: only what identifies what exists, nothing judged. */
    protected abstract S deletionScope(R resource, Identity identity);

    /**
     * What a deletion must still finish once every component is gone or kept (tagged leftovers, say);
     * null when the finalizer may go.
     */
    protected String finishDeletion(R resource, S scope, WalkResult walk, KubernetesEvents events) {
        return null;
    }

    /**
     * Why nothing of this object can exist in AWS (a region that does not exist), so that its deletion
     * costs no call and never waits; empty when the graph must be walked.
     */
    protected abstract Optional<String> nothingToDelete(R resource);

    /**
     * For an object that never wrote to AWS: what of it must still go in Kubernetes (an object it made)
     * before the finalizer goes, or null.
     */
    protected String releaseWithoutAws(R resource) {
        return null;
    }

    /** The object is being deleted: what it reserved of AWS's quotas goes back (see {@link io.webplatform.operator.aws.Quotas}). */
    protected void released(Identity identity) {
    }

    /** The Ready condition's message once the deletion is done. */
    protected abstract String deletedMessage(R resource, WalkResult walk);

    /** Manage, or Observe: read and report only. */
    protected abstract ManagementPolicy managementPolicy(R resource);

    /**
     * Under Observe, what must happen before the object goes while AWS stays as it is (an object it
     * made that would otherwise be garbage-collected under Manage, say); true when it may go.
     */
    protected boolean readyToRelease(R resource) {
        return true;
    }

    protected ComponentGraph<S> graph() {
        return graph;
    }

    /**
     * The kinds whose shared listings show a change in this kind's resources without a per-object call
     * ({@link IdleGate}); empty when every resync must be a full pass.
     */
    protected List<SharedReads.Kind> listings() {
        return List.of();
    }

    /** {@link #listings()}, made once (the first pass needs the clients injected). */
    private volatile List<SharedReads.Kind> sharedKinds;

    private List<SharedReads.Kind> sharedKinds() {
        if (sharedKinds == null) {
            sharedKinds = listings();
        }
        return sharedKinds;
    }

    @Override
    public UpdateControl<R> reconcile(R resource, Context<R> context) {
        return timer.time(kind, "reconcile", () -> reconcilePass(resource));
    }

    private UpdateControl<R> reconcilePass(R resource) {
        LastCall.forget();
        long generation = resource.getMetadata().getGeneration();
        String statusBefore = StatusUpdates.snapshot(resource.getStatus());
        boolean neverReconciled = resource.getStatus() == null;
        Release.Verdict verdict = release.judge(resource, neverReconciled ? null : resource.getStatus().getReconciledBy());
        if (verdict == Release.Verdict.OTHERS) {
            leaveToOtherRelease(resource);
            return UpdateControl.<R>noUpdate().rescheduleAfter(recheck());
        }
        String uid = resource.getMetadata().getUid();
        ManagementPolicy policy = managementPolicy(resource);
        IdleGate.Decision decision = idle.decide(uid, generation, policy, statusBefore, resource.getMetadata().getAnnotations());
        if (decision.skip() && verdict == Release.Verdict.MINE) {
            // Converged, and no shared listing shows a change of its resources: no call of its own, status as it is.
            LOG.debugf("%s %s/%s: idle: %s", kind, resource.getMetadata().getNamespace(), resource.getMetadata().getName(), decision.why());
            requeue.reset(uid);
            return finish(resource, resource.getStatus(), statusBefore, resyncPeriod);
        }
        idle.forget(uid);
        LOG.debugf("%s %s/%s: full pass: %s", kind, resource.getMetadata().getNamespace(), resource.getMetadata().getName(), decision.why());
        Identity identity = installation.identityOf(resource, resource.getStatus());
        T status = statusOf(resource);
        // On the resource from now on, so that the error path too records the key and what was written.
        resource.setStatus(status);
        KubernetesEvents events = new KubernetesEvents(kubernetes, resource);
        status.setOwnerKey(identity.key());
        if (neverReconciled) {
            status.setWroteToAws(false);
        }
        if (verdict == Release.Verdict.TAKE && !take(resource, status)) {
            // Another release recorded itself first: the next pass reads which one.
            return UpdateControl.<R>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
        }

        Judged<S> judged = judge(resource, identity, events);
        if (judged.stop() != null) {
            Stop stop = judged.stop();
            return stop.needsPerson() ? stalled(resource, status, statusBefore, events, stop)
                    : progressing(resource, status, statusBefore, stop);
        }
        S scope = judged.scope();
        scope.beforeWriting(() -> recordFirstWrite(resource, status));
        scope.onAdopted(from -> recordAdoption(resource, status, identity, from));
        // Listings requested before the walk reads anything: a converged walk records its baseline from them.
        IdleGate.Listings listings = idle.beforeFullPass(uid, scope.region(), sharedKinds());
        List<Drift> driftBefore = status.getDrift() == null ? List.of() : status.getDrift();
        List<String> calls = ApiCallMetrics.startRecording();
        // Taken from another release: this process does not know its writes, so its listings are requested from now on.
        scope.shareReads(idle.reads(), sharedKinds(),
                verdict == Release.Verdict.TAKE ? idle.reads().now() : idle.readsNotBefore(uid, identity.key()));
        WalkResult walk;
        try {
            walk = graph.reconcile(scope, events, policy);
        } finally {
            ApiCallMetrics.stopRecording();
            if (IdleGate.wrote(scope, calls)) {
                idle.wrote(uid);
                idle.stackWrote(identity.key());
            }
        }
        LOG.debugf("%s %s/%s: %d AWS calls: %s", kind, resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
                calls.size(), calls.stream().collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting())));
        if (walk.holdsClaim()) {
            status.setClaim(identity.claim());
        }
        if (walk.adoptedFrom() != null) {
            status.getAdoption().setResources(walk.adopted());
            events.normal("Adopted", "adopted the AWS stack of " + walk.adoptedFrom() + ": " + String.join(", ", walk.adopted()));
        }
        Report report = report(resource, status, scope, walk, events);
        boolean deleteBlocked = walk.stalled() && DeleteFailures.REASON.equals(walk.stalledReason());
        if (deleteBlocked) {
            // Something the spec no longer asks for cannot be deleted: said once, retried like a blocked deletion.
            warnOnce(status, events, DeleteFailures.REASON, walk.stalledMessage(), walk.stalledMessage());
        }
        StatusConditions.fromWalk(status, generation, walk, report.degradedReason(), report.degradedMessage());
        if (walk.allReady() && walk.drift().isEmpty() && report.readyMessage() != null) {
            StatusConditions.set(status, generation, Condition.READY, true, report.readyReason(), report.readyMessage());
        }
        if (!walk.drift().isEmpty() && !walk.drift().equals(driftBefore)) {
            events.warning("Drifted", walk.drift().size() + " difference(s) from the spec, left as they are (managementPolicy Observe): "
                    + walk.drift().stream().map(Drift::toString).collect(Collectors.joining("; ")));
        }
        String key = uid;
        status.setLastDriftCheck(idle.enabled() ? Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString() : null);
        try {
            idle.afterFullPass(uid, generation, policy, scope, listings, IdleGate.converged(walk), IdleGate.wrote(scope, calls),
                    StatusUpdates.snapshot(status), resource.getMetadata().getAnnotations());
        } catch (RuntimeException e) {
            // The gate only saves reads: it never fails a pass; without a baseline the next pass is full.
            idle.forget(uid);
            LOG.warnf(e, "%s %s/%s: no idle baseline", kind, resource.getMetadata().getNamespace(), resource.getMetadata().getName());
        }
        // Under Observe nothing changes by the operator's hand: once AWS is not busy, the resync period is soon enough.
        boolean settled = policy == ManagementPolicy.Observe && walk.failures().isEmpty()
                && walk.components().stream().noneMatch(c -> ComponentGraph.PENDING.equals(c.getState()));
        Duration next;
        if (deleteBlocked) {
            next = requeue.next(key);
        } else if (walk.allReady() || walk.stalled() || settled) {
            requeue.reset(key);
            next = resyncPeriod;
        } else {
            next = requeue.next(key, walk);
        }
        return finish(resource, status, statusBefore, next);
    }

    @Override
    public DeleteControl cleanup(R resource, Context<R> context) {
        return timer.time(kind, "cleanup", () -> cleanupPass(resource));
    }

    private DeleteControl cleanupPass(R resource) {
        LastCall.forget();
        idle.deleted(resource.getMetadata().getUid());
        // Deleted: whatever it still needed of AWS's quotas is no longer reserved for it.
        released(installation.identityOf(resource, resource.getStatus()));
        long generation = resource.getMetadata().getGeneration();
        T status = statusOf(resource);
        if (release.judge(resource, status.getReconciledBy()) == Release.Verdict.OTHERS) {
            // The release that reconciles it deletes it.
            leaveToOtherRelease(resource);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(recheck().toMillis());
        }
        KubernetesEvents events = new KubernetesEvents(kubernetes, resource);
        String key = resource.getMetadata().getUid();
        Optional<String> nothing = nothingToDelete(resource);
        if (nothing.isPresent()) {
            events.normal("Deleted", nothing.get());
            requeue.reset(key);
            return DeleteControl.defaultDelete();
        }
        if (managementPolicy(resource) == ManagementPolicy.Observe) {
            if (!readyToRelease(resource)) {
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(requeue.next(key).toMillis());
            }
            // Read only means read only: the AWS resources outlive the object, as they were.
            events.warning("Released", "managementPolicy Observe: the AWS resources were left as they are");
            requeue.reset(key);
            return DeleteControl.defaultDelete();
        }
        if (Boolean.FALSE.equals(status.getWroteToAws())) {
            // Its status was told before any write: nothing of it can exist in AWS.
            String waiting = releaseWithoutAws(resource);
            if (waiting != null) {
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(requeue.next(key).toMillis());
            }
            events.normal("Deleted", "nothing was ever made in AWS for it: deleted without an AWS call");
            requeue.reset(key);
            return DeleteControl.defaultDelete();
        }
        S scope = deletionScope(resource, installation.identityOf(resource, resource.getStatus()));
        // Its previous passes' writes are AWS's by now or not: a deletion reads listings requested after it began.
        scope.shareReads(idle.reads(), sharedKinds(), idle.reads().now());
        WalkResult walk;
        try {
            walk = graph.delete(scope, events);
        } finally {
            // An object of the same name applied next reads the same stack: not from listings older than these deletes.
            if (scope.writes() > 0) {
                idle.stackWrote(scope.ownerKey());
            }
        }
        if (walk.releasedTo() != null) {
            events.warning("Released", "the AWS stack is held by object " + Identity.objectOf(walk.releasedTo()) + " of cluster "
                    + Identity.clusterOf(walk.releasedTo()) + ": left as it is");
            requeue.reset(key);
            return DeleteControl.defaultDelete();
        }
        status.setComponents(walk.components());
        status.setRetained(walk.retained().isEmpty() ? null : walk.retained());
        String waiting = null;
        String blocked = walk.stalled() ? walk.stalledMessage() : null;
        if (blocked == null && walk.allGone()) {
            try {
                waiting = finishDeletion(resource, scope, walk, events);
            } catch (RuntimeException e) {
                DeleteFailures.Failure failure = DeleteFailures.classify(e);
                LOG.debugf(e, "%s %s/%s: finishing the deletion failed: %s", kind, resource.getMetadata().getNamespace(),
                        resource.getMetadata().getName(), failure.summary());
                if (failure.outcome() == DeleteFailures.Outcome.BLOCKED) {
                    blocked = failure.blockedMessage("tagged leftover", null);
                } else {
                    waiting = "tagged leftovers (" + failure.summary() + ")";
                }
            }
            if (blocked == null && waiting == null) {
                String deleted = deletedMessage(resource, walk);
                StatusConditions.set(status, generation, Condition.READY, false, "Deleted", deleted);
                StatusConditions.set(status, generation, Condition.RECONCILING, false, "Deleted", deleted);
                if (!walk.retained().isEmpty()) {
                    events.normal("Retained", deleted);
                }
                patchWhileDeleting(resource, status);
                requeue.reset(key);
                return DeleteControl.defaultDelete();
            }
        } else if (blocked == null) {
            waiting = walk.waitingSummary();
        }
        if (blocked != null) {
            String message = "deletion blocked: " + blocked;
            warnOnce(status, events, DeleteFailures.REASON, message, blocked);
            StatusConditions.set(status, generation, Condition.READY, false, DeleteFailures.REASON, message);
            StatusConditions.set(status, generation, Condition.RECONCILING, false, DeleteFailures.REASON, "waiting for a person: " + blocked);
            StatusConditions.set(status, generation, Condition.STALLED, true, DeleteFailures.REASON, message);
            patchWhileDeleting(resource, status);
            // Tried again with backoff, at most a minute apart: it resumes by itself soon after a person removes the cause.
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(requeue.next(key).toMillis());
        }
        StatusConditions.set(status, generation, Condition.READY, false, "Deleting", "deleting: " + waiting);
        StatusConditions.set(status, generation, Condition.RECONCILING, true, "Deleting", "deleting: " + waiting);
        // A deletion that was blocked and resumed is no longer stalled.
        StatusConditions.set(status, generation, Condition.STALLED, false, "Deleting", "progressing");
        patchWhileDeleting(resource, status);
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(requeue.nextWhileDeleting(key, walk).toMillis());
    }

    /** A Warning event, once per distinct Stalled message: a blocked deletion retried every minute says it once. */
    private static void warnOnce(ManagedStatus status, KubernetesEvents events, String reason, String stalledMessage, String eventMessage) {
        Condition previous = status.condition(Condition.STALLED);
        if (previous == null || !previous.isTrue() || !reason.equals(previous.getReason()) || !stalledMessage.equals(previous.getMessage())) {
            events.warning(reason, eventMessage);
        }
    }

    @Override
    public ErrorStatusUpdateControl<R> updateErrorStatus(R resource, Context<R> context, Exception e) {
        T status = statusOf(resource);
        resource.setStatus(status);
        return StatusUpdates.onError(resource, status, e);
    }

    /** Nothing was changed in AWS; a person must change the spec or AWS. Warned once per distinct message. */
    private UpdateControl<R> stalled(R resource, T status, String statusBefore, KubernetesEvents events, Stop stop) {
        long generation = resource.getMetadata().getGeneration();
        Condition previous = status.condition(Condition.STALLED);
        if (previous == null || !stop.message().equals(previous.getMessage())) {
            events.warning(stop.reason(), stop.message());
        }
        status.setObservedGeneration(generation);
        // Nothing was observed in this pass: drift reported before is no longer known to be true.
        status.setDrift(null);
        StatusConditions.set(status, generation, Condition.READY, false, stop.reason(), stop.message());
        StatusConditions.set(status, generation, Condition.RECONCILING, false, stop.reason(), "nothing was changed in AWS");
        StatusConditions.set(status, generation, Condition.STALLED, true, stop.reason(), stop.message());
        StatusConditions.set(status, generation, Condition.SYNCED, false, stop.reason(), stop.message());
        return finish(resource, status, statusBefore, resyncPeriod);
    }

    /** Not ready, nothing for a person to do: called again with backoff. */
    private UpdateControl<R> progressing(R resource, T status, String statusBefore, Stop stop) {
        long generation = resource.getMetadata().getGeneration();
        status.setObservedGeneration(generation);
        status.setDrift(null);
        StatusConditions.set(status, generation, Condition.READY, false, stop.reason(), stop.message());
        StatusConditions.set(status, generation, Condition.RECONCILING, true, stop.reason(), stop.message());
        StatusConditions.set(status, generation, Condition.STALLED, false, stop.reason(), "progressing");
        StatusConditions.set(status, generation, Condition.SYNCED, false, stop.reason(), stop.message());
        return finish(resource, status, statusBefore, stop.recheck() != null ? stop.recheck() : requeue.next(resource.getMetadata().getUid()));
    }

    private UpdateControl<R> finish(R resource, T status, String statusBefore, Duration next) {
        resource.setStatus(status);
        return StatusUpdates.patchIfChanged(resource, status, statusBefore, next);
    }

    /**
     * Before the first write to AWS, status says so and the API server has it: a crash right after the
     * write still leaves a record that something may exist. Throws (and so writes nothing) when the
     * API server cannot take it.
     */
    private void recordFirstWrite(R resource, T status) {
        if (Boolean.TRUE.equals(status.getWroteToAws())) {
            return;
        }
        status.setWroteToAws(true);
        StatusUpdates.mergeIntoStatus(kubernetes, resource, Map.of("wroteToAws", true, "ownerKey", status.getOwnerKey()));
    }

    /**
     * Records this release on the object, with its owner key, before anything else of the pass: only if
     * the object is still as this pass read it (its resourceVersion), so of two releases that both see
     * it, one records itself and the other then leaves it. False when another write came first.
     */
    private boolean take(R resource, T status) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("reconciledBy", release.record());
        fields.put("ownerKey", status.getOwnerKey());
        if (Boolean.FALSE.equals(status.getWroteToAws())) {
            fields.put("wroteToAws", false);
        }
        try {
            StatusUpdates.mergeIntoStatusIfUnchanged(kubernetes, resource, fields);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
        status.setReconciledBy(release.record());
        return true;
    }

    /**
     * When a release that left an object to another looks again: a label change that moves the object
     * bumps no generation, so no event would tell. Costs no call: the object is in the informer's cache.
     */
    private Duration recheck() {
        return resyncPeriod.compareTo(Release.RECHECK) < 0 ? resyncPeriod : Release.RECHECK;
    }

    private void leaveToOtherRelease(R resource) {
        String warning = release.warnOnce(resource, resource.getStatus().getReconciledBy());
        if (warning != null) {
            LOG.warnf("%s %s/%s: %s", kind, resource.getMetadata().getNamespace(), resource.getMetadata().getName(), warning);
            new KubernetesEvents(kubernetes, resource).warning("ReconciledByAnotherRelease", warning);
        }
    }

    /** The claim moved to this object: said in status at once, whatever happens to the rest of the pass. */
    private void recordAdoption(R resource, T status, Identity identity, String from) {
        status.setClaim(identity.claim());
        status.setAdoption(new Adoption(from, Instant.now().toString(), List.of()));
        StatusUpdates.mergeIntoStatus(kubernetes, resource, Map.of("claim", status.getClaim(), "adoption", status.getAdoption()));
    }

    private void patchWhileDeleting(R resource, T status) {
        resource.setStatus(status);
        StatusUpdates.patchWhileDeleting(kubernetes, resource);
    }

    private T statusOf(R resource) {
        return resource.getStatus() == null ? newStatus.get() : resource.getStatus();
    }
}
