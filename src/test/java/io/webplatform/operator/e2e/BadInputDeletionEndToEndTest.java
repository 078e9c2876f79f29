package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.testing.Ec2Inventory;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.EngineVersions;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.MutationsByNamespace;
import io.webplatform.operator.testing.TestBed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.model.Filter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bounded: every bad input the suite has, deleted. Each manifest the API server accepts (so an object
 * exists) is applied alone in its namespace, reaches its condition (Stalled with its reason, for all but
 * the GovCloud SecureBucket, which converges), is deleted with kubectl, and is gone within 2 minutes. A spec
 * that cannot converge made not one mutating AWS call in its whole life, deletion included, so nothing
 * of it can be left; a GovCloud one leaves exactly what its deletion policy keeps. The manifests the
 * API server refuses have no object to delete: listed here as such, each checked to be absent.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class BadInputDeletionEndToEndTest extends RunningOperatorTest {
    private static final Duration DELETED_WITHIN = Duration.ofMinutes(2);
    private static final String REGION = Emulator.REGION;
    private static final String WP = "WebPlatform";
    private static final String SB = "SecureBucket";
    private static final String TLS = "\n  loadBalancer: {ports: [80, 443], certificateArn: \"%s\"}";
    private static final String PLAIN_BUCKET = "  region: eu-west-3\n  deletionPolicy: Delete\n  replication: {enabled: false}\n  trail: {enabled: false}";

    @Inject
    MutationsByNamespace mutations;
    @Inject
    EngineVersions engineVersions;
    @Inject
    FailCalls failCalls;

    /** An object the case needs beside it, in its namespace (a SecureBucket it refers to), and the condition it reaches first. */
    record Beside(String kind, String name, String spec, String condition) {
    }

    /**
     * One bad input: its manifest (${...} stands for what the test makes in AWS first), the condition
     * it reaches with its reason and message, and the kinds of what its deletion keeps (none for most).
     */
    record Case(String title, String kind, String name, String spec, List<Beside> beside, String condition, String reason,
                String message, List<String> kept) {
        boolean converges() {
            return condition.equals("Ready");
        }
    }

    private static Case stalls(String title, String kind, String spec, String reason, String message, Beside... beside) {
        return new Case(title, kind, BadInputs.name(title), spec, List.of(beside), "Stalled", reason, message, List.of());
    }

    /** Every bad input the suite has that the API server accepts, by the test that has it. */
    static final List<Case> ACCEPTED = List.of(
            // TlsListenerEmulatorTest#anUnusableCertificateOrPolicyStallsBeforeAnyChange. First: the emulator issues a requested
            // certificate 60 s after the request, so this one is applied, stalled and deleted before the others are applied.
            stalls("WebPlatform with a certificate not issued yet", WP, "  region: eu-west-3" + TLS.formatted("${PENDING_CERTIFICATE}"),
                    "CertificateNotIssued", "PENDING_VALIDATION"),
            // WebPlatformEndToEndTest#aRegionThatDoesNotExistCostsNoCallAndItsDeletionEndsAtOnce
            stalls("SecureBucket in a region that does not exist", SB, "  region: eu-west-33\n  trail: {enabled: true}",
                    "InvalidSpec", "region eu-west-33 is not an AWS region this operator knows"),
            stalls("WebPlatform in a region that does not exist", WP, "  region: eu-west-33",
                    "InvalidSpec", "region eu-west-33 is not an AWS region this operator knows"),
            // SecureBucketEndToEndTest#aReferencedKeyThatDoesNotExistStallsWithAwsReasonAndCreatesNothing
            stalls("SecureBucket with a key that does not exist", SB, "  region: eu-west-3\n  encryption: {mode: ExistingKey, keyArn: "
                    + "arn:aws:kms:eu-west-3:123456789012:key/11111111-2222-3333-4444-555555555555}", "KmsKeyNotUsable", "NotFoundException"),
            // SecureBucketEmulatorTest#aBucketOfAnotherResourceIsNeverTakenOver
            stalls("SecureBucket naming another SecureBucket's bucket", SB, "  region: eu-west-3\n  bucketName: ${OWNED_BUCKET}",
                    "BucketOwnedElsewhere", "${OWNED_BUCKET}", new Beside(SB, "owner", PLAIN_BUCKET + "\n  bucketName: ${OWNED_BUCKET}", "Ready")),
            // SecureBucketEmulatorTest#aBucketNameOfAnotherAccountStallsBeforeAnythingIsCreated
            stalls("SecureBucket naming another account's bucket", SB, "  region: eu-west-3\n  bucketName: ${TAKEN_BUCKET}",
                    "BucketNameTaken", "bucket ${TAKEN_BUCKET} exists and belongs to another AWS account"),
            // BadInputTest#govCloudIsAccepted. The bucket converges (replication and trail are off unless asked for) and
            // deletionPolicy Retain keeps the bucket and its key. The emulator offers no t3.micro in us-gov-east-1, so there
            // the WebPlatform stalls before any write.
            new Case("SecureBucket in GovCloud", SB, "gov", "  region: us-gov-west-1", List.of(), "Ready", "", "", List.of("bucket", "key")),
            stalls("WebPlatform in GovCloud", WP, "  region: us-gov-east-1\n  network: {availabilityZones: [us-gov-east-1a, us-gov-east-1b]}"
                    + "\n  monitoring: {subscriptions: [{protocol: sqs, endpoint: \"arn:aws-us-gov:sqs:us-gov-east-1:123456789012:q\"}]}",
                    "InstanceTypeNotOffered", "t3.micro is not offered in us-gov-east-1a and us-gov-east-1b"),
            // WebPlatformEndToEndTest#whatOnlyTheOperatorCanJudgeStallsBeforeAnythingIsCreated
            stalls("WebPlatform in a zone that does not exist", WP, "  region: eu-west-3\n  network: {availabilityZones: [eu-west-3a, eu-west-3x]}",
                    "InvalidSpec", "availability zone eu-west-3x does not exist"),
            stalls("WebPlatform logging to a SecureBucket that does not exist", WP, "  region: eu-west-3\n  network: {flowLogs: {bucketRef: missing}}",
                    "FlowLogBucketNotFound", "missing"),
            stalls("WebPlatform logging to a SecureBucket closed to log delivery", WP, "  region: eu-west-3\n  network: {flowLogs: {bucketRef: closed}}",
                    "FlowLogBucketInvalid", "set its spec.allowLogDelivery: true", new Beside(SB, "closed", PLAIN_BUCKET, "Ready")),
            stalls("WebPlatform whose own flow-log bucket name is taken", WP, "  region: eu-west-3",
                    "FlowLogBucketInvalid", "exists but was not made by this WebPlatform",
                    new Beside(SB, BadInputs.name("WebPlatform whose own flow-log bucket name is taken") + "-flowlogs",
                            PLAIN_BUCKET + "\n  allowLogDelivery: true", "Ready")),
            stalls("WebPlatform with an AMI that does not exist", WP, "  region: eu-west-3\n  app: {amiId: ami-0123456789abcdef0}",
                    "AmiNotFound", "AMI ami-0123456789abcdef0 does not exist in eu-west-3"),
            // PreflightEmulatorTest#stallsBeforeTheFirstWrite; WebPlatformEndToEndTest#aSpecThatCannotConvergeCostsNothingNotEvenItsFlowLogBucket
            stalls("WebPlatform with an arm64 AMI on an x86_64 type", WP, "  region: eu-west-3\n  app: {amiId: ${ARM_IMAGE}}",
                    "AmiArchitectureMismatch", "instance type t3.micro runs x86_64"),
            stalls("WebPlatform with a type the second zone lacks", WP, "  region: eu-west-3\n  app: {instanceType: c5a.large}",
                    "InstanceTypeNotOffered", "c5a.large is not offered in eu-west-3b"),
            stalls("WebPlatform with a type the region does not know", WP, "  region: eu-west-3\n  app: {instanceType: t9.micro}",
                    "InstanceTypeNotOffered", "instance type t9.micro does not exist in eu-west-3"),
            stalls("WebPlatform with a volume key that does not exist", WP, "  region: eu-west-3\n  app: {volumeKmsKeyId: alias/no-such-key}",
                    "KmsKeyNotUsable", "alias/no-such-key cannot be used"),
            stalls("WebPlatform with a disabled volume key", WP, "  region: eu-west-3\n  app: {volumeKmsKeyId: \"${DISABLED_KEY}\"}",
                    "KmsKeyNotUsable", "is Disabled, not Enabled"),
            stalls("WebPlatform restoring a snapshot that does not exist", WP, "  region: eu-west-3\n  database: {restore: {fromSnapshot: no-such-snapshot}}",
                    "RestoreSourceNotFound", "DB snapshot no-such-snapshot does not exist"),
            stalls("WebPlatform restoring an instance that does not exist", WP, "  region: eu-west-3\n  database: {restore: {fromInstance: no-such-db}}",
                    "RestoreSourceNotFound", "DB instance no-such-db does not exist"),
            stalls("WebPlatform with a DB class not orderable", WP, "  region: eu-west-3\n  database: {instanceClass: db.x2g.nano}",
                    "DbInstanceClassNotOrderable", "db.x2g.nano is not orderable for PostgreSQL"),
            stalls("WebPlatform with an engine version not offered", WP, "  region: eu-west-3\n  database: {engineVersion: \"11\"}",
                    "EngineVersionNotOffered", "PostgreSQL 11 is not offered in eu-west-3 with db.t4g.micro"),
            stalls("WebPlatform whose public subnets overlap the private ones it would carve", WP,
                    "  region: eu-west-3\n  network: {publicSubnetCidrs: [10.0.2.0/24, 10.0.5.0/24]}",
                    "InvalidSpec", "public subnet 10.0.2.0/24 overlaps private subnet 10.0.2.0/24"),
            // TlsListenerEmulatorTest#anUnusableCertificateOrPolicyStallsBeforeAnyChange; BadInputTest#port443WithACertificate...
            stalls("WebPlatform with a certificate that does not exist", WP, "  region: eu-west-3"
                    + TLS.formatted("arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001"),
                    "CertificateNotFound", "0a1b2c3d-0000-4000-8000-000000000001"),
            stalls("WebPlatform without a region, with a certificate of another region", WP,
                    TLS.formatted("arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000002").substring(1),
                    "CertificateInOtherRegion", "not in " + REGION),
            stalls("WebPlatform with a certificate of another account", WP, "  region: eu-west-3"
                    + TLS.formatted("arn:aws:acm:eu-west-3:210987654321:certificate/0a1b2c3d-0000-4000-8000-000000000003"),
                    "CertificateInOtherAccount", "210987654321"),
            stalls("WebPlatform with a TLS policy that does not exist", WP, "  region: eu-west-3\n  loadBalancer: {ports: [80, 443], "
                    + "certificateArn: \"${ISSUED_CERTIFICATE}\", sslPolicy: ELBSecurityPolicy-TLS13-1-2-Typo-2021-06}",
                    "SslPolicyNotFound", "ELBSecurityPolicy-TLS13-1-2-Typo-2021-06"));

    /** Set by the first case: namespace by title, what ${...} stands for, the seams to idle afterwards. */
    private static final Map<String, String> NAMESPACES = new LinkedHashMap<>();
    private static final Map<String, String> MADE_FIRST = new LinkedHashMap<>();
    private static EngineVersions offered;
    private static FailCalls.Failure otherAccountsBucket;

    static Stream<String> acceptedBadInputs() {
        return ACCEPTED.stream().map(Case::title);
    }

    private static String resolved(String text) {
        String out = text;
        for (var e : MADE_FIRST.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    /**
     * Once: what the cases refer to in AWS, then every case applied at once, each alone in its
     * namespace (after what it needs beside it), so they converge or stall side by side.
     */
    private void applyAllOnce() {
        if (!NAMESPACES.isEmpty()) {
            return;
        }
        MADE_FIRST.put("ARM_IMAGE", aws.ec2(REGION).describeImages(r -> r.owners("amazon").filters(
                Filter.builder().name("architecture").values("arm64").build(),
                Filter.builder().name("name").values("al2023-ami-2023.*").build())).images().get(0).imageId());
        var kms = aws.kms(REGION);
        var disabledKey = kms.createKey(r -> r.description("disabled volume key")).keyMetadata();
        kms.disableKey(r -> r.keyId(disabledKey.keyId()));
        MADE_FIRST.put("DISABLED_KEY", disabledKey.arn());
        // The emulator issues a certificate of a private CA at once.
        MADE_FIRST.put("ISSUED_CERTIFICATE", aws.acm(REGION).requestCertificate(r -> r.domainName("policy.example.com")
                .certificateAuthorityArn("arn:aws:acm-pca:" + REGION + ":123456789012:certificate-authority/" + UUID.randomUUID())).certificateArn());
        MADE_FIRST.put("OWNED_BUCKET", "owned-" + Long.toString(System.nanoTime(), 36));
        String taken = "taken-" + Long.toString(System.nanoTime(), 36);
        MADE_FIRST.put("TAKEN_BUCKET", taken);
        // A bucket of another account: S3 refuses anyone else, whatever the call (S3 API reference, HeadBucket: without
        // permission to the bucket "the HEAD request returns a generic 400 Bad Request, 403 Forbidden or 404 Not Found";
        // the other calls answer AccessDenied). The emulator has one account, so the seam plays it.
        otherAccountsBucket = failCalls.answer(FailCalls.EVERY_OPERATION, "AccessDenied", 403, "Access Denied")
                .when(r -> r.getValueForField("Bucket", String.class).filter(taken::equals).isPresent());
        // DescribeOrderableDBInstanceOptions as AWS answers it (the emulator's list is empty for PostgreSQL).
        offered = engineVersions;
        offered.offer(List.of("15.8", "16.4", "17.2"), Set.of("db.t4g.micro"));

        for (Case c : ACCEPTED) {
            String ns = Kubectl.newNamespace("e2e-baddel");
            NAMESPACES.put(c.title(), ns);
            for (Beside b : c.beside()) {
                Kubectl.apply(ns, BadInputs.manifest(b.kind(), b.name(), resolved(b.spec()))).ok();
            }
        }
        for (Case c : ACCEPTED) {
            for (Beside b : c.beside()) {
                Kubectl.run("wait", "--for=condition=" + b.condition(), b.kind().toLowerCase() + "/" + b.name(), "-n", NAMESPACES.get(c.title()),
                        "--timeout=120s").ok();
            }
        }
        Case first = ACCEPTED.get(0);
        MADE_FIRST.put("PENDING_CERTIFICATE", aws.acm(REGION).requestCertificate(r -> r.domainName("pending.example.com")).certificateArn());
        Kubectl.apply(NAMESPACES.get(first.title()), BadInputs.manifest(first.kind(), first.name(), resolved(first.spec()))).ok();
        Kubectl.run("wait", "--for=condition=Stalled", first.kind().toLowerCase() + "/" + first.name(), "-n", NAMESPACES.get(first.title()),
                "--timeout=30s").ok();
        for (Case c : ACCEPTED.subList(1, ACCEPTED.size())) {
            Kubectl.apply(NAMESPACES.get(c.title()), BadInputs.manifest(c.kind(), c.name(), resolved(c.spec()))).ok();
        }
    }

    @AfterAll
    static void idleSeams() {
        if (offered != null) {
            offered.offer(null);
        }
        if (otherAccountsBucket != null) {
            otherAccountsBucket.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedBadInputs")
    void anAcceptedBadInputIsDeletedWithinTwoMinutesLeavingOnlyWhatItsPolicyKeeps(String title) {
        applyAllOnce();
        Case c = ACCEPTED.stream().filter(x -> x.title().equals(title)).findFirst().orElseThrow();
        String ns = NAMESPACES.get(title);
        String kind = c.kind().toLowerCase();
        String object = kind + "/" + c.name();
        Kubectl.run("wait", "--for=condition=" + c.condition(), object, "-n", ns, c.converges() ? "--timeout=240s" : "--timeout=90s").ok();
        if (!c.converges()) {
            assertThat(jsonpath(ns, kind, c.name(), ".status.conditions[?(@.type==\"Stalled\")].reason")).isEqualTo(c.reason());
            assertThat(jsonpath(ns, kind, c.name(), ".status.conditions[?(@.type==\"Stalled\")].message")).contains(resolved(c.message()));
        }
        String ownerKey = jsonpath(ns, kind, c.name(), ".status.ownerKey");
        Leftovers made = Leftovers.of(ns, c.kind(), c.name());
        Map<Beside, List<String>> besideMade = new LinkedHashMap<>();
        c.beside().forEach(b -> besideMade.put(b, Leftovers.of(ns, b.kind(), b.name()).left(aws)));

        long started = System.nanoTime();
        Kubectl.run("delete", object, "-n", ns, "--wait=false").ok();
        await().atMost(DELETED_WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> Kubectl.run("get", object, "-n", ns).exit() != 0);
        double seconds = (System.nanoTime() - started) / 1e9;

        List<String> writes = mutations.of(ns, c.kind(), c.name());
        List<String> left = List.of();
        if (c.converges()) {
            left = made.left(aws);
            assertThat(left).as("left in AWS: what the deletion policy keeps").extracting(s -> s.substring(0, s.indexOf(' ')))
                    .containsExactlyInAnyOrderElementsOf(c.kept());
        } else {
            // Not one write, so nothing of its own can exist (its status may name what another owns: the bucket it asked for).
            assertThat(writes).as("mutating AWS calls in its whole life, deletion included").isEmpty();
            if (c.kind().equals(WP) && !ownerKey.isBlank() && !c.spec().contains("eu-west-33")) {
                assertThat(Ec2Inventory.of(aws.ec2(REGION), ownerKey)).isEmpty();
            }
        }
        // What another object made, beside it, is untouched by its deletion.
        besideMade.forEach((b, before) -> assertThat(Leftovers.of(ns, b.kind(), b.name()).left(aws)).as(b.name()).isEqualTo(before).isNotEmpty());
        System.out.printf("[measure] %s: %s, deleted in %.1f s; %d mutating AWS calls in its life; kept %s%n",
                title, c.converges() ? "Ready" : c.reason(), seconds, writes.size(), left);

        for (Beside b : c.beside()) {
            Kubectl.run("delete", b.kind().toLowerCase() + "/" + b.name(), "-n", ns, "--timeout=120s").ok();
        }
    }

    static Stream<Arguments> refusedAtAdmission() {
        return Stream.concat(BadInputs.secureBucketsRefusedAtAdmission().map(a -> Arguments.of(SB, a.get()[0], a.get()[1])),
                BadInputs.webPlatformsRefusedAtAdmission().map(a -> Arguments.of(WP, a.get()[0], a.get()[1])));
    }

    private static String refusedNamespace;

    @ParameterizedTest(name = "{0} {1}: refused at admission, no object to delete")
    @MethodSource("refusedAtAdmission")
    void aBadInputRefusedAtAdmissionLeavesNoObjectToDelete(String kind, String title, String spec) {
        if (refusedNamespace == null) {
            refusedNamespace = Kubectl.newNamespace("e2e-refused");
        }
        String name = BadInputs.name(title);
        assertThat(Kubectl.apply(refusedNamespace, BadInputs.manifest(kind, name, spec)).exit()).as(title).isNotZero();
        assertThat(Kubectl.run("get", kind.toLowerCase(), name, "-n", refusedNamespace).exit()).as("no object for " + title).isNotZero();
    }
}
