package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.testing.TestResources;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.s3.model.DeleteMarkerReplicationStatus;
import software.amazon.awssdk.services.s3.model.ReplicationConfiguration;
import software.amazon.awssdk.services.s3.model.ReplicationRule;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the components want AWS to hold, and how they compare it with what AWS reports. */
class DesiredStateTest {
    private static final String KEY = "arn:aws:kms:eu-west-3:123456789012:key/k1";
    private static final String ROLE = "arn:aws:iam::123456789012:role/r";
    private static final String TRAIL_KEY = "arn:aws:kms:eu-west-3:123456789012:key/trail";

    private static BucketScope scope() {
        var sb = TestResources.secureBucket("logs", TestResources.fullSpec());
        BucketScope scope = new BucketScope(sb, io.webplatform.operator.testing.Emulator.clientsWithoutEndpoint(), "123456789012");
        scope.record(KmsKey.NAME, Observed.ready(KEY, null));
        scope.record(ReplicationRole.NAME, Observed.ready(ROLE, null));
        return scope;
    }

    @Test
    void replicationRuleReplicatesEverythingEncryptedWithTheKeyButNotDeleteMarkers() {
        BucketScope scope = scope();
        ReplicationConfiguration desired = Replication.configuration(scope);
        assertThat(desired.role()).isEqualTo(ROLE);
        ReplicationRule rule = desired.rules().get(0);
        assertThat(rule.filter().prefix()).isEmpty();
        assertThat(rule.destination().bucket()).isEqualTo("arn:aws:s3:::" + scope.names().backupBucket());
        assertThat(rule.destination().encryptionConfiguration().replicaKmsKeyID()).isEqualTo(KEY);
        assertThat(rule.sourceSelectionCriteria().sseKmsEncryptedObjects().statusAsString()).isEqualTo("Enabled");
        assertThat(rule.deleteMarkerReplication().status()).isEqualTo(DeleteMarkerReplicationStatus.DISABLED);
    }

    @Test
    void replicationComparisonIgnoresDefaultsButSeesRealChanges() {
        BucketScope scope = scope();
        ReplicationConfiguration desired = Replication.configuration(scope);
        // As the emulator reports it: no SourceSelectionCriteria.
        ReplicationConfiguration echoed = desired.toBuilder()
                .rules(desired.rules().get(0).toBuilder().sourceSelectionCriteria((software.amazon.awssdk.services.s3.model.SourceSelectionCriteria) null).build())
                .build();
        assertThat(Replication.matches(echoed, desired)).isTrue();
        ReplicationConfiguration otherRole = desired.toBuilder().role("arn:aws:iam::1:role/other").build();
        assertThat(Replication.matches(otherRole, desired)).isFalse();
        ReplicationConfiguration disabled = desired.toBuilder()
                .rules(desired.rules().get(0).toBuilder().status("Disabled").build()).build();
        assertThat(Replication.matches(disabled, desired)).isFalse();
        ReplicationConfiguration otherKey = desired.toBuilder().rules(desired.rules().get(0).toBuilder()
                .destination(d -> d.bucket(desired.rules().get(0).destination().bucket())
                        .encryptionConfiguration(e -> e.replicaKmsKeyID("arn:aws:kms:eu-west-3:1:key/other"))).build()).build();
        assertThat(Replication.matches(otherKey, desired)).isFalse();
        assertThat(Replication.matches(null, desired)).isFalse();
    }

