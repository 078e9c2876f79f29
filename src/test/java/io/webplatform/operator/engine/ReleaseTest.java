package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.webplatform.operator.api.ReconciledBy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.webplatform.operator.engine.Release.Verdict.MINE;
import static io.webplatform.operator.engine.Release.Verdict.OTHERS;
import static io.webplatform.operator.engine.Release.Verdict.TAKE;
import static org.assertj.core.api.Assertions.assertThat;

/** Which release reconciles an object that several releases see. */
class ReleaseTest {
    private final Release shardB = new Release("op-b/wp-b", "shard=b", List.of());

    private static ConfigMap object(String namespace, Map<String, String> labels) {
        return new ConfigMapBuilder().withNewMetadata().withName("x").withNamespace(namespace).withUid("uid-1")
                .withLabels(labels).endMetadata().build();
    }

    @Test
    void anObjectNobodyRecordedIsTakenAndOneRecordedByThisReleaseIsItsOwn() {
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), null)).isEqualTo(TAKE);
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), shardB.record())).isEqualTo(MINE);
        // This release's selection changed since it recorded itself: it records the new one.
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), new ReconciledBy("op-b/wp-b", "shard in (b,c)", List.of())))
                .isEqualTo(TAKE);
    }

    @Test
    void anotherReleaseThatStillSelectsTheObjectKeepsIt() {
        ReconciledBy teamRelease = new ReconciledBy("op-a/wp-a", "", List.of("team"));
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), teamRelease)).isEqualTo(OTHERS);
        ReconciledBy everything = new ReconciledBy("op-a/wp-a", "", List.of());
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), everything)).isEqualTo(OTHERS);
    }

    @Test
    void anObjectTheRecordedReleaseNoLongerSelectsIsTakenOver() {
        // Moved by its labels: shard a's release no longer sees it.
        ReconciledBy shardA = new ReconciledBy("op-a/wp-a", "shard=a", List.of());
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), shardA)).isEqualTo(TAKE);
        // Moved by its namespace's release: a release of other namespaces cannot see it.
        ReconciledBy otherTeam = new ReconciledBy("op-a/wp-a", "", List.of("other-team"));
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), otherTeam)).isEqualTo(TAKE);
    }

    @Test
    void aSelectorNoReleaseCouldRunWithIsTakenToStillHold() {
        ReconciledBy garbled = new ReconciledBy("op-a/wp-a", "shard in a", List.of());
        assertThat(shardB.judge(object("team", Map.of("shard", "b")), garbled)).isEqualTo(OTHERS);
    }

    @Test
    void theWarningIsSaidOncePerObjectAndHolder() {
        ReconciledBy everything = new ReconciledBy("op-a/wp-a", "", List.of());
        ConfigMap object = object("team", Map.of("shard", "b"));
        assertThat(shardB.warnOnce(object, everything)).contains("op-a/wp-a").contains("op-b/wp-b").contains("Scale-out");
        assertThat(shardB.warnOnce(object, everything)).isNull();
        assertThat(shardB.warnOnce(object, new ReconciledBy("op-c/wp-c", "", List.of()))).isNotNull();
    }
}
