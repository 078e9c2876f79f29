package io.webplatform.operator.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.webplatform.operator.api.Condition;
import io.webplatform.operator.api.ManagedStatus;
import io.webplatform.operator.aws.AwsErrors;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;

/** How both reconcilers write status: only when it changed, quietly while deleting, and on unexpected errors. */
public final class StatusUpdates {
    private static final Logger LOG = Logger.getLogger(StatusUpdates.class);

    private StatusUpdates() {
    }

    /**
     * The status as JSON with every map's entries ordered by key, as the API server returns them: a status
     * built in another order (security groups lb, app, db) is the same status, not a change.
     */
    private static final ObjectMapper CANONICAL = Serialization.jsonMapper().copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** The status as it was before this pass, to compare with at the end. */
    public static String snapshot(Object status) {
        try {
            return CANONICAL.writeValueAsString(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Patches the status only if it changed: a converged resync writes nothing to the API server. */
    public static <R extends HasMetadata> UpdateControl<R> patchIfChanged(R resource, Object status, String before, Duration next) {
        if (snapshot(status).equals(before)) {
            return UpdateControl.<R>noUpdate().rescheduleAfter(next);
        }
        return UpdateControl.patchStatus(resource).rescheduleAfter(next);
    }

    /**
     * A JSON merge patch of these status fields alone: no resourceVersion, nothing else overwritten. The
     * resource takes the new resourceVersion, so the pass's own status patch at its end does not conflict.
     */
    public static void mergeIntoStatus(KubernetesClient client, HasMetadata resource, Map<String, Object> fields) {
        HasMetadata patched = client.resource(resource).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("status", fields)));
        resource.getMetadata().setResourceVersion(patched.getMetadata().getResourceVersion());
    }

    /**
     * As {@link #mergeIntoStatus}, but only if the resource is still at the resourceVersion this pass
     * read: the API server answers 409 Conflict otherwise (a patch that names a resourceVersion is
     * applied under that precondition).
     */
    public static void mergeIntoStatusIfUnchanged(KubernetesClient client, HasMetadata resource, Map<String, Object> fields) {
        HasMetadata patched = client.resource(resource).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("metadata", Map.of("resourceVersion", resource.getMetadata().getResourceVersion()),
                        "status", fields)));
        resource.getMetadata().setResourceVersion(patched.getMetadata().getResourceVersion());
    }

    /** Status during a delete, written directly (DeleteControl cannot carry it); the resource may already be gone. */
    public static void patchWhileDeleting(KubernetesClient client, HasMetadata resource) {
        try {
            client.resource(resource).patchStatus();
        } catch (RuntimeException e) {
            LOG.debugf("status patch during deletion failed: %s", e.getMessage());
        }
    }

    /** An exception out of a reconcile: say so in status; JOSDK retries with backoff. */
    public static <R extends HasMetadata> ErrorStatusUpdateControl<R> onError(R resource, ManagedStatus status, Exception e) {
        long generation = resource.getMetadata().getGeneration();
        String message = AwsErrors.message(e);
        StatusConditions.set(status, generation, Condition.READY, false, "ReconcileError", message);
        StatusConditions.set(status, generation, Condition.RECONCILING, true, "ReconcileError", "retrying: " + message);
        return ErrorStatusUpdateControl.patchStatus(resource);
    }
}
