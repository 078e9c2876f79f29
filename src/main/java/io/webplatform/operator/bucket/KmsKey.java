package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucketSpec.EncryptionMode;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.ReferencedKeys;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.List;
import java.util.Map;

/**
 * The KMS key that encrypts the data buckets. With mode CreateKey the operator makes a symmetric
 * key with yearly rotation, found again through its alias, or through its ownership tags when a
 * crash came between CreateKey and CreateAlias. With mode ExistingKey it only checks the key.
 */
public class KmsKey extends RepairingComponent<BucketScope> {
    public static final String NAME = "Key";

    /** What the operator knows of the key. */
    public static final class State extends OwnedKeys.Key {
        boolean owned;
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
    public Observed<Object> observe(BucketScope scope) {
        if (referenced(scope)) {
            State state = new State();
            if (scope.owner().getMetadata().getDeletionTimestamp() != null) {
                // Never deleted, so nothing to check: even a key that is gone must not block the delete.
                return Observed.ready(scope.spec().encryption.keyArn, state);
            }
            state.metadata = describeReferenced(scope);
            return Observed.ready(state.metadata.arn(), state);
        }
        State state = new State();
        state.owned = true;
        if (!OwnedKeys.read(scope.kms(), scope.names().keyAlias(), scope.ownerUid(), NAME,
                scope.owner().getMetadata().getDeletionTimestamp() != null, state)) {
            return null;
        }
        return Observed.ready(state.metadata.arn(), state);
    }

    @Override
    public void create(BucketScope scope) {
        Map<String, String> tags = scope.tags(NAME, scope.names().keyAlias());
        List<Tag> kmsTags = tags.entrySet().stream()
                .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build()).toList();
        OwnedKeys.create(scope.kms(), "SecureBucket " + scope.owner().getMetadata().getNamespace() + "/"
                        + scope.owner().getMetadata().getName() + ": default encryption of " + scope.names().bucket(),
                BucketPolicies.keyPolicy(scope.partition(), scope.accountId(), scope.spec().allowLogDelivery), kmsTags, scope.names().keyAlias(), scope.clock());
    }

    @Override
    public List<String> repair(BucketScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        if (!state.owned) {
            return List.of();
        }
        return OwnedKeys.repair(scope.kms(), state, scope.names().keyAlias(),
                BucketPolicies.keyPolicy(scope.partition(), scope.accountId(), scope.spec().allowLogDelivery), scope.clock());
    }

    @Override
    public boolean delete(BucketScope scope, Observed<Object> current) {
        OwnedKeys.delete(scope.kms(), current.detail(State.class), scope.names().keyAlias(), scope.clock());
        return true;
    }

    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return referenced(scope) || scope.retainOnDelete();
    }

    public static boolean rotationEnabled(Observed<?> observed) {
        return observed.detail(State.class).rotationEnabled;
    }

    private static KeyMetadata describeReferenced(BucketScope scope) {
        return ReferencedKeys.describeUsable(scope.kms(), scope.spec().encryption.keyArn, "encryption.keyArn", "S3");
    }
}
