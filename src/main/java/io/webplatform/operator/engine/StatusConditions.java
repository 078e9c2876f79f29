package io.webplatform.operator.engine;

import io.webplatform.operator.api.Condition;
import io.webplatform.operator.api.ManagedStatus;
import io.webplatform.operator.api.ManagementPolicy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/** Sets the kstatus conditions, keeping lastTransitionTime when a condition's status did not change. */
public final class StatusConditions {
    private StatusConditions() {
    }

    public static void set(ManagedStatus status, long generation, String type, boolean value, String reason, String message) {
        Condition next = new Condition(type, value, reason, message);
        next.setObservedGeneration(generation);
        Condition previous = status.condition(type);
        next.setLastTransitionTime(previous != null && previous.getStatus().equals(next.getStatus())
                && previous.getLastTransitionTime() != null
                ? previous.getLastTransitionTime()
                : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        // Replace in place: a stable order keeps an unchanged status byte-for-byte equal.
        int at = previous == null ? -1 : status.getConditions().indexOf(previous);
        if (at < 0) {
            status.getConditions().add(next);
        } else {
            status.getConditions().set(at, next);
        }
    }

    /**
     * Fills Ready, Reconciling, Stalled, Synced and Degraded from one walk of the graph; a null Degraded
     * reason: healthy. Under Observe nothing is worked towards, so Reconciling is False, and Synced says
     * whether AWS matches the spec.
     */
    public static void fromWalk(ManagedStatus status, long generation, WalkResult walk, String degradedReason, String degradedMessage) {
        boolean degraded = degradedReason != null;
        boolean observeOnly = walk.policy() == ManagementPolicy.Observe;
        status.setObservedGeneration(generation);
        status.setComponents(walk.components());
        status.setDrift(walk.drift().isEmpty() ? null : List.copyOf(walk.drift()));
        long ready = walk.components().stream().filter(c -> c.isReady()).count();
        if (walk.stalled()) {
            set(status, generation, Condition.READY, false, walk.stalledReason(), walk.stalledMessage());
            set(status, generation, Condition.RECONCILING, false, walk.stalledReason(), "stopped until the spec or AWS changes");
            set(status, generation, Condition.STALLED, true, walk.stalledReason(), walk.stalledMessage());
            set(status, generation, Condition.SYNCED, false, walk.stalledReason(), walk.stalledMessage());
        } else if (observeOnly) {
            String waiting = walk.waitingSummary();
            if (walk.allReady()) {
                set(status, generation, Condition.READY, true, "Observed", walk.drift().isEmpty()
                        ? "all " + ready + " AWS resources exist and match the spec"
                        : "all " + ready + " AWS resources exist; " + walk.drift().size() + " difference(s) from the spec are left as they are (status.drift)");
            } else {
                set(status, generation, Condition.READY, false, walk.failures().isEmpty() ? "Observed" : "RetryingAfterError", "not ready: " + waiting);
            }
            set(status, generation, Condition.RECONCILING, false, "Observing", "managementPolicy Observe: nothing is changed in AWS");
            set(status, generation, Condition.STALLED, false, "Observing", "nothing blocks progress");
            List<String> notCompared = walk.components().stream().filter(c -> ComponentGraph.WAITING.equals(c.getState()))
                    .map(c -> c.getName() + " (" + c.getMessage() + ")").toList();
            if (walk.drift().isEmpty() && walk.failures().isEmpty() && !notCompared.isEmpty()) {
                set(status, generation, Condition.SYNCED, false, "NotObserved", "not compared yet: " + String.join(", ", notCompared));
            } else if (walk.drift().isEmpty() && walk.failures().isEmpty()) {
                set(status, generation, Condition.SYNCED, true, "Synced", "AWS matches the spec");
            } else {
                set(status, generation, Condition.SYNCED, false, walk.drift().isEmpty() ? "RetryingAfterError" : "Drifted",
                        walk.drift().isEmpty() ? "AWS could not be read: " + String.join("; ", walk.failures())
                                : walk.drift().size() + " difference(s), left as they are (managementPolicy Observe): "
                                + walk.drift().stream().map(Object::toString).collect(Collectors.joining("; ")));
            }
        } else if (walk.allReady()) {
            set(status, generation, Condition.READY, true, "Converged", "all " + ready + " AWS resources exist and match the spec");
            set(status, generation, Condition.RECONCILING, false, "Converged", "nothing to do");
            set(status, generation, Condition.STALLED, false, "Converged", "nothing blocks progress");
            set(status, generation, Condition.SYNCED, true, "Synced", "the last pass left nothing to change");
        } else {
            String waiting = walk.waitingSummary();
            String reason = walk.failures().isEmpty() ? "InProgress" : "RetryingAfterError";
            set(status, generation, Condition.READY, false, reason, "waiting for: " + waiting);
            set(status, generation, Condition.RECONCILING, true, reason, "waiting for: " + waiting);
            set(status, generation, Condition.STALLED, false, reason, "progressing");
            set(status, generation, Condition.SYNCED, false, reason, "still to do: " + waiting);
        }
        set(status, generation, Condition.DEGRADED, degraded, degraded ? degradedReason : "Healthy",
                degraded ? degradedMessage : "no failed security check and no alarm firing");
    }
}
