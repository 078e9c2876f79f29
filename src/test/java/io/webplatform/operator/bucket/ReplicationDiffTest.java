package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.DeleteMarkerReplicationStatus;
import software.amazon.awssdk.services.s3.model.ReplicationConfiguration;
import software.amazon.awssdk.services.s3.model.ReplicationRule;
import software.amazon.awssdk.services.s3.model.ReplicationRuleStatus;
import software.amazon.awssdk.services.s3.model.SourceSelectionCriteria;
import software.amazon.awssdk.services.s3.model.SseKmsEncryptedObjectsStatus;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The replication rule's diff, on configurations built by hand. */
class ReplicationDiffTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/logs-replication";
    private static final String BACKUP = "arn:aws:s3:::logs-backup";
    private static final String KEY = "arn:aws:kms:eu-west-3:123456789012:key/k1";

    private final Replication replication = new Replication();

    private static ReplicationRule rule() {
        return ReplicationRule.builder().id(Replication.RULE_ID).priority(1).status(ReplicationRuleStatus.ENABLED).filter(f -> f.prefix(""))
                .deleteMarkerReplication(d -> d.status(DeleteMarkerReplicationStatus.DISABLED))
                .sourceSelectionCriteria(s -> s.sseKmsEncryptedObjects(k -> k.status(SseKmsEncryptedObjectsStatus.ENABLED)))
                .destination(d -> d.bucket(BACKUP).encryptionConfiguration(e -> e.replicaKmsKeyID(KEY))).build();
    }

    private static final Replication.Desired DESIRED = new Replication.Desired("logs",
            ReplicationConfiguration.builder().role(ROLE).rules(rule()).build());

    private static ReplicationConfiguration actual(ReplicationRule... rules) {
        return ReplicationConfiguration.builder().role(ROLE).rules(rules).build();
    }

    @Test
    void theSameRuleHasNoChangeEvenWithoutTheDefaultsAwsLeavesOut() {
        assertThat(replication.diff(DESIRED.configuration(), DESIRED)).isEmpty();
        // As the emulator echoes it: no SourceSelectionCriteria; and no DeleteMarkerReplication, which AWS reads as off.
        assertThat(replication.diff(actual(rule().toBuilder().sourceSelectionCriteria((SourceSelectionCriteria) null).build()), DESIRED)).isEmpty();
        assertThat(replication.diff(actual(rule().toBuilder().deleteMarkerReplication((software.amazon.awssdk.services.s3.model.DeleteMarkerReplication) null)
                .build()), DESIRED)).isEmpty();
    }

    @Test
    void anotherRoleIsPutBack() {
        var other = DESIRED.configuration().toBuilder().role("arn:aws:iam::123456789012:role/other").build();
        assertThat(replication.diff(other, DESIRED)).containsExactly(Change.of("role", "arn:aws:iam::123456789012:role/other", ROLE));
    }

    @Test
    void aDisabledRuleIsEnabled() {
        assertThat(replication.diff(actual(rule().toBuilder().status(ReplicationRuleStatus.DISABLED).build()), DESIRED))
                .containsExactly(Change.of("rule status", "Disabled", "Enabled"));
    }

    @Test
    void anotherDestinationOrKeyIsPutBack() {
        var elsewhere = rule().toBuilder().destination(d -> d.bucket("arn:aws:s3:::elsewhere").encryptionConfiguration(e -> e.replicaKmsKeyID(KEY))).build();
        assertThat(replication.diff(actual(elsewhere), DESIRED)).containsExactly(Change.of("destination", "arn:aws:s3:::elsewhere", BACKUP));
        var otherKey = rule().toBuilder().destination(d -> d.bucket(BACKUP).encryptionConfiguration(e -> e.replicaKmsKeyID("arn:aws:kms:eu-west-3:1:key/x"))).build();
        assertThat(replication.diff(actual(otherKey), DESIRED)).containsExactly(Change.of("replica key", "arn:aws:kms:eu-west-3:1:key/x", KEY));
        var unencrypted = rule().toBuilder().destination(d -> d.bucket(BACKUP)).build();
        assertThat(replication.diff(actual(unencrypted), DESIRED)).containsExactly(Change.of("replica key", "absent", KEY));
    }

    @Test
    void replicatedDeleteMarkersAreTurnedOff() {
        var markers = rule().toBuilder().deleteMarkerReplication(d -> d.status(DeleteMarkerReplicationStatus.ENABLED)).build();
        assertThat(replication.diff(actual(markers), DESIRED)).containsExactly(Change.of("delete marker replication", "Enabled", "Disabled"));
    }

    @Test
    void otherRulesAreReplacedByTheOne() {
        var extra = ReplicationRule.builder().id("theirs").status(ReplicationRuleStatus.ENABLED).destination(d -> d.bucket(BACKUP)).build();
        assertThat(replication.diff(actual(rule(), extra), DESIRED)).extracting(Change::field).containsExactly("rules");
        assertThat(replication.diff(actual(rule().toBuilder().id("renamed").build()), DESIRED))
                .containsExactly(Change.of("rule id", "renamed", Replication.RULE_ID));
        assertThat(Replication.matches(ReplicationConfiguration.builder().role(ROLE).rules(List.of()).build(), DESIRED.configuration())).isFalse();
    }
}
