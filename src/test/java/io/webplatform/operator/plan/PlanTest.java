package io.webplatform.operator.plan;

import io.webplatform.operator.engine.CloudFormationTemplate;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.engine.CfnResource;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan of a manifest: computed by the components' desired-state code with no client at all. */
class PlanTest {

    @Test
    void theSecureBucketSamplePlansEveryResourceItMakes() throws IOException {
        List<String> yaml = Plan.of(Files.readString(Path.of("samples/securebucket.yaml")), null);
        assertThat(yaml).hasSize(1);
        CloudFormationTemplate template = Plan.of(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                Files.readString(Path.of("samples/securebucket.yaml")), io.webplatform.operator.api.SecureBucket.class), null);
        assertThat(template.resources()).containsOnlyKeys("Key", "KeyAlias", "Bucket", "BucketPolicy", "BackupBucket", "BackupBucketPolicy",
                "ReplicationRole", "TrailBucket", "TrailBucketPolicy", "TrailKey", "TrailKeyAlias", "TrailLogGroup", "TrailLogsRole", "Trail", "AccessLogBucket",
                "AccessLogBucketPolicy");
        assertThat(template.resources().get("Bucket").properties()).containsKeys("ReplicationConfiguration", "BucketEncryption", "Tags",
                "LoggingConfiguration");
        // Every bucket but the access-log bucket logs into it; it keeps the logs a year.
        for (String bucket : List.of("Bucket", "BackupBucket", "TrailBucket")) {
            assertThat(template.resources().get(bucket).properties().get("LoggingConfiguration").toString())
                    .contains("DestinationBucketName=wp-webplatform-${AWS::AccountId}-eu-west-3-access-logs");
        }
        assertThat(template.resources().get("AccessLogBucket").properties()).doesNotContainKey("LoggingConfiguration")
                .containsKey("LifecycleConfiguration");
        assertThat(template.unresolvedReferences()).isEmpty();
        // The bucket's key is the planned key's ARN, the alias points at the key: references, not ids.
        assertThat(yaml.get(0).replaceAll("\\s+", " ")).contains("KMSMasterKeyID: Fn::GetAtt: - \"Key\" - \"Arn\"",
                "TargetKeyId: Ref: \"Key\"");
        // The trail's log files: the planned trail key's ARN (CloudTrail answers with the ARN; the operator compares ARNs).
        assertThat(yaml.get(0).replaceAll("\\s+", " ")).contains("KMSKeyId: Fn::GetAtt: - \"TrailKey\" - \"Arn\"");
    }

    @Test
    void namesDeriveFromTheInstallationSoARebuiltClusterPlansTheSameOnes() throws IOException {
        String manifest = Files.readString(Path.of("samples/securebucket.yaml"));
        io.webplatform.operator.api.SecureBucket first = Serialization.unmarshal(manifest, io.webplatform.operator.api.SecureBucket.class);
        io.webplatform.operator.api.SecureBucket again = Serialization.unmarshal(manifest, io.webplatform.operator.api.SecureBucket.class);
        first.getMetadata().setUid("uid-of-the-first-cluster");
        again.getMetadata().setUid("uid-of-the-rebuilt-cluster");
        Object bucket = Plan.of(first, null, "prod").resources().get("Bucket").properties().get("BucketName");
        assertThat(Plan.of(again, null, "prod").resources().get("Bucket").properties().get("BucketName")).isEqualTo(bucket);
        String key = io.webplatform.operator.aws.Identity.keyOf("prod", "SecureBucket", first.getMetadata().getNamespace(),
                first.getMetadata().getName());
        assertThat((String) bucket).endsWith("-" + io.webplatform.operator.aws.ResourceNames.shortHash(key));
        assertThat(Plan.of(again, null, "prod").toYaml()).contains("derived from installation prod, kind, namespace and name");
        // Another installation is another stack.
        assertThat(Plan.of(again, null, "staging").resources().get("Bucket").properties().get("BucketName")).isNotEqualTo(bucket);
    }

    @Test
    void anObjectReadBackWithAUidKeyKeepsItsNames() throws IOException {
        io.webplatform.operator.api.SecureBucket bucket = Serialization.unmarshal(Files.readString(Path.of("samples/securebucket.yaml")),
                io.webplatform.operator.api.SecureBucket.class);
        bucket.getMetadata().setUid("0c1f3a52-0000-4000-8000-000000000001");
        bucket.setStatus(new io.webplatform.operator.api.SecureBucketStatus());
        bucket.getStatus().setOwnerKey(bucket.getMetadata().getUid());
        assertThat((String) Plan.of(bucket, null, "prod").resources().get("Bucket").properties().get("BucketName"))
                .endsWith("-" + io.webplatform.operator.aws.ResourceNames.shortHash(bucket.getMetadata().getUid()));
    }

    @Test
    void theWebPlatformSamplesAlarmsWatchTheLoadBalancerByTheNamesCloudWatchUses() throws IOException {
        WebPlatform platform = Serialization.unmarshal(Files.readString(Path.of("samples/webplatform.yaml")), WebPlatform.class);
        CloudFormationTemplate template = Plan.of(platform, null);
        assertThat(template.unresolvedReferences()).isEmpty();
        CfnResource healthy = template.resources().values().stream().filter(r -> r.logicalId().equals("AlarmHealthyHosts")).findFirst().orElseThrow();
        assertThat(healthy.properties().get("Dimensions")).isEqualTo(List.of(
                Map.of("Name", "TargetGroup", "Value", "${TargetGroup.TargetGroupFullName}"),
                Map.of("Name", "LoadBalancer", "Value", "${LoadBalancer.LoadBalancerFullName}")));
    }

    @Test
    void aShellsOwnVariablesStayLiteralInTheUserData() throws IOException {
        WebPlatform builtIn = Serialization.unmarshal(Files.readString(Path.of("samples/webplatform.yaml")), WebPlatform.class);
        WebPlatform own = Serialization.unmarshal(Files.readString(Path.of("samples/webplatform.yaml")), WebPlatform.class);
        own.getSpec().app.userData = "#!/bin/bash\necho \"${HOSTNAME}\" > /tmp/host\n";
        String ownYaml = Plan.of(own, null).toYaml();
        assertThat(ownYaml).contains("Fn::Base64: \"#!/bin/bash\\necho \\\"${HOSTNAME}\\\" > /tmp/host\\n\"");
        String builtInYaml = Plan.of(builtIn, null).toYaml();
        assertThat(builtInYaml).contains("Fn::Base64:\n          Fn::Sub:").contains("${Database.Endpoint.Address}").doesNotContain("${HOSTNAME}");
    }

    @Test
    void theCommandPrintsThePlanOrSaysWhyNot() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = PlanCommand.run(new String[]{"samples/securebucket.yaml"}, new PrintStream(out), new PrintStream(err));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("AWSTemplateFormatVersion: \"2010-09-09\"").contains("AWS::CloudTrail::Trail");
        assertThat(PlanCommand.run(new String[]{}, new PrintStream(out), new PrintStream(err))).isEqualTo(2);
        assertThat(PlanCommand.run(new String[]{"no-such-file.yaml"}, new PrintStream(out), new PrintStream(err))).isEqualTo(1);
    }
}
