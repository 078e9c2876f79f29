package io.webplatform.operator.engine;

import io.webplatform.operator.api.Condition;
import io.webplatform.operator.api.ManagedStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

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

    /** Fills Ready, Reconciling, Stalled and Degraded from one walk of the graph; a null Degraded reason: healthy. */
    public static void fromWalk(ManagedStatus status, long generation, WalkResult walk, String degradedReason, String degradedMessage) {
        boolean degraded = degradedReason != null;
        status.setObservedGeneration(generation);
        status.setComponents(walk.components());
        if (walk.stalled()) {
            set(status, generation, Condition.READY, false, walk.stalledReason(), walk.stalledMessage());
            set(status, generation, Condition.RECONCILING, false, walk.stalledReason(), "stopped until the spec or AWS changes");
            set(status, generation, Condition.STALLED, true, walk.stalledReason(), walk.stalledMessage());
        } else if (walk.allReady()) {
            set(status, generation, Condition.READY, true, "Converged",
                    "all " + walk.components().stream().filter(c -> c.isReady()).count() + " AWS resources exist and match the spec");
            set(status, generation, Condition.RECONCILING, false, "Converged", "nothing to do");
            set(status, generation, Condition.STALLED, false, "Converged", "nothing blocks progress");
        } else {
            String waiting = walk.waitingSummary();
            String reason = walk.failures().isEmpty() ? "InProgress" : "RetryingAfterError";
            set(status, generation, Condition.READY, false, reason, "waiting for: " + waiting);
            set(status, generation, Condition.RECONCILING, true, reason, "waiting for: " + waiting);
            set(status, generation, Condition.STALLED, false, reason, "progressing");
        }
        set(status, generation, Condition.DEGRADED, degraded, degraded ? degradedReason : "Healthy",
                degraded ? degradedMessage : "no failed security check and no alarm firing");
    }
}
