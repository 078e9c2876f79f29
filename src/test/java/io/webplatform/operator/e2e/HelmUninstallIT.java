package io.webplatform.operator.e2e;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.OperatorProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.time.Duration;
import java.util.Map;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.testing.AwsReads.exists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trap of `helm uninstall` while custom resources exist, as the README's "Uninstalling the
 * operator" says it goes: the CRDs live in the chart's crds/ directory, which Helm never deletes, so
 * the resources survive the uninstall; one deleted while no operator runs waits, with its finalizer,
 * and nothing is called in AWS; after `helm install` again, the deletion finishes and nothing is left.
 * The packaged operator runs as the chart's ServiceAccount (no kubelet here). Runs after `package` (failsafe).
 */
class HelmUninstallIT {
    private static AwsClients aws;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    @Test
    void aDeletionMadeWhileTheOperatorIsUninstalledWaitsThenFinishesAfterHelmInstallAgain() throws Exception {
        String opNs = Kubectl.newNamespace("op-reinstall");
        String serviceAccount = opNs + "-webplatform-operator";
        String ns = Kubectl.newNamespace("e2e-reinstall");
        OperatorProcess.installChart(opNs, opNs);
        try {
            String bucket;
            String keyArn;
            try (OperatorProcess first = OperatorProcess.start("before-uninstall", OperatorProcess.kubeconfigFor(serviceAccount, opNs),
                    opNs, serviceAccount, 18291, Map.of())) {
                Kubectl.apply(ns, """
                        apiVersion: webplatform.io/v1alpha1
                        kind: SecureBucket
                        metadata: {name: kept}
                        spec: {region: eu-west-3, deletionPolicy: Delete, emptyOnDelete: true}
                        """).ok();
                Kubectl.run("wait", "--for=condition=Ready", "securebucket/kept", "-n", ns, "--timeout=120s").ok();
                bucket = jsonpath(ns, "securebucket", "kept", ".status.outputs.bucketName");
                keyArn = jsonpath(ns, "securebucket", "kept", ".status.outputs.keyArn");

                // helm uninstall stops the operator's pod; here, its process.
                OperatorProcess.uninstallChart(opNs, opNs);
                assertThat(first.terminate(Duration.ofSeconds(20))).as("the operator stops on SIGTERM").isTrue();
            }
            assertThat(Kubectl.run("get", "serviceaccount", serviceAccount, "-n", opNs).exit()).as("the release is gone").isNotZero();
            assertThat(Kubectl.run("get", "crd", "securebuckets.webplatform.io").exit()).as("Helm never deletes crds/").isZero();

            // Deleted while no operator runs: it waits, Deleting, with its finalizer; AWS is untouched.
            Kubectl.run("delete", "securebucket/kept", "-n", ns, "--wait=false").ok();
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(jsonpath(ns, "securebucket", "kept", ".metadata.deletionTimestamp")).isNotBlank();
                assertThat(jsonpath(ns, "securebucket", "kept", ".metadata.finalizers")).contains("webplatform.io");
            });
            assertThat(exists(() -> aws.s3(Emulator.REGION).headBucket(r -> r.bucket(bucket)))).isTrue();
            assertThat(aws.kms(Emulator.REGION).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);

            // helm install again: the pending deletion finishes, and nothing is left in AWS.
            OperatorProcess.installChart(opNs, opNs);
            try (OperatorProcess second = OperatorProcess.start("after-install", OperatorProcess.kubeconfigFor(serviceAccount, opNs),
                    opNs, serviceAccount, 18292, Map.of())) {
                long started = System.nanoTime();
                Kubectl.run("wait", "--for=delete", "securebucket/kept", "-n", ns, "--timeout=120s").ok();
                System.out.printf("[measure] deletion left pending over helm uninstall: finished %.1f s after the operator came back%n",
                        (System.nanoTime() - started) / 1e9);
                assertThat(second.log()).contains("SecureBucket " + ns + "/kept: deleted").doesNotContainIgnoringCase("forbidden");
            }
            assertThat(exists(() -> aws.s3(Emulator.REGION).headBucket(r -> r.bucket(bucket)))).isFalse();
            assertThat(aws.kms(Emulator.REGION).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
        } finally {
            OperatorProcess.uninstallChart(opNs, opNs);
        }
    }
}