    @Test
    void trailSelectorRecordsObjectWritesOfEachMember() {
        BucketScope scope = scope();
        scope.record(TrailKey.NAME, Observed.ready(TRAIL_KEY, null));
        // The trail waits for its CloudWatch Logs group and role (the graph reads them): not observed yet, it is still working.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Trail().desired(scope))
                .isInstanceOf(io.webplatform.operator.aws.StillWorking.class).hasMessageContaining("TrailLogGroup");
        scope.record(TrailLogGroup.NAME, Observed.ready(TrailLogGroup.arn(scope), null));
        scope.record(TrailLogsRole.NAME, Observed.ready("arn:aws:iam::123456789012:role/" + TrailLogsRole.roleName(scope), null));
        Trail.Desired desired = new Trail().desired(scope);
        assertThat(desired.logGroupArn()).isEqualTo("arn:aws:logs:eu-west-3:123456789012:log-group:/aws/cloudtrail/wp-webplatform-bucket-writes:*");
        assertThat(desired.logsRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/" + TrailLogsRole.roleName(scope));
        assertThat(desired.kmsKeyArn()).isEqualTo(TRAIL_KEY);
        assertThat(desired.member()).isEqualTo("arn:aws:s3:::" + scope.names().bucket() + "/");
        assertThat(desired.name()).isEqualTo("wp-webplatform-bucket-writes");
        assertThat(desired.logBucket()).isEqualTo("wp-webplatform-123456789012-eu-west-3-trails");
        AdvancedEventSelector selector = Trail.selector(desired.selectorName(), List.of(desired.member(), "arn:aws:s3:::other/"));
        assertThat(selector.fieldSelectors()).extracting(f -> f.field() + " " + f.equalsValue() + " " + f.startsWith()).containsExactly(
                "eventCategory [Data] []", "resources.type [AWS::S3::Object] []", "readOnly [false] []",
                "resources.ARN [] [" + desired.member() + ", arn:aws:s3:::other/]");
        assertThat(Trail.wellFormed(selector)).isTrue();
        assertThat(Trail.valuesIn(List.of(selector))).isEqualTo(5);
        assertThat(Trail.membersIn(List.of(selector), desired.selectorName())).containsExactly(desired.member(), "arn:aws:s3:::other/");
        // Another selector (a person's) is kept as it is; the operator's goes with its last member.
        AdvancedEventSelector persons = AdvancedEventSelector.builder().name("audit").fieldSelectors(
                AdvancedFieldSelector.builder().field("eventCategory").equalsValue("Management").build()).build();
        assertThat(Trail.replaceOurs(List.of(persons, selector), desired.selectorName(), List.of())).containsExactly(persons);
        assertThat(Trail.membersIn(Trail.replaceOurs(List.of(persons, selector), desired.selectorName(), List.of("arn:aws:s3:::other/")),
                desired.selectorName())).containsExactly("arn:aws:s3:::other/");
    }

    @Test
    void aNamedLogBucketIsAnotherDestinationAndSoAnotherTrail() {
        var spec = TestResources.fullSpec();
        spec.trail.logBucketName = "acme-audit";
        BucketScope named = new BucketScope(TestResources.secureBucket("a", spec), io.webplatform.operator.testing.Emulator.clientsWithoutEndpoint(), "123456789012");
        BucketScope other = new BucketScope(TestResources.secureBucket("b", spec), io.webplatform.operator.testing.Emulator.clientsWithoutEndpoint(), "123456789012");
        assertThat(named.trailDestination().logBucket()).isEqualTo("acme-audit");
        assertThat(named.trailDestination().trail()).startsWith("wp-webplatform-bucket-writes-").isEqualTo(other.trailDestination().trail())
                .isNotEqualTo(scope().trailDestination().trail());
    }

    @Test
    void encryptionComparisonNeedsAlgorithmKeyAndBucketKey() {
        ServerSideEncryptionRule kms = ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(KEY))
                .bucketKeyEnabled(true).build();
        assertThat(ProtectedBucket.sameEncryption(kms, kms)).isTrue();
        assertThat(ProtectedBucket.sameEncryption(kms.toBuilder().bucketKeyEnabled(false).build(), kms)).isFalse();
        assertThat(ProtectedBucket.sameEncryption(kms.toBuilder()
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)).build(), kms)).isFalse();
        assertThat(ProtectedBucket.sameEncryption(null, kms)).isFalse();
    }

    @Test
    void namesAreDerivedFromTheBucketName() {
        var spec = TestResources.fullSpec();
        spec.bucketName = "acme-invoices";
        BucketNames names = BucketNames.of(TestResources.secureBucket("inv", spec));
        assertThat(names.bucket()).isEqualTo("acme-invoices");
        assertThat(names.backupBucket()).isEqualTo("acme-invoices-backup");
        assertThat(names.logBucket()).isEqualTo("acme-invoices-trail");
        spec.replication.bucketName = "acme-dr";
        assertThat(BucketNames.of(TestResources.secureBucket("inv", spec)).backupBucket()).isEqualTo("acme-dr");
    }
}
