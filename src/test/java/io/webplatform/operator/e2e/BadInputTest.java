package io.webplatform.operator.e2e;

import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid manifests are refused by the real API server with a message a person can act on; the
 * operator never sees them. Needs only the API server with the CRDs installed.
 */
class BadInputTest {
    private static String ns;

    @BeforeAll
    static void namespace() {
        Emulator.endpoint();
        Kubectl.run("apply", "--server-side", "--force-conflicts", "-f", "crds/").ok();
        Kubectl.run("wait", "--for=condition=Established", "crd/securebuckets.webplatform.io",
                "crd/webplatforms.webplatform.io", "--timeout=60s").ok();
        ns = Kubectl.newNamespace("e2e-bad");
    }

    static String bucket(String name, String specBody) {
        return BadInputs.manifest("SecureBucket", name, specBody);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.webplatform.operator.e2e.BadInputs#secureBucketsRefusedAtAdmission")
    void secureBucketRejected(String title, String body, String expected) {
        String name = BadInputs.name(title);
        Kubectl.Result r = Kubectl.apply(ns, bucket(name, body));
        assertThat(r.exit()).as(title + ": " + r.out()).isNotZero();
        assertThat(r.err()).as(title).contains(expected);
        assertThat(Kubectl.run("get", "securebucket", name, "-n", ns).exit()).as("nothing stored for " + title).isNotZero();
    }

    @Test
    void govCloudIsAccepted() {
        Kubectl.apply(ns, bucket("gov", "  region: us-gov-west-1\n")).ok();
        Kubectl.apply(ns, "apiVersion: webplatform.io/v1alpha1\nkind: WebPlatform\nmetadata: {name: gov}\nspec:\n  region: us-gov-east-1\n"
                + "  network: {availabilityZones: [us-gov-east-1a, us-gov-east-1b]}\n"
                + "  monitoring: {subscriptions: [{protocol: sqs, endpoint: \"arn:aws-us-gov:sqs:us-gov-east-1:123456789012:q\"}]}\n").ok();
        Kubectl.run("delete", "securebucket", "gov", "-n", ns, "--wait=false").ok();
        Kubectl.run("delete", "webplatform", "gov", "-n", ns, "--wait=false").ok();
    }

    @Test
    void immutableFieldsCannotChange() {
        Kubectl.apply(ns, bucket("fixed", "  bucketName: fixed-name-" + ns + "\n  region: eu-west-3\n")).ok();
        Kubectl.Result renamed = Kubectl.apply(ns, bucket("fixed", "  bucketName: other-name-" + ns + "\n  region: eu-west-3\n"));
        assertThat(renamed.exit()).isNotZero();
        assertThat(renamed.err()).contains("bucketName is immutable");
        Kubectl.Result moved = Kubectl.apply(ns, bucket("fixed", "  bucketName: fixed-name-" + ns + "\n  region: eu-west-1\n"));
        assertThat(moved.exit()).isNotZero();
        assertThat(moved.err()).contains("region is immutable");
        Kubectl.Result rekeyed = Kubectl.apply(ns, bucket("fixed", "  bucketName: fixed-name-" + ns
                + "\n  region: eu-west-3\n  encryption: {mode: ExistingKey, keyArn: \"arn:aws:kms:eu-west-3:123456789012:key/abc\"}\n"));
        assertThat(rekeyed.exit()).isNotZero();
        assertThat(rekeyed.err()).contains("encryption.mode is immutable");
        Kubectl.run("delete", "securebucket", "fixed", "-n", ns, "--wait=false").ok();

        Kubectl.apply(ns, bucket("dr", "  region: eu-west-3\n  replication: {region: eu-central-1}\n")).ok();
        for (String replication : List.of("{region: eu-north-1}", "{enabled: true}")) {
            Kubectl.Result backupMoved = Kubectl.apply(ns, bucket("dr", "  region: eu-west-3\n  replication: " + replication + "\n"));
            assertThat(backupMoved.exit()).as(replication).isNotZero();
            assertThat(backupMoved.err()).contains("replication.region is immutable");
        }
        Kubectl.run("delete", "securebucket", "dr", "-n", ns, "--wait=false").ok();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.webplatform.operator.e2e.BadInputs#webPlatformsRefusedAtAdmission")
    void webPlatformRejected(String title, String body, String expected) {
        String name = BadInputs.name(title);
        Kubectl.Result r = Kubectl.apply(ns, BadInputs.manifest("WebPlatform", name, body));
        assertThat(r.exit()).as(title + ": " + r.out()).isNotZero();
        assertThat(r.err()).as(title).contains(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the console default master user  | '  database: {masterUsername: postgres}'
            an unreserved key word as user    | '  database: {masterUsername: admin}'
            no backups, accepted              | '  database: {backupRetentionDays: 0, acceptNoPointInTimeRecovery: true}'
            subnets next to each other        | '  network: {publicSubnetCidrs: [10.0.0.0/25, 10.0.0.128/25], privateSubnetCidrs: [10.0.1.0/24, 10.0.2.0/24]}'
            a restricted secret, roles with paths | '  database: {secretAccess: {restricted: true, principals: ["arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-3/AWSReservedSSO_Admin_0123456789abcdef", "arn:aws:iam::123456789012:user/audit/prowler"]}}'
            """)
    void webPlatformAccepted(String title, String body) {
        Kubectl.Result r = Kubectl.runWithInput("apiVersion: webplatform.io/v1alpha1\nkind: WebPlatform\nmetadata: {name: fine}\nspec:\n"
                + body + "\n", "apply", "--dry-run=server", "-n", ns, "-f", "-");
        assertThat(r.exit()).as(title + ": " + r.err()).isZero();
    }

    @Test
    void port443WithACertificateIsAcceptedWithAModernPolicyByDefault() {
        String certificate = "arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000001";
        Kubectl.apply(ns, "apiVersion: webplatform.io/v1alpha1\nkind: WebPlatform\nmetadata: {name: tls}\nspec:\n  region: eu-west-3\n"
                + "  loadBalancer: {ports: [80, 443], certificateArn: \"" + certificate + "\"}\n").ok();
        assertThat(Kubectl.run("get", "webplatform", "tls", "-n", ns, "-o", "jsonpath={.spec.loadBalancer.sslPolicy}").out().trim())
                .isEqualTo("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
        Kubectl.apply(ns, "apiVersion: webplatform.io/v1alpha1\nkind: WebPlatform\nmetadata: {name: tls13}\nspec:\n"
                + "  loadBalancer: {ports: [443], certificateArn: \"" + certificate + "\", sslPolicy: ELBSecurityPolicy-TLS13-1-3-2021-06}\n").ok();
        Kubectl.run("delete", "webplatform", "tls", "tls13", "-n", ns, "--wait=false").ok();
    }

    @Test
    void aRestoreCannotBeRemovedOnceSet() {
        String wp = "apiVersion: webplatform.io/v1alpha1\nkind: WebPlatform\nmetadata: {name: restored}\nspec:\n  database: %s\n";
        Kubectl.apply(ns, wp.formatted("{restore: {fromSnapshot: snap-1}}")).ok();
        Kubectl.apply(ns, wp.formatted("{restore: {fromSnapshot: snap-2}}")).ok();
        Kubectl.Result removed = Kubectl.apply(ns, wp.formatted("{instanceClass: db.t4g.small}"));
        assertThat(removed.exit()).isNotZero();
        assertThat(removed.err()).contains("database.restore cannot be removed once set");
        Kubectl.Result dropped = Kubectl.apply(ns, "apiVersion: webplatform.io/v1alpha1\nkind: WebPlatform\nmetadata: {name: restored}\nspec: {}\n");
        assertThat(dropped.exit()).isNotZero();
        assertThat(dropped.err()).contains("database.restore cannot be removed once set");
        Kubectl.run("delete", "webplatform", "restored", "-n", ns, "--wait=false").ok();
    }

    @Test
    void vpcCidrIsImmutable() {
        String wp = "apiVersion: webplatform.io/v1alpha1\nkind: WebPlatform\nmetadata: {name: cidr}\nspec:\n  network: {vpcCidr: %s}\n";
        Kubectl.apply(ns, wp.formatted("10.0.0.0/16")).ok();
        Kubectl.Result changed = Kubectl.apply(ns, wp.formatted("10.1.0.0/16"));
        assertThat(changed.exit()).isNotZero();
        assertThat(changed.err()).contains("vpcCidr is immutable");
        Kubectl.run("delete", "webplatform", "cidr", "-n", ns, "--wait=false").ok();
    }
}
