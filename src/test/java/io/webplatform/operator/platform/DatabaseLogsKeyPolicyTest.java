package io.webplatform.operator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.testing.LogGroupKeysAsAws;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database-logs key's policy against "Encrypt log data in CloudWatch Logs using AWS KMS"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html), which the emulator never
 * evaluates: the Region's CloudWatch Logs principal, the actions the guide lists, and the encryption context
 * kms:EncryptionContext:aws:logs:arn, which CloudWatch Logs sets to the group's ARN, limited to this WebPlatform's
 * database log groups. Judged as CloudWatch Logs judges it by {@link LogGroupKeysAsAws#allowsLogs}, the emulator tests' seam.
 */
class DatabaseLogsKeyPolicyTest {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "eu-west-3";
    private static final String BASE = "wp-shop-web-1a2b3c";
    private static final JsonNode POLICY = DatabaseLogsKey.policy(Partition.of(REGION), REGION, ACCOUNT, BASE);
    private static final String LOGS = "logs." + REGION + ".amazonaws.com";

    private static String group(String name) {
        return "arn:aws:logs:" + REGION + ":" + ACCOUNT + ":log-group:" + name;
    }

    private static List<JsonNode> statementsFor(String principalType, String principal) {
        List<JsonNode> found = new ArrayList<>();
        POLICY.get("Statement").forEach(s -> {
            if (principal.equals(s.path("Principal").path(principalType).asText())) {
                found.add(s);
            }
        });
        return found;
    }

    @Test
    void theRegionsCloudWatchLogsMayUseTheKeyWithTheGuidesActionsForTheseGroupsOnly() {
        List<JsonNode> logs = statementsFor("Service", LOGS);
        assertThat(logs).hasSize(1);
        JsonNode statement = logs.get(0);
        assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
        assertThat(statement.get("Action")).extracting(JsonNode::asText)
                .containsExactly("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*");
        assertThat(statement.get("Resource").asText()).isEqualTo("*");
        assertThat(statement.at("/Condition/ArnLike/kms:EncryptionContext:aws:logs:arn")).extracting(JsonNode::asText)
                .containsExactly(group("/aws/rds/instance/" + BASE + "/*"), group("/aws/rds/instance/" + BASE + "-r??????/*"));
        assertThat(statement.get("Condition").size()).as("no other condition").isEqualTo(1);
    }

    @Test
    void theAccountAdministersTheKeyAndNothingElseIsGranted() {
        List<JsonNode> admin = statementsFor("AWS", "arn:aws:iam::" + ACCOUNT + ":root");
        assertThat(admin).hasSize(1);
        assertThat(admin.get(0).get("Action").asText()).isEqualTo("kms:*");
        assertThat(POLICY.get("Statement")).hasSize(2);
    }

    /** Every group an instance of this WebPlatform has, the base one's and a restore's, of any exported type. */
    @Test
    void cloudWatchLogsAcceptsItForTheBaseAndRestoredInstancesGroups() {
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, LOGS, group("/aws/rds/instance/" + BASE + "/postgresql"))).isTrue();
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, LOGS, group("/aws/rds/instance/" + BASE + "/upgrade"))).isTrue();
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, LOGS, group("/aws/rds/instance/" + BASE + "-r0f9e8d/postgresql"))).isTrue();
    }

    /** Not another WebPlatform's groups, not another Region's CloudWatch Logs, not a group outside RDS's path. */
    @Test
    void cloudWatchLogsRefusesItForAnyOtherGroupOrRegion() {
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, LOGS, group("/aws/rds/instance/wp-shop-web-9f9f9f/postgresql"))).isFalse();
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, LOGS, group("/aws/rds/instance/" + BASE + "x/postgresql"))).isFalse();
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, LOGS, group("/aws/rds/instance/" + BASE + "-r0f9e8d7/postgresql"))).isFalse();
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, LOGS, group("/aws/lambda/" + BASE))).isFalse();
        assertThat(LogGroupKeysAsAws.allowsLogs(POLICY, "logs.eu-west-1.amazonaws.com", group("/aws/rds/instance/" + BASE + "/postgresql")))
                .isFalse();
    }

    /** A key without the statement (the alarm key's policy, say) is refused: CloudWatch Logs needs the key policy's grant. */
    @Test
    void aPolicyWithoutTheLogsStatementIsRefused() {
        JsonNode alarmKey = AlarmTopicKey.policy(Partition.of(REGION), ACCOUNT);
        assertThat(LogGroupKeysAsAws.allowsLogs(alarmKey, LOGS, group("/aws/rds/instance/" + BASE + "/postgresql"))).isFalse();
    }

    @Test
    void anotherPartitionNamesItsOwnEndpointAndArns() {
        JsonNode gov = DatabaseLogsKey.policy(Partition.of("us-gov-west-1"), "us-gov-west-1", ACCOUNT, BASE);
        String groupArn = "arn:aws-us-gov:logs:us-gov-west-1:" + ACCOUNT + ":log-group:/aws/rds/instance/" + BASE + "/postgresql";
        assertThat(LogGroupKeysAsAws.allowsLogs(gov, "logs.us-gov-west-1.amazonaws.com", groupArn)).isTrue();
    }
}
