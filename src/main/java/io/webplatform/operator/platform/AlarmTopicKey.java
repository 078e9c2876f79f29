package io.webplatform.operator.platform;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.OwnedKeyComponent;
import software.amazon.awssdk.services.kms.KmsClient;

import java.util.List;

/**
 * The KMS key that encrypts the alarm topic. A key of our own, because CloudWatch cannot publish to
 * a topic encrypted with the AWS-managed SNS key: its policy cannot grant CloudWatch. Found by alias,
 * or by ownership tags after a crash between CreateKey and CreateAlias; rotation on.
 */
public class AlarmTopicKey extends OwnedKeyComponent<PlatformScope> {
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
        ObjectNode doc = OwnedKeys.policyAdministeredByAccount(partition, accountId);
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
    protected String keyAlias(PlatformScope scope) {
        return alias(scope);
    }

    @Override
    protected KmsClient kms(PlatformScope scope) {
        return scope.kms();
    }
}
