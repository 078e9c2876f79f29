package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec.DatabaseDeletionPolicy;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RetiredDatabases.diff without AWS: which replaced databases go now, by the deletion policy alone. */
class RetiredDatabasesDiffTest {
    private final RetiredDatabases retired = new RetiredDatabases();

    private static DBInstance db(String id, String status, boolean protectedFromDeletion) {
        return DBInstance.builder().dbInstanceIdentifier(id).dbInstanceStatus(status).deletionProtection(protectedFromDeletion).build();
    }

    private static RetiredDatabases.State state(DBInstance... instances) {
        return new RetiredDatabases.State(List.of(instances));
    }

    @Test
    void nothingToRetireHasNoChanges() {
        assertThat(retired.diff(state(), new RetiredDatabases.Desired(DatabaseDeletionPolicy.Snapshot, true))).isEmpty();
    }

    @Test
    void aReplacedDatabaseIsRetiredByThePolicyOnceTheAppMoved() {
        var state = state(db("wp-demo-shop-abc123", "available", false));
        assertThat(retired.diff(state, new RetiredDatabases.Desired(DatabaseDeletionPolicy.Snapshot, true))).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo("wp-demo-shop-abc123");
            assertThat(c.actual()).isEqualTo("available");
            assertThat(c.desired()).isEqualTo(Change.ABSENT);
            assertThat(c.summary()).isEqualTo("retiring wp-demo-shop-abc123 by deletionPolicy Snapshot");
        });
        assertThat(retired.diff(state, new RetiredDatabases.Desired(DatabaseDeletionPolicy.Delete, true))).extracting(Change::summary)
                .containsExactly("retiring wp-demo-shop-abc123 by deletionPolicy Delete");
    }

    @Test
    void itWaitsWhileTheAppStillUsesIt() {
        var state = state(db("wp-demo-shop-abc123", "available", false));
        assertThat(retired.diff(state, new RetiredDatabases.Desired(DatabaseDeletionPolicy.Snapshot, false))).isEmpty();
    }

    @Test
    void retainKeepsItAndDeletionProtectionDoesNot() {
        assertThat(retired.diff(state(db("wp-demo-shop-abc123", "available", false)),
                new RetiredDatabases.Desired(DatabaseDeletionPolicy.Retain, true))).isEmpty();
        // Protection (on by default) guards against deletion outside the operator; the restore asked for this one's retirement.
        assertThat(retired.diff(state(db("wp-demo-shop-abc123", "available", true)),
                new RetiredDatabases.Desired(DatabaseDeletionPolicy.Delete, true))).extracting(Change::summary)
                .containsExactly("retiring wp-demo-shop-abc123 by deletionPolicy Delete");
    }

    @Test
    void oneAlreadyDeletingIsNotAskedAgain() {
        var state = state(db("wp-demo-shop-abc123", "deleting", false), db("wp-demo-shop-abc123-r1a2b3c", "stopped", false));
        assertThat(retired.diff(state, new RetiredDatabases.Desired(DatabaseDeletionPolicy.Snapshot, true))).extracting(Change::field)
                .containsExactly("wp-demo-shop-abc123-r1a2b3c");
    }
}
