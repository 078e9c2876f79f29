package io.webplatform.operator.platform;

import io.webplatform.operator.bucket.KmsKey;
import io.webplatform.operator.engine.CfnResource;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;

import java.util.List;

/**
 * The KMS key that encrypts the alarm topic. A key of our own, because CloudWatch cannot publish to
 * a topic encrypted with the AWS-managed SNS key: its policy cannot grant CloudWatch. Found by alias,
 * or by ownership tags after a crash between CreateKey and CreateAlias; rotation on.
 */
public class AlarmTopicKey implements Component<PlatformScope, OwnedKeys.Desired, OwnedKeys.Key> {
    public static final String NAME = "AlarmTopicKey";

    @Override
    public String name() {
        return NAME;
    }

    /** KMS aliases allow no dots: a dotted namespace or name is sanitised (see AwsNameRules.KMS_ALIAS). */
    static String alias(PlatformScope scope) {
        return scope.name("alias/webplatform/", "-alarms", AwsNameRules.KMS_ALIAS, "[^a-zA-Z0-9/_-]");
    }

    /** The account administers the key; CloudWatch may use it to publish to the topic, for this account only. */
    static ObjectNode policy(Partition partition, String accountId) {
        ObjectNode doc = PolicyDocuments.document();
        ObjectNode admin = PolicyDocuments.statement(doc, "EnableIamPolicies", "Allow");
        admin.putObject("Principal").put("AWS", partition.accountRoot(accountId));
        admin.put("Action", "kms:*");
        admin.put("Resource", "*");
        ObjectNode cloudWatch = PolicyDocuments.statement(doc, "AllowCloudWatchToPublish", "Allow");
        cloudWatch.putObject("Principal").put("Service", partition.servicePrincipal("cloudwatch"));
        PolicyDocuments.array(cloudWatch, "Action", "kms:Decrypt", "kms:GenerateDataKey*");
        cloudWatch.put("Resource", "*");
        cloudWatch.putObject("Condition").putObject("StringEquals").put("aws:SourceAccount", accountId);
        return doc;
    }

    @Override
    public OwnedKeys.Desired desired(PlatformScope scope) {
        String alias = alias(scope);
        return new OwnedKeys.Desired(alias, "WebPlatform " + scope.owner().getMetadata().getNamespace() + "/"
                + scope.owner().getMetadata().getName() + ": encryption of the alarm topic",
                policy(scope.partition(), scope.accountId()), scope.tags(NAME, alias));
    }

    @Override
    public List<CfnResource> cloudFormation(OwnedKeys.Desired desired) {
        return KmsKey.cloudFormation(CfnResource.logicalId(NAME), desired);
    }

    @Override
    public Observed<OwnedKeys.Key> planned(PlatformScope scope, OwnedKeys.Desired desired) {
        OwnedKeys.Key key = KmsKey.planned(CfnResource.logicalId(NAME), desired);
        return Observed.ready(key.arn(), key);
    }

    @Override
    public Observed<OwnedKeys.Key> observe(PlatformScope scope) {
        OwnedKeys.Key key = OwnedKeys.read(scope.kms(), alias(scope), scope.ownerKey(), NAME,
                scope.owner().getMetadata().getDeletionTimestamp() != null);
        return key == null ? null : Observed.ready(key.arn(), key);
    }

    @Override
    public List<Change> diff(OwnedKeys.Key actual, OwnedKeys.Desired desired) {
        return OwnedKeys.differences(actual, desired).stream()
                .map(d -> Change.described(d.field(), d.actual(), d.desired(), d.summary())).toList();
    }

    @Override
    public void create(PlatformScope scope, OwnedKeys.Desired desired) {
        OwnedKeys.create(scope.kms(), desired, scope.clock());
    }

    @Override
    public void apply(PlatformScope scope, Observed<OwnedKeys.Key> current, OwnedKeys.Desired desired, List<Change> changes) {
        OwnedKeys.apply(scope.kms(), current.detail(), desired, changes.stream().map(Change::field).toList(), scope.clock());
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<OwnedKeys.Key> current) {
        OwnedKeys.delete(scope.kms(), current.detail(), alias(scope), scope.clock());
        return true;
    }
}
