package io.webplatform.operator.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.api.ReconciledBy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.engine.StatusUpdates;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.MutationsByNamespace;
import io.webplatform.operator.testing.TestBed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Which release reconciles an object, on the real API server: the record is taken only at the
 * resourceVersion a release read (so of two releases that see a new object at once, one records
 * itself), an object another release holds is left alone without one AWS call, and clearing the record
 * (the chart README's hand-over) gives it back.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class ReconciledByEndToEndTest extends RunningOperatorTest {
    private static final String BUCKET = "apiVersion: webplatform.io/v1alpha1\nkind: SecureBucket\nmetadata: {name: held}\n"
            + "spec: {region: eu-west-3, deletionPolicy: Delete, emptyOnDelete: true, replication: {enabled: false},"
            + " trail: {enabled: false}, tags: {team: %s}}\n";

    @Inject
    KubernetesClient kubernetes;
    @Inject
    MutationsByNamespace mutations;

    @Test
    void oneReleaseRecordsItselfAndAnotherLeavesTheObjectUntilTheRecordIsCleared() {
        String ns = Kubectl.newNamespace("e2e-release");
        Kubectl.apply(ns, BUCKET.formatted("one")).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/held", "-n", ns, "--timeout=120s").ok();
        String ours = jsonpath(ns, "securebucket", "held", ".status.reconciledBy.release");
        assertThat(ours).endsWith("/webplatform-operator");

        // Two releases race: the second's record is refused once the first's write changed the object.
        SecureBucket read = kubernetes.resources(SecureBucket.class).inNamespace(ns).withName("held").get();
        SecureBucket stale = kubernetes.resources(SecureBucket.class).inNamespace(ns).withName("held").get();
        StatusUpdates.mergeIntoStatus(kubernetes, read, Map.of("reconciledBy", new ReconciledBy("other/first", "", List.of())));
        assertThatThrownBy(() -> StatusUpdates.mergeIntoStatusIfUnchanged(kubernetes, stale,
                Map.of("reconciledBy", new ReconciledBy("other/second", "", List.of()))))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(jsonpath(ns, "securebucket", "held", ".status.reconciledBy.release")).isEqualTo("other/first");

        // "other/first" selects everything: this release leaves the object, even when its spec changes.
        int writesBefore = mutations.of(ns).size();
        Kubectl.apply(ns, BUCKET.formatted("two")).ok();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Kubectl.run("get", "events", "-n", ns,
                "--field-selector", "involvedObject.name=held,reason=ReconciledByAnotherRelease", "-o", "jsonpath={.items[*].message}")
                .ok().out()).contains("other/first").contains(ours));
        assertThat(mutations.of(ns)).as("no AWS write for an object another release holds").hasSize(writesBefore);
        assertThat(jsonpath(ns, "securebucket", "held", ".status.reconciledBy.release")).isEqualTo("other/first");

        // The hand-over, as the chart's README gives it: clear the record; this release takes the object and applies the change.
        Kubectl.run("patch", "securebucket", "held", "-n", ns, "--subresource=status", "--type=merge",
                "-p", "{\"status\":{\"reconciledBy\":null}}").ok();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(jsonpath(ns, "securebucket", "held", ".status.reconciledBy.release")).isEqualTo(ours));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(mutations.of(ns).size()).isGreaterThan(writesBefore));
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/held", "-n", ns, "--timeout=120s").ok();
        Kubectl.run("delete", "securebucket", "held", "-n", ns, "--timeout=120s").ok();
    }
}
