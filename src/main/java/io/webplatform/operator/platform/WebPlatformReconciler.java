package io.webplatform.operator.platform;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.webplatform.operator.api.Condition;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformStatus;
import io.webplatform.operator.engine.StatusConditions;

/**
 * WebPlatform's API is complete, its reconciliation is not yet: until it is, a WebPlatform says so in
 * its status and nothing is created in AWS (never a fake Ready).
 */
@ControllerConfiguration(name = WebPlatformReconciler.NAME)
public class WebPlatformReconciler implements Reconciler<WebPlatform> {
    public static final String NAME = "webplatform";
    static final String REASON = "NotYetSupported";
    static final String MESSAGE = "this operator version validates WebPlatform specs but does not reconcile them yet;"
            + " nothing was created in AWS";

    @Override
    public UpdateControl<WebPlatform> reconcile(WebPlatform resource, Context<WebPlatform> context) {
        long generation = resource.getMetadata().getGeneration();
        WebPlatformStatus status = resource.getStatus() == null ? new WebPlatformStatus() : resource.getStatus();
        if (status.getObservedGeneration() != null && status.getObservedGeneration() == generation
                && status.condition(Condition.STALLED) != null) {
            return UpdateControl.noUpdate();
        }
        status.setObservedGeneration(generation);
        StatusConditions.set(status, generation, Condition.READY, false, REASON, MESSAGE);
        StatusConditions.set(status, generation, Condition.RECONCILING, false, REASON, MESSAGE);
        StatusConditions.set(status, generation, Condition.STALLED, true, REASON, MESSAGE);
        resource.setStatus(status);
        return UpdateControl.patchStatus(resource);
    }
}
