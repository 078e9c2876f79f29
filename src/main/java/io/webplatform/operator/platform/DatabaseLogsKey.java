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
 * The customer managed KMS key that encrypts the database's CloudWatch Logs groups ({@link DatabaseLogGroups}; checkov
 * CKV_AWS_158, Security Hub CloudWatch log groups encrypted). A key of its own rather than the alarm topic's: its
 * policy admits CloudWatch Logs, its life is the log groups' (a database kept by Retain keeps its groups, and they
 * cannot be read without this key), and the alarm key goes with the platform whatever the deletion policy. Symmetric
 * (CloudWatch Logs takes no other), rotating yearly, made in the WebPlatform's Region (CloudWatch Logs' principal
 * "must be in the same region as where the key is stored"); found by its alias, or by its ownership tags after a
 * crash between CreateKey and CreateAlias.
 *
 * <p>Always made, like the groups' component: groups of types the spec no longer exports stay until the platform goes,
 * and must stay readable. Deleted after the groups (the graph's edge): "If you revoke CloudWatch Logs access to an
 * associated key or delete an associated key, your encrypted data in CloudWatch Logs can no longer be retrieved"
 * ("Encrypt log data in CloudWatch Logs using AWS KMS"), and a key pending deletion already refuses every use. So it is
 * kept whenever a group is: groups kept by Retain keep it (the engine keeps what a kept component needs).
 */
public class DatabaseLogsKey extends OwnedKeyComponent<PlatformScope> {
    public static final String NAME = "DatabaseLogsKey";
    /** A restore's instance: the base id, "-r" and six hex digits ({@link DatabaseNames#instanceId}). */
    private static final String RESTORED_INSTANCE = "-r??????";

    @Override
    public String name() {
        return NAME;
    }

    /** KMS aliases allow no dots: a dotted namespace or name is sanitised (see AwsNameRules.KMS_ALIAS). */
    static String alias(PlatformScope scope) {
        return scope.name("alias/webplatform/", "-db-logs", AwsNameRules.KMS_ALIAS, "[^a-zA-Z0-9/_-]");
    }

    /**
     * The ARNs of every log group this WebPlatform's DB instances can have, as the key policy's encryption-context
     * condition names them (ArnLike: "*" and "?" match within the ARN's resource part): the base instance's groups
     * and a restored instance's, /aws/rds/instance/&lt;base id&gt;[-r&lt;6&gt;]/&lt;type&gt;. Any type: a group the spec no
     * longer exports keeps its logs until they expire, readable. Not another WebPlatform's: each base id ends with
     * its own owner's hash.
     */
    static List<String> groupArnPatterns(Partition partition, String region, String accountId, String baseId) {
        return List.of(partition.arn("logs", region, accountId, "log-group:" + DatabaseLogGroups.PREFIX + baseId + "/*"),
                partition.arn("logs", region, accountId, "log-group:" + DatabaseLogGroups.PREFIX + baseId + RESTORED_INSTANCE + "/*"));
    }

    /**
     * The account administers the key (so IAM policies can grant readers kms:Decrypt); CloudWatch Logs of this Region
     * (logs.&lt;region&gt;.amazonaws.com) may use it, with the actions "Encrypt log data in CloudWatch Logs using AWS KMS"
     * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html) lists, only for this
     * WebPlatform's database log groups: CloudWatch Logs sends the group's ARN as kms:EncryptionContext:aws:logs:arn.
     */
    static ObjectNode policy(Partition partition, String region, String accountId, String baseId) {
        ObjectNode doc = OwnedKeys.policyAdministeredByAccount(partition, accountId);
        ObjectNode logs = PolicyDocuments.statement(doc, "AllowCloudWatchLogsToEncryptDatabaseLogGroups", "Allow");
        logs.putObject("Principal").put("Service", partition.serviceEndpoint("logs", region));
        PolicyDocuments.array(logs, "Action", "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*");
        logs.put("Resource", "*");
        var patterns = logs.putObject("Condition").putObject("ArnLike").putArray("kms:EncryptionContext:aws:logs:arn");
        groupArnPatterns(partition, region, accountId, baseId).forEach(patterns::add);
        return doc;
    }

    @Override
    public OwnedKeys.Desired desired(PlatformScope scope) {
        String alias = alias(scope);
        return new OwnedKeys.Desired(alias, "WebPlatform " + scope.owner().getMetadata().getNamespace() + "/"
                + scope.owner().getMetadata().getName() + ": encryption of the database's CloudWatch Logs groups",
                policy(scope.partition(), scope.region(), scope.accountId(), DatabaseNames.baseId(scope)), scope.tags(NAME, alias));
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
