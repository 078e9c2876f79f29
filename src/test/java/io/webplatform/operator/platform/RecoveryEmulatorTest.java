package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import static io.webplatform.operator.testing.AwsReads.exists;
import static org.assertj.core.api.Assertions.assertThat;

/** Snapshots on request, restore from a snapshot or a point in time, and the retirement of the replaced database. */
class RecoveryEmulatorTest extends PlatformFixture {

    private static boolean dbExists(String id) {
        return exists(() -> aws.rds(Emulator.REGION).describeDBInstances(r -> r.dbInstanceIdentifier(id)));
    }

    private static List<String> snapshotsStartingWith(String prefix) {
        return aws.rds(Emulator.REGION).describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots().stream()
                .map(s -> s.dbSnapshotIdentifier()).filter(id -> id.startsWith(prefix)).toList();
    }

    @Test
    void aSnapshotOnRequestThenARestoreFromItMovesTheAppAndRetiresTheOldDatabase() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        String oldDb = DatabaseNames.instanceId(scope);
        String oldEndpoint = Database.of(scope).endpoint().address();
        Collection<String> oldInstances = AppInstances.idsByZone(scope).values();

        wp.getMetadata().setAnnotations(Map.of(DatabaseSnapshots.ANNOTATION, "before-restore"));
        PlatformScope asked = convergedScope(wp);
        String snapshot = DatabaseNames.baseId(asked) + "-before-restore";
        assertThat(DatabaseSnapshots.of(asked)).extracting(s -> s.dbSnapshotIdentifier()).containsExactly(snapshot);
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty(); // asked once, taken once

        WebPlatformSpec.Restore restore = new WebPlatformSpec.Restore();
        restore.fromSnapshot = snapshot;
        wp.getSpec().database.restore = restore;
        REQUESTS.start();
        WalkResult restored = converge(wp);
        assertThat(restored.allReady()).as(restored.waitingSummary()).isTrue();
        // ManageMasterUserPassword "applies to RDS for Oracle only" on a restore: it is turned on with ModifyDBInstance afterwards
        // (RESTORES plays AWS: a restored instance has no managed secret until then).
        assertThat(REQUESTS.sent(RestoreDbInstanceFromDbSnapshotRequest.class)).singleElement()
                .satisfies(r -> assertThat(r.manageMasterUserPassword()).isNull());
        assertThat(REQUESTS.sent(ModifyDbInstanceRequest.class)).anySatisfy(m -> {
            assertThat(m.dbInstanceIdentifier()).isEqualTo(DatabaseNames.instanceId(scope(wp)));
            assertThat(m.manageMasterUserPassword()).isTrue();
        });
        PlatformScope after = convergedScope(wp);
        String newDb = DatabaseNames.instanceId(after);
        assertThat(newDb).isEqualTo(DatabaseNames.baseId(after) + newDb.substring(newDb.lastIndexOf("-r"))).isNotEqualTo(oldDb);
        DBInstance db = Database.of(after);
        assertThat(db.endpoint().address()).isNotEqualTo(oldEndpoint);
        // The app moved: new instances whose user data names the new endpoint; the old database is retired by Snapshot.
        assertThat(AppInstances.idsByZone(after).values()).doesNotContainAnyElementsOf(oldInstances);
        assertThat(AppInstances.userData(after)).contains(db.endpoint().address()).doesNotContain(oldEndpoint);
        assertThat(dbExists(oldDb)).isFalse();
        assertThat(snapshotsStartingWith(oldDb + "-final-")).hasSize(1);
        assertThat(after.observed(RetiredDatabases.NAME).id()).isEqualTo("none");
        var alarms = aws.cloudWatch(Emulator.REGION).describeAlarms(r -> r.alarmNames(after.baseName() + "-db-connections")).metricAlarms();
        assertThat(alarms.get(0).dimensions().get(0).value()).isEqualTo(newDb);

        // Deleting with Snapshot keeps the manual snapshot and takes a final one of the restored database.
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(snapshotsStartingWith(snapshot)).containsExactly(snapshot);
        assertThat(snapshotsStartingWith(newDb + "-final-")).hasSize(1);
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void aPointInTimeRestoreOfItsOwnDatabaseWithRetainKeepsTheOldOne() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.database.deletionPolicy = WebPlatformSpec.DatabaseDeletionPolicy.Retain;
        WebPlatform wp = platform(spec);
        PlatformScope scope = convergedScope(wp);
        String oldDb = DatabaseNames.instanceId(scope);
        WebPlatformSpec.Restore restore = new WebPlatformSpec.Restore();
        restore.fromInstance = oldDb;
        wp.getSpec().database.restore = restore;
        REQUESTS.start();
        assertThat(converge(wp).allReady()).isTrue();
        assertThat(REQUESTS.sent(RestoreDbInstanceToPointInTimeRequest.class)).singleElement()
                .satisfies(r -> assertThat(r.manageMasterUserPassword()).isNull());
        PlatformScope after = convergedScope(wp);
        assertThat(DatabaseNames.instanceId(after)).isNotEqualTo(oldDb);
        assertThat(dbExists(oldDb)).isTrue();
        assertThat(after.observed(RetiredDatabases.NAME).id()).isEqualTo(oldDb);
        WalkResult deleted = deleteFully(wp);
        assertThat(deleted.allGone()).isTrue();
        assertThat(deleted.retainedIds()).contains(oldDb, DatabaseNames.instanceId(after));
    }

    @Test
    void aMissingRestoreSourceOrABadLabelStallsBeforeAnythingIsMade() {
        WebPlatformSpec spec = new WebPlatformSpec();
        WebPlatformSpec.Restore restore = new WebPlatformSpec.Restore();
        restore.fromSnapshot = "no-such-snapshot";
        spec.database.restore = restore;
        WebPlatform wp = platform(spec);
        CRASH.arm(Integer.MAX_VALUE);
        WalkResult result = graph.reconcile(scope(wp), new RecordedEvents());
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        assertThat(result.stalledReason()).isEqualTo("RestoreSourceNotFound");
        assertThat(result.stalledMessage()).contains("DB snapshot no-such-snapshot does not exist");
        assertThat(mutations).isEmpty();

        WebPlatform labelled = platform(new WebPlatformSpec());
        labelled.getMetadata().setAnnotations(Map.of(DatabaseSnapshots.ANNOTATION, "Not A Label"));
        WalkResult bad = graph.reconcile(scope(labelled), new RecordedEvents());
        assertThat(bad.stalledReason()).isEqualTo("InvalidSnapshotRequest");
        assertThat(inventory(labelled)).isEmpty();
    }

    @Test
    void deletePolicyAlsoDeletesTheSnapshotsTakenOnRequest() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.database.deletionPolicy = WebPlatformSpec.DatabaseDeletionPolicy.Delete;
        WebPlatform wp = platform(spec);
        wp.getMetadata().setAnnotations(Map.of(DatabaseSnapshots.ANNOTATION, "nightly-1"));
        PlatformScope scope = convergedScope(wp);
        String snapshot = DatabaseNames.baseId(scope) + "-nightly-1";
        assertThat(snapshotsStartingWith(snapshot)).containsExactly(snapshot);
        assertThat(scope.observed(DatabaseSnapshots.NAME).ready()).isTrue();
        WalkResult deleted = deleteFully(wp);
        assertThat(deleted.allGone()).isTrue();
        assertThat(deleted.component(DatabaseSnapshots.NAME).getState()).isEqualTo(ComponentGraph.DELETED);
        assertThat(snapshotsStartingWith(DatabaseNames.baseId(scope))).isEmpty();
    }
}
