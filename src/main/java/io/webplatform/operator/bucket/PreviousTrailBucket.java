package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.Observed;

/**
 * The log bucket an earlier version made for this SecureBucket alone (&lt;bucket&gt;-trail). Never wanted, never
 * read while the SecureBucket lives: it holds the logs of its previous trail. Deleted with the SecureBucket, as
 * its deletionPolicy says (Retain keeps it; Delete needs emptyOnDelete when it holds logs). A log bucket the
 * SecureBucket names itself (spec.trail.logBucketName) is the shared trail's destination now: {@link TrailBucket}'s.
 */
public class PreviousTrailBucket extends ProtectedBucket {
    public static final String NAME = "PreviousTrailBucket";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return false;
    }

    @Override
    protected String bucketName(BucketScope scope) {
        return ResourceNames.derivedBucket(scope.names().bucket(), "-trail");
    }

    @Override
    public String leftInPlace(BucketScope scope) {
        if (scope.trailDestination().named()) {
            return "the log bucket spec.trail.logBucketName names is the shared trail's";
        }
        return scope.deleting() ? null : "an earlier version's log bucket of this SecureBucket, if any, stays until the SecureBucket is deleted";
    }

    /** Only this SecureBucket's: a bucket of that name that is another's is none of its business. */
    @Override
    public Observed<State> observe(BucketScope scope) {
        try {
            return super.observe(scope);
        } catch (UserError e) {
            return null;
        }
    }

    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.tlsOnly(scope.partition(), bucketName(scope));
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return null;
    }
}
