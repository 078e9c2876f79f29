package io.webplatform.operator.platform;

import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The alarm key's diff, on values built by hand. */
class AlarmTopicKeyDiffTest {
    private static final String ALIAS = "alias/webplatform/shop-abc123-alarms";
    private static final OwnedKeys.Desired DESIRED = new OwnedKeys.Desired(ALIAS, "WebPlatform ns/shop: encryption of the alarm topic",
            AlarmTopicKey.policy(Partition.of("eu-west-3"), "123456789012"), Map.of("webplatform.io/owner-uid", "u1"));

    private final AlarmTopicKey key = new AlarmTopicKey();

    private static OwnedKeys.Key key(KeyState state, boolean alias, Boolean rotation, String policy) {
        return new OwnedKeys.Key(KeyMetadata.builder().keyId("k1").arn("arn:aws:kms:eu-west-3:123456789012:key/k1").keyState(state).build(),
                alias, rotation, policy);
    }

    @Test
    void theKeyAsMadeHasNoChange() {
        assertThat(key.diff(key(KeyState.ENABLED, true, true, PolicyDocuments.toJson(DESIRED.policy())), DESIRED)).isEmpty();
    }

    @Test
    void aPolicyWithoutCloudWatchIsRestored() {
        String adminOnly = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},"
                + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
        assertThat(key.diff(key(KeyState.ENABLED, true, true, adminOnly), DESIRED))
                .containsExactly(Change.described("policy", "another policy", "the operator's policy", "key policy restored"));
    }

    @Test
    void aScheduledDeletionIsCancelledAndTheKeyEnabledAliasedAndRotated() {
        assertThat(key.diff(key(KeyState.PENDING_DELETION, false, null, null), DESIRED)).extracting(Change::summary).containsExactly(
                "cancelled a scheduled deletion", "enabled the key", "created alias " + ALIAS, "enabled yearly key rotation");
    }

    @Test
    void rotationOffIsEnabled() {
        assertThat(key.diff(key(KeyState.ENABLED, true, false, PolicyDocuments.toJson(DESIRED.policy())), DESIRED))
                .containsExactly(Change.described("rotation", "off", "yearly", "enabled yearly key rotation"));
    }
}
