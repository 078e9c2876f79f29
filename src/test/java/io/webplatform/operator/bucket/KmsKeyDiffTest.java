package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bucket key's diff (OwnedKeys' differences), on values built by hand. */
class KmsKeyDiffTest {
    private static final String ALIAS = "alias/webplatform/ns-logs-abc123";
    private static final OwnedKeys.Desired OWNED = new OwnedKeys.Desired(ALIAS, "SecureBucket ns/logs: default encryption of logs",
            BucketPolicies.keyPolicy(Partition.of("eu-west-3"), "123456789012", false), Map.of("webplatform.io/owner-uid", "u1"));
    private static final KmsKey.Desired DESIRED = new KmsKey.Desired(null, OWNED);

    private final KmsKey key = new KmsKey();

    private static KeyMetadata metadata(KeyState state) {
        return KeyMetadata.builder().keyId("k1").arn("arn:aws:kms:eu-west-3:123456789012:key/k1").keyState(state).build();
    }

    private static KmsKey.State owned(KeyState state, boolean alias, Boolean rotation, String policy) {
        return new KmsKey.State(new OwnedKeys.Key(metadata(state), alias, rotation, policy), null);
    }

    private static String policy() {
        return PolicyDocuments.toJson(OWNED.policy());
    }

    @Test
    void anEnabledAliasedRotatingKeyWithItsPolicyHasNoChange() {
        assertThat(key.diff(owned(KeyState.ENABLED, true, true, policy()), DESIRED)).isEmpty();
    }

    @Test
    void aKeyScheduledForDeletionIsCancelledEnabledAndRotated() {
        // While its deletion is scheduled, rotation and policy are not read.
        assertThat(key.diff(owned(KeyState.PENDING_DELETION, true, null, null), DESIRED)).containsExactly(
                Change.described("deletion", "scheduled", "none", "cancelled a scheduled deletion"),
                Change.described("state", "PendingDeletion", "Enabled", "enabled the key"),
                Change.described("rotation", "unknown", "yearly", "enabled yearly key rotation"));
    }

    @Test
    void aDisabledKeyIsEnabled() {
        assertThat(key.diff(owned(KeyState.DISABLED, true, true, policy()), DESIRED))
                .containsExactly(Change.described("state", "Disabled", "Enabled", "enabled the key"));
    }

    @Test
    void aMissingAliasIsCreated() {
        assertThat(key.diff(owned(KeyState.ENABLED, false, true, policy()), DESIRED))
                .containsExactly(Change.described("alias", "absent", ALIAS, "created alias " + ALIAS));
    }

    @Test
    void anEditedPolicyIsRestored() {
        String other = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
        assertThat(key.diff(owned(KeyState.ENABLED, true, true, other), DESIRED)).extracting(Change::field, Change::summary)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("policy", "key policy restored"));
    }

    @Test
    void rotationOffIsEnabled() {
        assertThat(key.diff(owned(KeyState.ENABLED, true, false, policy()), DESIRED))
                .containsExactly(Change.described("rotation", "off", "yearly", "enabled yearly key rotation"));
    }

    @Test
    void aReferencedKeyIsNeverChanged() {
        KmsKey.Desired referenced = new KmsKey.Desired("arn:aws:kms:eu-west-3:123456789012:key/theirs", null);
        KmsKey.State found = new KmsKey.State(null, metadata(KeyState.ENABLED));
        assertThat(key.diff(found, referenced)).isEmpty();
        assertThat(found.rotationEnabled()).as("not the operator's to judge").isFalse();
    }
}
