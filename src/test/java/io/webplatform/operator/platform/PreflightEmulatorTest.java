package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.model.Filter;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spec that cannot converge costs nothing: each case AWS alone can judge stalls, with its reason,
 * before the first mutating call of the walk; and once a platform has converged, judging it again
 * asks AWS nothing (every answer is cached).
 */
class PreflightEmulatorTest extends PlatformFixture {

    @AfterEach
    void idleSeams() {
        ENGINE_VERSIONS.offer(null);
        CRASH.disarm();
    }

    /** An Amazon Linux 2023 image for arm64 among the emulator's own images. */
    static String armImage() {
        return aws.ec2(Emulator.REGION).describeImages(r -> r.owners("amazon").filters(
                        Filter.builder().name("architecture").values("arm64").build(),
                        Filter.builder().name("name").values("al2023-ami-2023.*").build()))
                .images().get(0).imageId();
    }

    static String disabledKey() {
        var kms = aws.kms(Emulator.REGION);
        var key = kms.createKey(r -> r.description("disabled volume key")).keyMetadata();
        kms.disableKey(r -> r.keyId(key.keyId()));
        return key.arn();
    }

    static Stream<Arguments> specsThatCannotConverge() {
        return Stream.of(
                Arguments.of("a missing AMI", (Consumer<WebPlatformSpec>) s -> s.app.amiId = "ami-0123456789abcdef0",
                        "AmiNotFound", "AMI ami-0123456789abcdef0 does not exist in eu-west-3"),
                Arguments.of("an arm64 AMI on an x86_64 type", (Consumer<WebPlatformSpec>) s -> s.app.amiId = armImage(),
                        "AmiArchitectureMismatch", "is built for arm64; instance type t3.micro runs x86_64"),
                Arguments.of("a type the second zone does not offer", (Consumer<WebPlatformSpec>) s -> s.app.instanceType = "c5a.large",
                        "InstanceTypeNotOffered", "instance type c5a.large is not offered in eu-west-3b (offered in eu-west-3a, eu-west-3c)"),
                Arguments.of("a type the region does not know", (Consumer<WebPlatformSpec>) s -> s.app.instanceType = "t9.micro",
                        "InstanceTypeNotOffered", "instance type t9.micro does not exist in eu-west-3"),
                Arguments.of("a missing volume key", (Consumer<WebPlatformSpec>) s -> s.app.volumeKmsKeyId = "alias/no-such-key",
                        "KmsKeyNotUsable", "spec.app.volumeKmsKeyId alias/no-such-key cannot be used: NotFoundException"),
                Arguments.of("a disabled volume key", (Consumer<WebPlatformSpec>) s -> s.app.volumeKmsKeyId = disabledKey(),
                        "KmsKeyNotUsable", "is Disabled, not Enabled"),
                // The schema's most (31): with an app port of 1024 or more the private NACL's 9 fixed rules and AWS's default deny make 41.
                Arguments.of("more allowed CIDRs than a network ACL can hold", (Consumer<WebPlatformSpec>) s -> {
                    s.app.port = 8080;
                    s.loadBalancer.allowedCidrs = new java.util.ArrayList<>();
                    for (int i = 0; i < 31; i++) {
                        s.loadBalancer.allowedCidrs.add("203.0." + i + ".0/24");
                    }
                }, "QuotaExceeded", "the network ACLs would need 41 rules in one direction"),
                Arguments.of("a missing restore snapshot", (Consumer<WebPlatformSpec>) s -> {
                    s.database.restore = new WebPlatformSpec.Restore();
                    s.database.restore.fromSnapshot = "no-such-snapshot";
                }, "RestoreSourceNotFound", "DB snapshot no-such-snapshot does not exist in eu-west-3"),
                Arguments.of("a missing restore instance", (Consumer<WebPlatformSpec>) s -> {
                    s.database.restore = new WebPlatformSpec.Restore();
                    s.database.restore.fromInstance = "no-such-db";
                }, "RestoreSourceNotFound", "DB instance no-such-db does not exist in eu-west-3"),
                Arguments.of("a DB class not orderable", (Consumer<WebPlatformSpec>) s -> {
                    ENGINE_VERSIONS.offer(List.of("16.4", "17.2"), Set.of("db.t4g.micro"));
                    s.database.instanceClass = "db.x2g.nano";
                }, "DbInstanceClassNotOrderable", "db.x2g.nano is not orderable for PostgreSQL in eu-west-3"),
                Arguments.of("an engine version not offered with the class", (Consumer<WebPlatformSpec>) s -> {
                    ENGINE_VERSIONS.offer(List.of("15.8", "16.4", "17.2"));
                    s.database.engineVersion = "11";
                }, "EngineVersionNotOffered", "PostgreSQL 11 is not offered in eu-west-3 with db.t4g.micro (offered: 15, 16, 17)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specsThatCannotConverge")
    void stallsBeforeTheFirstWrite(String title, Consumer<WebPlatformSpec> change, String reason, String message) {
        WebPlatformSpec spec = new WebPlatformSpec();
        change.accept(spec);
        WebPlatform wp = platform(spec);
        RecordedEvents events = new RecordedEvents();
        CRASH.arm(Integer.MAX_VALUE);
        WalkResult result = graph.reconcile(scope(wp), events);
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();

        assertThat(result.stalledReason()).as(title + ": " + result.stalledMessage() + result.failures()).isEqualTo(reason);
        assertThat(result.stalledMessage()).contains(message);
        assertThat(mutations).as(title).isEmpty();
        assertThat(events.warnings).singleElement().asString().startsWith(reason + ": ");
        assertThat(inventory(wp)).as(title).isEmpty();
    }

    /** An operator upgraded without a new read in its IAM policy: a person must act, so Stalled, not retried forever. */
    @Test
    void aReadThePolicyDeniesStallsBeforeTheFirstWrite() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.app.instanceType = "t3.small";
        WebPlatform wp = platform(spec);
        FAIL.fail("DescribeInstanceTypes", "UnauthorizedOperation", 403);
        CRASH.arm(Integer.MAX_VALUE);
        try {
            WalkResult result = graph.reconcile(scope(wp), new RecordedEvents());
            assertThat(result.stalledReason()).as(result.stalledMessage() + result.failures()).isEqualTo("AwsRejected");
            assertThat(result.stalledMessage()).contains("UnauthorizedOperation");
            assertThat(CRASH.mutations()).isEmpty();
        } finally {
            FAIL.clear();
        }
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void aConvergedPlatformIsJudgedAgainWithoutAskingAws() {
        ENGINE_VERSIONS.offer(List.of("16.4", "17.2"));
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.network.natGateways = WebPlatformSpec.NatGateways.Single;
        WebPlatform wp = platform(spec);
        convergedScope(wp);
        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult judged;
        try {
            judged = graph.preflight(scope(wp));
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(judged.stalled()).isFalse();
        assertThat(judged.failures()).isEmpty();
        assertThat(calls).as("preflight of a converged platform").isEmpty();
        assertThat(deleteFully(wp).allGone()).isTrue();
    }
}
