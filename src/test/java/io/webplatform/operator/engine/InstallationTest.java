package io.webplatform.operator.engine;

import io.webplatform.operator.api.ComponentStatus;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketStatus;
import io.webplatform.operator.aws.Identity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which key an object's stack carries, and whether it may adopt: the same in every cluster the installation is rebuilt into. */
class InstallationTest {

    private static Installation installation(String name, boolean adoptionAllowed) {
        Installation installation = new Installation();
        installation.name = name;
        installation.adoptionAllowed = adoptionAllowed;
        installation.clusterIdOverride = Optional.of("cluster-b");
        return installation;
    }

    private static SecureBucket bucket(String uid, Map<String, String> annotations) {
        SecureBucket bucket = new SecureBucket();
        bucket.getMetadata().setNamespace("demo");
        bucket.getMetadata().setName("app-logs");
        bucket.getMetadata().setUid(uid);
        bucket.getMetadata().setAnnotations(annotations);
        return bucket;
    }

    @Test
    void aNewObjectGetsTheInstallationsKeyWhateverItsUid() {
        Identity first = installation("prod", false).identityOf(bucket("uid-1", null), null);
        Identity rebuilt = installation("prod", false).identityOf(bucket("uid-2", null), null);
        assertThat(first.key()).isEqualTo(rebuilt.key()).isEqualTo(Identity.keyOf("prod", "SecureBucket", "demo", "app-logs"));
        assertThat(first.claim()).isEqualTo("cluster-b/uid-1");
        assertThat(rebuilt.claim()).isEqualTo("cluster-b/uid-2");
        assertThat(first.heldBefore()).isFalse();
        // Another installation name, another stack.
        assertThat(installation("staging", false).identityOf(bucket("uid-1", null), null).key()).isNotEqualTo(first.key());
        assertThat(Identity.keyOf("prod", "WebPlatform", "demo", "app-logs")).isNotEqualTo(first.key());
    }

    @Test
    void anObjectReconciledBeforeInstallationsHadNamesKeepsItsUidWhateverItsStatusShows() {
        // Its last pass stopped before anything was listed (a preflight stall): it may still have made a stack.
        Identity identity = installation("prod", true).identityOf(bucket("uid-1", null), new SecureBucketStatus());
        assertThat(identity.key()).isEqualTo("uid-1");
        assertThat(identity.claim()).isNull();
    }

    @Test
    void anObjectThatMadeItsStackWithItsUidKeepsIt() {
        SecureBucketStatus status = new SecureBucketStatus();
        ComponentStatus made = new ComponentStatus();
        made.setName("Bucket");
        made.setId("arn:aws:s3:::demo-app-logs-1a2b3c");
        status.setComponents(List.of(made));
        Identity identity = installation("prod", true).identityOf(bucket("uid-1", Map.of(Installation.ADOPT_ANNOTATION, "true")), status);
        assertThat(identity.key()).isEqualTo("uid-1");
        assertThat(identity.claim()).isNull();
        assertThat(identity.mayAdopt()).isFalse();
    }

    @Test
    void theKeyRecordedInStatusWinsAndARecordedClaimMeansTheStackWasHeld() {
        SecureBucketStatus status = new SecureBucketStatus();
        status.setOwnerKey("recorded-key");
        Identity identity = installation("prod", false).identityOf(bucket("uid-1", null), status);
        assertThat(identity.key()).isEqualTo("recorded-key");
        assertThat(identity.heldBefore()).isFalse();
        // Written to AWS (an adoption whose claim write failed, say) is not held: only a claim the anchor carried is.
        status.setWroteToAws(true);
        assertThat(installation("prod", false).identityOf(bucket("uid-1", null), status).heldBefore()).isFalse();
        status.setClaim("cluster-b/uid-1");
        assertThat(installation("prod", false).identityOf(bucket("uid-1", null), status).heldBefore()).isTrue();
    }

    @Test
    void adoptingNeedsTheChartValueAndTheAnnotation() {
        Map<String, String> annotated = Map.of(Installation.ADOPT_ANNOTATION, "true");
        assertThat(installation("prod", true).identityOf(bucket("u", annotated), null).mayAdopt()).isTrue();
        assertThat(installation("prod", true).identityOf(bucket("u", null), null).toAdopt())
                .isEqualTo("the annotation webplatform.io/adopt: \"true\" on this object");
        assertThat(installation("prod", false).identityOf(bucket("u", annotated), null).toAdopt())
                .isEqualTo("the chart value adoption.allowed=true (this object has the annotation)");
        assertThat(installation("prod", false).identityOf(bucket("u", Map.of(Installation.ADOPT_ANNOTATION, "yes")), null).toAdopt())
                .startsWith("the chart value adoption.allowed=true and the annotation");
    }
}
