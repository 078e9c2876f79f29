package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Manual DB snapshots taken on request: the annotation {@code webplatform.io/db-snapshot: <label>}
 * asks for the snapshot {@code <db id>-<label>}; a new label asks for another. An annotation rather
 * than a spec field because a snapshot is an action, not a desired state: it must not bump the
 * generation, and removing the request must not delete the snapshot. Snapshots are listed in
 * status; on delete they are kept, except with deletionPolicy Delete.
 */
public class DatabaseSnapshots implements Component<PlatformScope, DatabaseSnapshots.Desired, DatabaseSnapshots.State> {
    public static final String NAME = "DatabaseSnapshots";
    public static final String ANNOTATION = "webplatform.io/db-snapshot";
    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$");

    @Override
    public String name() {
        return NAME;
    }

    static String requested(PlatformScope scope) {
        var annotations = scope.owner().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(ANNOTATION);
    }

    @Override
    public void preflight(PlatformScope scope) {
        String label = requested(scope);
        if (label != null && (!LABEL.matcher(label).matches() || label.contains("--"))) {
            throw new UserError("InvalidSnapshotRequest", "annotation " + ANNOTATION + ": \"" + label
                    + "\" is not a snapshot label (1-40 lowercase letters, digits and single hyphens)");
        }
    }

    static String snapshotId(PlatformScope scope, String label) {
        return DatabaseNames.baseId(scope) + "-" + label;
    }

    /** The manual snapshots this WebPlatform took on request. */
    public record State(List<DBSnapshot> snapshots) {
    }

    /**
     * The snapshot the annotation asks for, of the current database, with its tags; {@code snapshotId}
     * null when none is asked for, {@code databaseId} null until the database serves (a request waits).
     */
    public record Desired(String snapshotId, String databaseId, Map<String, String> tags) {
    }

    /** CloudFormation has no manual-snapshot resource: a snapshot asked for with the annotation is taken by the operator, not planned. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return List.of();
    }

    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        return Observed.ready("none", new State(List.of()));
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String label = requested(scope);
        if (label == null) {
            return new Desired(null, null, Map.of());
        }
        String id = snapshotId(scope, label);
        Observed<?> database = scope.observed(Database.NAME);
        return new Desired(id, database == null || !database.ready() ? null : database.id(), scope.tags(NAME, id));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        List<DBSnapshot> owned = scope.rds().describeDBSnapshotsPaginator(r -> r.snapshotType("manual")).dbSnapshots().stream()
                .filter(s -> s.tagList().stream().anyMatch(t -> t.key().equals(Ownership.OWNER_UID) && t.value().equals(scope.ownerKey()))
                        && s.tagList().stream().anyMatch(t -> t.key().equals(Ownership.COMPONENT) && t.value().equals(NAME)))
                .toList();
        if (owned.isEmpty()) {
            return deleting ? null : Observed.ready("none", new State(owned));
        }
        return Observed.ready(String.join(",", owned.stream().map(DBSnapshot::dbSnapshotIdentifier).toList()), new State(owned));
    }

    /** The requested snapshot when it is not taken yet; snapshots no longer asked for are kept (a request is an action). */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        if (desired.snapshotId() == null || desired.databaseId() == null
                || actual.snapshots().stream().anyMatch(s -> s.dbSnapshotIdentifier().equals(desired.snapshotId()))) {
            return List.of();
        }
        return List.of(Change.missing(desired.snapshotId(), "snapshot of " + desired.databaseId(), "snapshot " + desired.snapshotId() + " requested"));
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // Nothing until asked: observe reports "none".
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        // diff finds at most the one snapshot asked for.
        String id = desired.snapshotId();
        List<Tag> tags = desired.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        try {
            scope.rds().createDBSnapshot(r -> r.dbSnapshotIdentifier(id).dbInstanceIdentifier(desired.databaseId()).tags(tags));
        } catch (RuntimeException e) {
            if (AwsErrors.errorCode(e).startsWith("DBSnapshotAlreadyExists")) {
                throw new UserError("SnapshotNameTaken", "DB snapshot " + id + " exists and was not taken for this WebPlatform; choose another label");
            }
            throw e;
        }
        // status.snapshots shows the one just asked for.
        Observed<State> now = observe(scope);
        if (now != null) {
            scope.record(NAME, now);
        }
    }

    @Override
    public boolean retainedOnDelete(PlatformScope scope) {
        return scope.spec().database.deletionPolicy != WebPlatformSpec.DatabaseDeletionPolicy.Delete;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        for (DBSnapshot s : current.detail().snapshots()) {
            DeleteFailures.call("DB snapshot " + s.dbSnapshotIdentifier(),
                    () -> scope.rds().deleteDBSnapshot(r -> r.dbSnapshotIdentifier(s.dbSnapshotIdentifier())));
        }
        return true;
    }

    /** The snapshots, for status. */
    public static List<DBSnapshot> of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? List.of() : new ArrayList<>(((State) observed.detail()).snapshots());
    }
}
