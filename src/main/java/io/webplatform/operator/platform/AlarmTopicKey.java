package io.webplatform.operator.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.ArrayList;
import java.util.List;

/**
 * The KMS key that encrypts the alarm topic. A key of our own, because CloudWatch cannot publish to
 * a topic encrypted with the AWS-managed SNS key: its policy cannot grant CloudWatch. Found by alias,
 * or by ownership tags after a crash between CreateKey and CreateAlias; rotation on.
 */
public class AlarmTopicKey implements Component<PlatformScope> {
    public static final String NAME = "AlarmTopicKey";

    public static final class State {
        KeyMetadata metadata;
        boolean aliasPresent;
        boolean rotationEnabled;
        String policy;
    }

    @Override
    public String name() {
        return NAME;
    }

    static String alias(PlatformScope scope) {
        return "alias/webplatform/" + scope.baseName() + "-alarms";
    }

    /** The account administers the key; CloudWatch may use it to publish to the topic, for this account only. */
    static ObjectNode policy(String accountId) {
        ObjectNode doc = PolicyDocuments.document();
        ObjectNode admin = PolicyDocuments.statement(doc, "EnableIamPolicies", "Allow");
        admin.putObject("Principal").put("AWS", "arn:aws:iam::" + accountId + ":root");
        admin.put("Action", "kms:*");
        admin.put("Resource", "*");
        ObjectNode cloudWatch = PolicyDocuments.statement(doc, "AllowCloudWatchToPublish", "Allow");
        cloudWatch.putObject("Principal").put("Service", "cloudwatch.amazonaws.com");
        PolicyDocuments.array(cloudWatch, "Action", "kms:Decrypt", "kms:GenerateDataKey*");
        cloudWatch.put("Resource", "*");
        cloudWatch.putObject("Condition").putObject("StringEquals").put("aws:SourceAccount", accountId);
        return doc;
    }

    @Override
    public Observed observe(PlatformScope scope) {
        KmsClient kms = scope.kms();
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        State state = new State();
        try {
            state.metadata = kms.describeKey(r -> r.keyId(alias(scope))).keyMetadata();
            state.aliasPresent = true;
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
            state.metadata = OwnedKeys.find(kms, scope.ownerUid(), NAME, deleting);
            if (state.metadata == null) {
                return null;
            }
        }
        if (state.metadata.keyState() == KeyState.PENDING_DELETION) {
            if (deleting) {
                return null; // scheduled by this delete: gone as far as the walk is concerned
            }
        } else {
            state.rotationEnabled = kms.getKeyRotationStatus(r -> r.keyId(state.metadata.keyId())).keyRotationEnabled();
            state.policy = kms.getKeyPolicy(r -> r.keyId(state.metadata.keyId()).policyName("default")).policy();
        }
        return Observed.ready(state.metadata.arn(), state);
    }

    @Override
    public void create(PlatformScope scope) {
        List<Tag> tags = scope.tags(NAME, alias(scope)).entrySet().stream()
                .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build()).toList();
        String keyId = scope.kms().createKey(r -> r
                .description("WebPlatform " + scope.owner().getMetadata().getNamespace() + "/" + scope.owner().getMetadata().getName()
                        + ": encryption of the alarm topic")
                .policy(PolicyDocuments.toJson(policy(scope.accountId())))
                .tags(tags)).keyMetadata().keyId();
        scope.kms().createAlias(r -> r.aliasName(alias(scope)).targetKeyId(keyId));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed current) {
        State state = current.detail(State.class);
        KmsClient kms = scope.kms();
        String keyId = state.metadata.keyId();
        List<String> changes = new ArrayList<>();
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
            kms.createAlias(r -> r.aliasName(alias(scope)).targetKeyId(keyId));
            changes.add("created alias " + alias(scope));
        }
        var policy = policy(scope.accountId());
        if (state.policy != null && !PolicyDocuments.equivalent(state.policy, policy)) {
            kms.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(PolicyDocuments.toJson(policy)));
            changes.add("key policy restored");
        }
        if (!state.rotationEnabled) {
            kms.enableKeyRotation(r -> r.keyId(keyId));
            changes.add("enabled yearly key rotation");
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed current) {
        State state = current.detail(State.class);
        if (state.aliasPresent) {
            scope.kms().deleteAlias(r -> r.aliasName(alias(scope)));
        }
        // 7 days is the shortest waiting period KMS allows; the key can be recovered until then.
        scope.kms().scheduleKeyDeletion(r -> r.keyId(state.metadata.keyId()).pendingWindowInDays(7));
        return true;
    }
}
