package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.api.SecureBucketSpec.EncryptionMode;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.ReferencedKeys;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.engine.OwnedKeyComponent;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

import java.util.List;

/**
 * The KMS key that encrypts the data buckets. With mode CreateKey the operator makes a symmetric
 * key with yearly rotation, found again through its alias, or through its ownership tags when a
 * crash came between CreateKey and CreateAlias. With mode ExistingKey it only checks the key.
 */
public class KmsKey implements Component<BucketScope, KmsKey.Desired, KmsKey.State> {
    public static final String NAME = "Key";

    /**
     * The key as the operator wants it: its own ({@code owned}), or the one the spec references,
     * which is never made, changed or deleted.
     */
    public record Desired(String referencedKeyArn, OwnedKeys.Desired owned) {
    }

    /**
     * What the operator knows of the key: {@code owned} when it made it; {@code referenced} when the
     * spec names it (null while the SecureBucket is deleted: nothing is checked then).
     */
    public record State(OwnedKeys.Key owned, KeyMetadata referenced) {
        /** Only an owned key's rotation is the operator's to judge. */
        public boolean rotationEnabled() {
            return owned != null && Boolean.TRUE.equals(owned.rotationEnabled());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    private static boolean referenced(BucketScope scope) {
        return scope.spec().encryption != null && scope.spec().encryption.mode == EncryptionMode.ExistingKey;
    }

    @Override
    public void preflight(BucketScope scope) {
        if (referenced(scope)) {
            describeReferenced(scope);
        }
    }

    @Override
    public Desired desired(BucketScope scope) {
        if (referenced(scope)) {
            return new Desired(scope.spec().encryption.keyArn, null);
        }
        String alias = scope.names().keyAlias();
        return new Desired(null, new OwnedKeys.Desired(alias,
                "SecureBucket " + scope.owner().getMetadata().getNamespace() + "/" + scope.owner().getMetadata().getName()
                        + ": default encryption of " + scope.names().bucket(),
                BucketPolicies.keyPolicy(scope.partition(), scope.accountId(), scope.spec().allowLogDelivery),
                scope.tags(NAME, alias)));
    }

    /** A referenced key is not the operator's to make: nothing in the plan. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return desired.owned() == null ? List.of() : OwnedKeyComponent.cloudFormation(CfnResource.logicalId(NAME), desired.owned());
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        if (desired.owned() == null) {
            return Observed.ready(desired.referencedKeyArn(), new State(null, KeyMetadata.builder().arn(desired.referencedKeyArn()).build()));
        }
        return Observed.ready(CfnResource.attribute(CfnResource.logicalId(NAME), "Arn"), new State(OwnedKeyComponent.planned(CfnResource.logicalId(NAME), desired.owned()), null));
    }

    @Override
    public Observed<State> observe(BucketScope scope) {
        if (referenced(scope)) {
            if (scope.owner().getMetadata().getDeletionTimestamp() != null) {
                // Never deleted, so nothing to check: even a key that is gone must not block the delete.
                return Observed.ready(scope.spec().encryption.keyArn, new State(null, null));
            }
            KeyMetadata metadata = describeReferenced(scope);
            return Observed.ready(metadata.arn(), new State(null, metadata));
        }
        OwnedKeys.Key key = OwnedKeys.read(scope.kms(), scope.names().keyAlias(), scope.ownerKey(), NAME,
                scope.owner().getMetadata().getDeletionTimestamp() != null);
        return key == null ? null : Observed.ready(key.arn(), new State(key, null));
    }

    /** A referenced key is only checked (in preflight and observe): nothing of it differs. */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        if (actual.owned() == null || desired.owned() == null) {
            return List.of();
        }
        return OwnedKeyComponent.changes(actual.owned(), desired.owned());
    }

    @Override
    public void create(BucketScope scope, Desired desired) {
        if (desired.owned() == null) {
            throw new IllegalStateException("a referenced key is never created");
        }
        OwnedKeys.create(scope.kms(), desired.owned(), scope.clock());
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        OwnedKeys.Key after = OwnedKeys.apply(scope.kms(), current.detail().owned(), desired.owned(),
                changes.stream().map(Change::field).toList(), scope.clock());
        // The findings, judged after the walk, read the key as it is now.
        scope.record(NAME, current.withDetail(new State(after, null)));
    }

    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        if (current.detail().owned() != null) {
            OwnedKeys.delete(scope.kms(), current.detail().owned(), scope.names().keyAlias(), scope.clock());
        }
        return true;
    }

    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return referenced(scope) || scope.retainOnDelete();
    }

    /** The key as this pass found it (and left it); null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }

    private static KeyMetadata describeReferenced(BucketScope scope) {
        return ReferencedKeys.describeUsable(scope.kms(), scope.spec().encryption.keyArn, "encryption.keyArn", "S3");
    }
}
