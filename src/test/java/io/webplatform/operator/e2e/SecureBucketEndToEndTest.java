package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.LocalHttp;
import static io.webplatform.operator.testing.AwsReads.exists;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.TestBed;
import io.webplatform.operator.testing.WrittenPolicies;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SecureBucket as a user meets it: the sample applied with kubectl to the real API server, the
 * operator running, `kubectl wait` for Ready, AWS checked with the SDK, drift repaired, and delete
 * with each deletion policy.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class SecureBucketEndToEndTest extends RunningOperatorTest {
    public static String sample(String file, String namespace) throws IOException {
        return Files.readString(Path.of("samples", file)).replace("namespace: demo", "namespace: " + namespace);
    }

    public static String jsonpath(String ns, String kind, String name, String path) {
        return Kubectl.run("get", kind, name, "-n", ns, "-o", "jsonpath={" + path + "}").ok().out();
    }

    @Test
    void theSampleBecomesReadyMatchesAwsRepairsDriftAndRetainsDataOnDelete() throws IOException {
        String ns = Kubectl.newNamespace("e2e-sample");
        Kubectl.apply(ns, sample("securebucket.yaml", ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();

        String bucket = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.bucketName");
        String backup = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.backupBucketName");
        String logs = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.logBucketName");
        String keyArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.keyArn");
        String trailArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.trailArn");
        String roleArn = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.replicationRoleArn");
        assertThat(bucket).startsWith(ns + "-app-logs-");
        assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.outputs.bucketArn")).isEqualTo("arn:aws:s3:::" + bucket);
        assertThat(jsonpath(ns, "securebucket", "app-logs", ".status.observedGeneration")).isEqualTo("1");

        // The printer columns a user sees.
        String table = Kubectl.run("get", "sbucket", "-n", ns).ok().out();
        assertThat(table).contains("READY", "BUCKET", "REPLICATION", "TRAIL", "AGE");
        assertThat(table.lines().skip(1).findFirst().orElseThrow()).contains("app-logs", "True", bucket, "Ready", "Logging");

        // AWS, read with the SDK.
        var s3 = aws.s3(Emulator.REGION);
        assertThat(s3.getBucketVersioning(r -> r.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        var sse = s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0)
                .applyServerSideEncryptionByDefault();
        assertThat(sse.sseAlgorithm()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(sse.kmsMasterKeyID()).isEqualTo(keyArn);
        var pab = s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
        assertThat(List.of(pab.blockPublicAcls(), pab.ignorePublicAcls(), pab.blockPublicPolicy(), pab.restrictPublicBuckets()))
                .containsOnly(true);
        assertThat(s3.getBucketPolicy(r -> r.bucket(bucket)).policy()).contains("DenyInsecureTransport", "aws:SecureTransport");
        var rule = s3.getBucketReplication(r -> r.bucket(bucket)).replicationConfiguration();
        assertThat(rule.role()).isEqualTo(roleArn);
        assertThat(rule.rules().get(0).destination().bucket()).isEqualTo("arn:aws:s3:::" + backup);
        assertThat(s3.getBucketVersioning(r -> r.bucket(backup)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        var ct = aws.cloudTrail(Emulator.REGION);
        String trailName = trailArn.substring(trailArn.indexOf("trail/") + 6);
        assertThat(ct.getTrailStatus(r -> r.name(trailName)).isLogging()).isTrue();
        assertThat(ct.getTrail(r -> r.name(trailName)).trail().logFileValidationEnabled()).isTrue();
        assertThat(ct.getTrail(r -> r.name(trailName)).trail().s3BucketName()).isEqualTo(logs);
        // The installation's shared trail: its one selector records this bucket's object writes, among others'.
        assertThat(trailName).startsWith("wp-").endsWith("-bucket-writes");
        assertThat(logs).endsWith("-" + Emulator.REGION + "-trails");
        var selectors = ct.getEventSelectors(r -> r.trailName(trailName)).advancedEventSelectors();
        assertThat(selectors).hasSize(1);
        assertThat(selectors.get(0).fieldSelectors()).anySatisfy(f -> assertThat(f.field() + f.equalsValue()).isEqualTo("readOnly[false]"))
                .anySatisfy(f -> assertThat(f.field() + f.equalsValue()).isEqualTo("resources.type[AWS::S3::Object]"))
                .anySatisfy(f -> assertThat(f.startsWith()).contains("arn:aws:s3:::" + bucket + "/"));
        assertThat(Kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=app-logs", "-o",
                "jsonpath={.items[*].reason}").ok().out()).contains("Created");
        // Every policy document it wrote, for ParliamentIT.
        WrittenPolicies.ofSecureBucket(aws, Emulator.REGION, List.of(bucket, backup, logs), keyArn, roleArn);

        // A converged resync (every 4 s here) reads AWS but writes nothing to the API server.
        String version = jsonpath(ns, "securebucket", "app-logs", ".metadata.resourceVersion");
        await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofSeconds(1))
                .until(() -> jsonpath(ns, "securebucket", "app-logs", ".metadata.resourceVersion").equals(version));

        // Drift, as a person might cause it; the next resync puts it back.
        s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(p -> p
                .blockPublicAcls(false).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        s3.deleteBucketPolicy(r -> r.bucket(bucket));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(s3.getBucketVersioning(r -> r.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            assertThat(s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration().blockPublicAcls()).isTrue();
            assertThat(s3.getBucketPolicy(r -> r.bucket(bucket)).policy()).contains("DenyInsecureTransport");
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Kubectl.run("get", "events", "-n", ns,
                "--field-selector", "involvedObject.name=app-logs,reason=Repaired", "-o", "jsonpath={.items[*].message}").ok().out())
                .contains("versioning Suspended -> Enabled").contains("public access block restored").contains("bucket policy restored"));

        // The metrics endpoint counts the calls, by service, operation and outcome.
        String scraped = get(metrics);
        assertThat(scraped).contains("webplatform_aws_api_calls_total{").contains("operation=\"PutBucketVersioning\"");
        // ... and the duration of each pass, as a histogram (buckets, so percentiles aggregate across replicas).
        assertThat(scraped).containsPattern("webplatform_reconcile_duration_seconds_bucket\\{[^}]*kind=\"SecureBucket\"[^}]*le=\"[0-9.]+\"")
                .containsPattern("webplatform_reconcile_duration_seconds_count\\{[^}]*action=\"reconcile\"[^}]*outcome=\"success\"");

        // Delete with the default policy, Retain: data buckets and key stay; its place in the trail, role and rule go.
        Kubectl.run("delete", "securebucket/app-logs", "-n", ns, "--timeout=120s").ok();
        assertThat(exists(() -> s3.headBucket(r -> r.bucket(bucket)))).isTrue();
        assertThat(exists(() -> s3.headBucket(r -> r.bucket(backup)))).isTrue();
        assertThat(exists(() -> s3.headBucket(r -> r.bucket(logs)))).isTrue();
        assertThat(aws.kms(Emulator.REGION).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
        // The trail is the installation's: what goes is this bucket's ARN (and the trail with its last member).
        assertThat(!exists(() -> ct.getTrail(r -> r.name(trailName))) || ct.getEventSelectors(r -> r.trailName(trailName))
                .advancedEventSelectors().stream().flatMap(sel -> sel.fieldSelectors().stream())
                .noneMatch(f -> f.startsWith().contains("arn:aws:s3:::" + bucket + "/"))).isTrue();
        String roleName = roleArn.substring(roleArn.indexOf("role/") + 5);
        assertThat(exists(() -> aws.iam(Emulator.REGION).getRole(r -> r.roleName(roleName)))).isFalse();
        assertThat(exists(() -> s3.getBucketReplication(r -> r.bucket(bucket)))).isFalse();
        assertThat(Kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=app-logs,reason=Retained",
                "-o", "jsonpath={.items[*].message}").ok().out()).contains("retained by deletionPolicy Retain");
    }

    @Test
    void deletionPolicyDeleteWithEmptyOnDeleteLeavesNothing() {
        String ns = Kubectl.newNamespace("e2e-delete");
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: SecureBucket
                metadata: {name: scratch}
                spec:
                  region: eu-west-3
                  replication: {enabled: true}
                  trail: {enabled: true}
                  deletionPolicy: Delete
                  emptyOnDelete: true
                """).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/scratch", "-n", ns, "--timeout=120s").ok();
        String bucket = jsonpath(ns, "securebucket", "scratch", ".status.outputs.bucketName");
        String backup = jsonpath(ns, "securebucket", "scratch", ".status.outputs.backupBucketName");
        String trailArn = jsonpath(ns, "securebucket", "scratch", ".status.outputs.trailArn");
        String keyArn = jsonpath(ns, "securebucket", "scratch", ".status.outputs.keyArn");
        var s3 = aws.s3(Emulator.REGION);
        // The emulator speaks plain HTTP, which the TLS-only policy denies: lift it to write test data.
        s3.deleteBucketPolicy(r -> r.bucket(bucket));
        s3.putObject(r -> r.bucket(bucket).key("a.txt"), RequestBody.fromString("one"));
        s3.putObject(r -> r.bucket(bucket).key("a.txt"), RequestBody.fromString("two"));

        Kubectl.run("delete", "securebucket/scratch", "-n", ns, "--timeout=120s").ok();
        for (String b : List.of(bucket, backup)) {
            assertThat(exists(() -> s3.headBucket(r -> r.bucket(b)))).as(b).isFalse();
        }
        // The shared trail and its log bucket are the installation's: this bucket is only no longer recorded
        // (they end with the trail's last member; the log bucket stays once a Retain member recorded into it).
        var ct = aws.cloudTrail(Emulator.REGION);
        assertThat(!exists(() -> ct.getTrail(r -> r.name(trailArn))) || ct.getEventSelectors(r -> r.trailName(trailArn))
                .advancedEventSelectors().stream().flatMap(sel -> sel.fieldSelectors().stream())
                .noneMatch(f -> f.startsWith().contains("arn:aws:s3:::" + bucket + "/"))).isTrue();
        assertThat(aws.kms(Emulator.REGION).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState())
                .isEqualTo(KeyState.PENDING_DELETION);
    }

    @Test
    void aReferencedKeyThatDoesNotExistStallsWithAwsReasonAndCreatesNothing() {
        String ns = Kubectl.newNamespace("e2e-stall");
        String bucket = "stalled-" + ns;
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: SecureBucket
                metadata: {name: nokey}
                spec:
                  bucketName: %s
                  region: eu-west-3
                  encryption:
                    mode: ExistingKey
                    keyArn: arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555
                """.formatted(bucket)).ok();
        Kubectl.run("wait", "--for=condition=Stalled", "securebucket/nokey", "-n", ns, "--timeout=60s").ok();
        assertThat(jsonpath(ns, "securebucket", "nokey", ".status.conditions[?(@.type==\"Ready\")].status")).isEqualTo("False");
        assertThat(jsonpath(ns, "securebucket", "nokey", ".status.conditions[?(@.type==\"Stalled\")].reason")).isEqualTo("KmsKeyNotUsable");
        assertThat(jsonpath(ns, "securebucket", "nokey", ".status.conditions[?(@.type==\"Stalled\")].message"))
                .contains("NotFoundException");
        var s3 = aws.s3(Emulator.REGION);
        assertThat(exists(() -> s3.headBucket(r -> r.bucket(bucket)))).isFalse();
        // Nothing was made, so delete is immediate.
        Kubectl.run("delete", "securebucket/nokey", "-n", ns, "--timeout=60s").ok();
    }


    private static String get(URL url) {
        return LocalHttp.get(URI.create(url.toString()));
    }
}
