package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Partition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trail key's policy against "Configure AWS KMS key policies for CloudTrail"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html), which the
 * emulator never evaluates: "1. Enable CloudTrail log encrypt permissions ... 2. Enable CloudTrail log decrypt
 * permissions ... 3. Enable CloudTrail to describe KMS key properties", with aws:SourceArn "always the trail ARN".
 */
class TrailKeyPolicyTest {
    private static final String ACCOUNT = "123456789012";
    private static final String TRAIL = "arn:aws:cloudtrail:eu-west-3:123456789012:trail/wp-webplatform-bucket-writes";
    private static final JsonNode POLICY = TrailKey.policy(Partition.of("eu-west-3"), ACCOUNT, TRAIL);

    private static List<JsonNode> statementsFor(String principalType, String principal) {
        List<JsonNode> found = new ArrayList<>();
        POLICY.get("Statement").forEach(s -> {
            if (principal.equals(s.path("Principal").path(principalType).asText())) {
                found.add(s);
            }
        });
        return found;
    }

    private static JsonNode only(String action) {
        List<JsonNode> found = statementsFor("Service", "cloudtrail.amazonaws.com").stream()
                .filter(s -> action.equals(s.get("Action").asText())).toList();
        assertThat(found).as(action).hasSize(1);
        assertThat(found.get(0).get("Effect").asText()).isEqualTo("Allow");
        return found.get(0);
    }

    @Test
    void cloudTrailMayGenerateDataKeysForTrailsOfThisAccountAndOnlyForThisTrail() {
        JsonNode encrypt = only("kms:GenerateDataKey*");
        assertThat(encrypt.at("/Condition/StringLike/kms:EncryptionContext:aws:cloudtrail:arn").asText())
                .isEqualTo("arn:aws:cloudtrail:*:" + ACCOUNT + ":trail/*");
        assertThat(encrypt.at("/Condition/StringEquals/aws:SourceArn").asText()).isEqualTo(TRAIL);
    }

    @Test
    void cloudTrailMayDescribeTheKeyForThisTrail() {
        assertThat(only("kms:DescribeKey").at("/Condition/StringEquals/aws:SourceArn").asText()).isEqualTo(TRAIL);
    }

    /** "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to create or update a trail". */
    @Test
    void cloudTrailMayDecryptAsTheGuideWritesItForABucketKey() {
        JsonNode decrypt = only("kms:Decrypt");
        assertThat(decrypt.get("Resource").asText()).isEqualTo("*");
        assertThat(decrypt.has("Condition")).isFalse();
    }

    /** The account administers the key, so IAM policies can grant a reader of the logs kms:Decrypt; CloudTrail gets nothing more. */
    @Test
    void theAccountAdministersTheKeyAndCloudTrailHasExactlyThreeStatements() {
        List<JsonNode> admin = statementsFor("AWS", "arn:aws:iam::" + ACCOUNT + ":root");
        assertThat(admin).hasSize(1);
        assertThat(admin.get(0).get("Action").asText()).isEqualTo("kms:*");
        assertThat(statementsFor("Service", "cloudtrail.amazonaws.com")).hasSize(3);
        assertThat(POLICY.get("Statement")).hasSize(4);
    }
}
