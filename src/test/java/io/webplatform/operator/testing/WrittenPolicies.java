package io.webplatform.operator.testing;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.PolicyDocuments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy documents the operator wrote to AWS, read back from the emulator once a resource is
 * Ready, as a person auditing the account would, and kept as target/e2e-policies/&lt;kind&gt;-&lt;name&gt;.json
 * for ParliamentIT. Kinds: bucket-policy, key-policy, role-trust, role-policy. Pretty-printed, so a
 * linter's line number points at one statement. The directory is emptied with {@link EndToEndSuite}'s.
 */
public final class WrittenPolicies {
    public static final Path DIR = Path.of("target/e2e-policies");
    public static final List<String> KINDS = List.of("bucket-policy", "key-policy", "role-trust", "role-policy");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Array elements on lines of their own, so that no two statements start on one line. */
    private static final DefaultPrettyPrinter ONE_STATEMENT_A_LINE =
            new DefaultPrettyPrinter().withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);

    private WrittenPolicies() {
    }

    /** A SecureBucket's: the policies of its buckets, its key's policy, its replication role's trust and permissions. */
    public static void ofSecureBucket(AwsClients aws, String region, List<String> buckets, String keyArn, String replicationRoleArn) {
        var s3 = aws.s3(region);
        for (String bucket : buckets) {
            write("bucket-policy", bucket, s3.getBucketPolicy(r -> r.bucket(bucket)).policy());
        }
        keyPolicy(aws, region, keyArn);
        role(aws, region, replicationRoleArn.substring(replicationRoleArn.lastIndexOf('/') + 1));
    }

    /** A WebPlatform's: its instances' role (found through an instance's profile, as AWS links them) and its alarm topic's key. */
    public static void ofWebPlatform(AwsClients aws, String region, String instanceId, String alarmTopicArn) {
        String profileArn = aws.ec2(region).describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                .iamInstanceProfile().arn();
        String profile = profileArn.substring(profileArn.lastIndexOf('/') + 1);
        aws.iam(region).getInstanceProfile(r -> r.instanceProfileName(profile)).instanceProfile().roles()
                .forEach(role -> role(aws, region, role.roleName()));
        String key = aws.sns(region).getTopicAttributes(r -> r.topicArn(alarmTopicArn)).attributes().get("KmsMasterKeyId");
        assertThat(key).as("the alarm topic's key").isNotBlank();
        keyPolicy(aws, region, key);
    }

    private static void keyPolicy(AwsClients aws, String region, String key) {
        var kms = aws.kms(region);
        String keyId = kms.describeKey(r -> r.keyId(key)).keyMetadata().keyId();
        write("key-policy", keyId, kms.getKeyPolicy(r -> r.keyId(keyId).policyName("default")).policy());
    }

    private static void role(AwsClients aws, String region, String roleName) {
        var iam = aws.iam(region);
        write("role-trust", roleName, iam.getRole(r -> r.roleName(roleName)).role().assumeRolePolicyDocument());
        List<String> inline = iam.listRolePolicies(r -> r.roleName(roleName)).policyNames();
        assertThat(inline).as("inline policies of " + roleName).isNotEmpty();
        for (String policy : inline) {
            write("role-policy", roleName + "-" + policy,
                    iam.getRolePolicy(r -> r.roleName(roleName).policyName(policy)).policyDocument());
        }
    }

    private static void write(String kind, String name, String document) {
        JsonNode json = PolicyDocuments.parse(document);
        assertThat(json).as(kind + " " + name + " is a JSON policy document: " + document).isNotNull();
        try {
            EndToEndSuite.clearOnce();
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(kind + "-" + name + ".json"), MAPPER.writer(ONE_STATEMENT_A_LINE).writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
