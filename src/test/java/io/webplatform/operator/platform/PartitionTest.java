package io.webplatform.operator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.bucket.BucketPolicies;
import io.webplatform.operator.bucket.SecureBucketValidation;
import io.webplatform.operator.testing.TestResources;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ARNs, service endpoints and the IAM endpoint follow the region's partition: in GovCloud every ARN
 * the operator writes says arn:aws-us-gov:, and China and ISO regions are refused with the reason.
 */
class PartitionTest {
    private static final String GOV = "us-gov-west-1";
    private static final String ACCOUNT = "123456789012";
    private static final Pattern ARN = Pattern.compile("arn:([a-z-]+):");

    /** Every policy document the operator builds, for one region. */
    static List<JsonNode> policies(String region) {
        Partition p = Partition.of(region);
        var wp = TestResources.webPlatform("shop", new WebPlatformSpec());
        wp.getSpec().region = region;
        PlatformScope scope = new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, List.of(region + "a", region + "b")),
                new AwsClients(region, Optional.empty(), List.of()), ACCOUNT, "");
        String key = p.arn("kms", region, ACCOUNT, "key/0a1b2c3d-0000-1111-2222-333344445555");
        return List.of(BucketPolicies.tlsOnly(p, "data"), BucketPolicies.dataBucket(p, "data", true, ACCOUNT, region),
                BucketPolicies.keyPolicy(p, ACCOUNT, true), BucketPolicies.trailLogBucket(p, "logs", ACCOUNT, region, "trail"),
                BucketPolicies.replicationTrust(p), BucketPolicies.replicationPermissions(p, "data", "backup", key, region),
                AlarmTopicKey.policy(p, ACCOUNT), InstanceRole.trust(p), InstanceRole.secretPolicy(scope),
                DatabaseSecretPolicy.policy(List.of(DatabaseSecretPolicy.rdsServiceLinkedRole(p, ACCOUNT))));
    }

    static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isTextual()) {
            texts.add(node.asText());
        }
        node.fieldNames().forEachRemaining(texts::add);
        node.elements().forEachRemaining(child -> texts.addAll(texts(child)));
        return texts;
    }

    @Test
    void everyArnOfAGovCloudPolicySaysAwsUsGov() {
        List<String> arns = new ArrayList<>();
        for (JsonNode policy : policies(GOV)) {
            for (String text : texts(policy)) {
                assertThat(text).as("in " + policy).doesNotContain("arn:aws:");
                Matcher m = ARN.matcher(text);
                while (m.find()) {
                    arns.add(text);
                    assertThat(m.group(1)).as(text).isEqualTo("aws-us-gov");
                }
                if (text.matches("s3\\.[a-z]{2}-.*")) { // kms:ViaService: the regional endpoint
                    assertThat(text).isEqualTo("s3." + GOV + ".amazonaws.com");
                }
            }
        }
        assertThat(arns).as("the walk saw ARNs").hasSizeGreaterThan(10);
    }

    @Test
    void standardRegionsKeepTheirArns() {
        for (JsonNode policy : policies("eu-west-3")) {
            texts(policy).forEach(text -> {
                Matcher m = ARN.matcher(text);
                while (m.find()) {
                    assertThat(m.group(1)).as(text).isEqualTo("aws");
                }
            });
        }
    }

    @Test
    void govCloudNamesItsArnsManagedPolicyAndIamEndpoint() {
        var wp = TestResources.webPlatform("shop", new WebPlatformSpec());
        wp.getSpec().region = GOV;
        AwsClients clients = new AwsClients(GOV, Optional.empty(), List.of());
        PlatformScope scope = new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, List.of("us-gov-west-1a", "us-gov-west-1b")),
                clients, ACCOUNT, "");
        assertThat(AlarmTopic.arn(scope)).startsWith("arn:aws-us-gov:sns:us-gov-west-1:" + ACCOUNT + ":");
        assertThat(InstanceRole.ssmManaged(scope.partition())).isEqualTo("arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore");
        assertThat(scope.partition().bucketArn("b")).isEqualTo("arn:aws-us-gov:s3:::b");
        assertThat(clients.iam(GOV).serviceClientConfiguration().region()).isEqualTo(Region.AWS_US_GOV_GLOBAL);
        assertThat(clients.iam("eu-west-3").serviceClientConfiguration().region()).isEqualTo(Region.AWS_GLOBAL);
    }

    @Test
    void chinaAndIsoRegionsAreRefusedWithTheReason() {
        for (String region : List.of("cn-north-1", "cn-northwest-1", "us-iso-east-1", "us-isob-east-1")) {
            assertThat(Partition.unsupported(region)).as(region).hasValueSatisfying(m -> assertThat(m).contains("does not support"));
            assertThatThrownBy(() -> Partition.of(region)).as(region).isInstanceOf(IllegalArgumentException.class);
            var wp = TestResources.webPlatform("shop", new WebPlatformSpec());
            assertThat(WebPlatformValidation.validate(wp, region)).as(region).anySatisfy(p -> assertThat(p).contains("partition"));
            SecureBucket sb = TestResources.secureBucket("data", TestResources.fullSpec());
            sb.getSpec().region = region;
            assertThat(SecureBucketValidation.validate(sb)).as(region).anySatisfy(p -> assertThat(p).contains("partition"));
        }
        assertThatThrownBy(() -> new AwsClients("cn-north-1", Optional.empty(), List.of()))
                .hasMessageContaining("cn-north-1 is in the aws-cn partition");
        assertThat(Partition.unsupported(GOV)).isEmpty();
        assertThat(Partition.unsupported("eu-west-3")).isEmpty();
    }

    /** No ARN prefix or service domain is written by hand anywhere else: Partition is the one place. */
    @Test
    void noHandWrittenPartitionInTheOperator() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> offenders = files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("Partition.java"))
                    .filter(f -> {
                        try {
                            String source = Files.readString(f);
                            return source.contains("\"arn:aws:") || source.contains("amazonaws.com\"") || source.contains("\"aws-global\"");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).map(Path::toString).toList();
            assertThat(offenders).isEmpty();
        }
    }
}
