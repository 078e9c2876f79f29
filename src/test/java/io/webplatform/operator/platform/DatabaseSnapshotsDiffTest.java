package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** DatabaseSnapshots.diff without AWS: a requested snapshot is taken once, and only of a serving database. */
class DatabaseSnapshotsDiffTest {
    private final DatabaseSnapshots snapshots = new DatabaseSnapshots();

    private static DatabaseSnapshots.State taken(String... ids) {
        return new DatabaseSnapshots.State(List.of(ids).stream().map(id -> DBSnapshot.builder().dbSnapshotIdentifier(id).build()).toList());
    }

    private static DatabaseSnapshots.Desired asked(String snapshotId, String databaseId) {
        return new DatabaseSnapshots.Desired(snapshotId, databaseId, Map.of("webplatform.io/component", DatabaseSnapshots.NAME));
    }

    @Test
    void aRequestedSnapshotNotYetTakenIsMissing() {
        assertThat(snapshots.diff(taken(), asked("wp-demo-shop-abc123-nightly-1", "wp-demo-shop-abc123"))).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo("wp-demo-shop-abc123-nightly-1");
            assertThat(c.actual()).isEqualTo(Change.ABSENT);
            assertThat(c.desired()).isEqualTo("snapshot of wp-demo-shop-abc123");
            assertThat(c.summary()).isEqualTo("snapshot wp-demo-shop-abc123-nightly-1 requested");
        });
    }

    @Test
    void aTakenSnapshotHasNoChanges() {
        assertThat(snapshots.diff(taken("wp-demo-shop-abc123-nightly-1"), asked("wp-demo-shop-abc123-nightly-1", "wp-demo-shop-abc123"))).isEmpty();
    }

    @Test
    void aNewLabelAsksForAnotherAndTheOldOnesStay() {
        assertThat(snapshots.diff(taken("wp-demo-shop-abc123-nightly-1"), asked("wp-demo-shop-abc123-nightly-2", "wp-demo-shop-abc123")))
                .extracting(Change::summary).containsExactly("snapshot wp-demo-shop-abc123-nightly-2 requested");
    }

    @Test
    void noRequestOrNoServingDatabaseHasNoChanges() {
        assertThat(snapshots.diff(taken("wp-demo-shop-abc123-nightly-1"), new DatabaseSnapshots.Desired(null, null, Map.of()))).isEmpty();
        assertThat(snapshots.diff(taken(), asked("wp-demo-shop-abc123-nightly-1", null))).isEmpty();
    }
}
