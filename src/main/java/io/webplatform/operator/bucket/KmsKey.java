package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucketSpec.EncryptionMode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.engine.UserError;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The KMS key that encrypts the data buckets. With mode CreateKey the operator makes a symmetric
 * key with yearly rotation, found again through its alias, or through its ownership tags when a
 * crash came between CreateKey and CreateAlias. With mode ExistingKey it only checks the key.
 */
public class KmsKey implements Component<BucketScope> {
    public static final String NAME = "Key";

    /** What the operator knows of the key. */
    public static final class State {
        KeyMetadata metadata;
        boolean aliasPresent;
        boolean rotationEnabled;
        boolean owned;
        String policy;
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
    public Observed observe(BucketScope scope) {
        if (referenced(scope)) {
            State state = new State();
            if (scope.owner().getMetadata().getDeletionTimestamp() != null) {
                // Never deleted, so nothing to check: even a key that is gone must not block the delete.
                return Observed.ready(scope.spec().encryption.keyArn, state);
            }
            state.metadata = describeReferenced(scope);
            return Observed.ready(state.metadata.arn(), state);
        }
        KmsClient kms = scope.kms();
        State state = new State();
        state.owned = true;
        try {
            state.metadata = kms.describeKey(r -> r.keyId(scope.names().keyAlias())).keyMetadata();
            state.aliasPresent = true;
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
            state.metadata = OwnedKeys.find(scope.kms(), scope.ownerUid(), NAME, scope.owner().getMetadata().getDeletionTimestamp() != null);
            if (state.metadata == null) {
                return null;
            }
        }
        if (state.metadata.keyState() == KeyState.PENDING_DELETION) {
            // A key scheduled for deletion by hand is drift to repair; one the operator scheduled
            // on delete is gone.
            if (scope.owner().getMetadata().getDeletionTimestamp() != null) {
                return null;
            }
        } else {
            state.rotationEnabled = kms.getKeyRotationStatus(r -> r.keyId(state.metadata.keyId())).keyRotationEnabled();
            state.policy = kms.getKeyPolicy(r -> r.keyId(state.metadata.keyId()).policyName("default")).policy();
        }
        return Observed.ready(state.metadata.arn(), state);
    }

    @Override
    public void create(BucketScope scope) {
        Map<String, String> tags = scope.tags(NAME, scope.names().keyAlias());
        List<Tag> kmsTags = tags.entrySet().stream()
                .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build()).toList();
        String keyId = scope.kms().createKey(r -> r
                .description("SecureBucket " + scope.owner().getMetadata().getNamespace() + "/"
                        + scope.owner().getMetadata().getName() + ": default encryption of " + scope.names().bucket())
                .policy(PolicyDocuments.toJson(BucketPolicies.keyPolicy(scope.accountId(), scope.spec().allowLogDelivery)))
                .tags(kmsTags)).keyMetadata().keyId();
        scope.kms().createAlias(r -> r.aliasName(scope.names().keyAlias()).targetKeyId(keyId));
    }

    @Override
    public List<String> repair(BucketScope scope, Observed current) {
        State state = current.detail(State.class);
        List<String> changes = new ArrayList<>();
        if (!state.owned) {
            return changes;
        }
        KmsClient kms = scope.kms();
        String keyId = state.metadata.keyId();
        if (state.metadata.keyState() == KeyState.PENDING_DELETION) {
            kms.cancelKeyDeletion(r -> r.keyId(keyId));
            changes.add("cancelled a scheduled deletion");
            state.rotationEnabled = kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled();
        }
        if (state.metadata.keyState() == KeyState.DISABLED || state.metadata.keyState() == KeyState.PENDING_DELETION) {
            kms.enableKey(r -> r.keyId(keyId));
            changes.add("enabled the key");
        }
        if (!state.aliasPresent) {
            kms.createAlias(r -> r.aliasName(scope.names().keyAlias()).targetKeyId(keyId));
            state.aliasPresent = true;
            changes.add("created alias " + scope.names().keyAlias());
        }
        var policy = BucketPolicies.keyPolicy(scope.accountId(), scope.spec().allowLogDelivery);
        if (state.policy != null && !PolicyDocuments.equivalent(state.policy, policy)) {
            kms.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(PolicyDocuments.toJson(policy)));
            state.policy = PolicyDocuments.toJson(policy);
            changes.add("key policy restored");
        }
        if (!state.rotationEnabled) {
            kms.enableKeyRotation(r -> r.keyId(keyId));
            state.rotationEnabled = true;
            changes.add("enabled yearly key rotation");
        }
        return changes;
    }

    @Override
    public boolean delete(BucketScope scope, Observed current) {
        State state = current.detail(State.class);
        if (state.aliasPresent) {
            scope.kms().deleteAlias(r -> r.aliasName(scope.names().keyAlias()));
        }
        // 7 days is the shortest waiting period KMS allows; the key can be recovered until then.
        scope.kms().scheduleKeyDeletion(r -> r.keyId(state.metadata.keyId()).pendingWindowInDays(7));
        return true;
    }

    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return referenced(scope) || scope.retainOnDelete();
    }

    public static boolean rotationEnabled(Observed observed) {
        return observed.detail(State.class).rotationEnabled;
    }

    private static KeyMetadata describeReferenced(BucketScope scope) {
        String arn = scope.spec().encryption.keyArn;
        KeyMetadata key;
        try {
            key = scope.kms().describeKey(r -> r.keyId(arn)).keyMetadata();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e) || AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR) {
                throw new UserError("KmsKeyNotUsable", "encryption.keyArn " + arn + " cannot be used: " + AwsErrors.message(e));
            }
            throw e;
        }
        if (key.keyState() != KeyState.ENABLED) {
            throw new UserError("KmsKeyNotUsable", "encryption.keyArn " + arn + " is " + key.keyStateAsString() + ", not Enabled");
        }
        return key;
    }
}
