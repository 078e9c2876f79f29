package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;

import java.util.List;

/**
 * The trail an earlier version made for this SecureBucket alone (&lt;namespace&gt;-&lt;name&gt;-&lt;hash&gt;-writes). Never wanted:
 * once the SecureBucket is a member of the shared trail ({@link Trail}, walked first) it is deleted, so its
 * object writes are recorded without a gap. Known by the SecureBucket's status (outputs.trailArn names it), so a
 * SecureBucket that never had one reads nothing.
 */
public class PreviousTrail implements Component<BucketScope, Void, software.amazon.awssdk.services.cloudtrail.model.Trail> {
    public static final String NAME = "PreviousTrail";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return false;
    }

    @Override
    public Void desired(BucketScope scope) {
        return null;
    }

    /** The status still names the old trail: it may exist. */
    static boolean mayExist(BucketScope scope) {
        var status = scope.resource().getStatus();
        String arn = status == null || status.getOutputs() == null ? null : status.getOutputs().trailArn;
        return arn != null && arn.endsWith(":trail/" + scope.names().trail());
    }

    @Override
    public Observed<software.amazon.awssdk.services.cloudtrail.model.Trail> observe(BucketScope scope) {
        if (!mayExist(scope)) {
            return null;
        }
        try {
            var trail = scope.cloudTrail().getTrail(r -> r.name(scope.names().trail())).trail();
            return Observed.ready(trail.trailARN(), trail);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public List<Change> diff(software.amazon.awssdk.services.cloudtrail.model.Trail actual, Void desired) {
        return List.of();
    }

    @Override
    public void create(BucketScope scope, Void desired) {
        throw new UnsupportedOperationException("an earlier version's trail is never made");
    }

    @Override
    public void apply(BucketScope scope, Observed<software.amazon.awssdk.services.cloudtrail.model.Trail> current, Void desired, List<Change> changes) {
    }

    /** Deleted once the shared trail records this SecureBucket (or when it wants no trail, or is going). */
    @Override
    public boolean delete(BucketScope scope, Observed<software.amazon.awssdk.services.cloudtrail.model.Trail> current) {
        if (scope.trailEnabled() && !scope.deleting()) {
            Trail.State shared = Trail.of(scope);
            if (shared == null || !shared.members().contains(scope.objectArnPrefix())) {
                // Its id stays in status (outputs.trailArn): the next pass finds it again.
                scope.record(NAME, current);
                throw new StillWorking("the old trail " + scope.names().trail() + " stays until shared trail "
                        + scope.trailDestination().trail() + " records this bucket");
            }
        }
        try {
            scope.cloudTrail().deleteTrail(r -> r.name(scope.names().trail()));
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
        }
        return true;
    }
}
