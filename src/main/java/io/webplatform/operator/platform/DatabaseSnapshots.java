package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Manual DB snapshots taken on request: the annotation {@code webplatform.io/db-snapshot: <label>}
 * asks for the snapshot {@code <db id>-<label>}; a new label asks for another. An annotation rather
 * than a spec field because a snapshot is an action, not a desired state: it must not bump the
 * generation, and removing the request must not delete the snapshot. Snapshots are listed in
 * status; on delete they are kept, except with deletionPolicy Delete.
 */
public class DatabaseSnapshots extends RepairingComponent<PlatformScope> {
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

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        List<DBSnapshot> owned = scope.rds().describeDBSnapshotsPaginator(r -> r.snapshotType("manual")).dbSnapshots().stream()
                .filter(s -> s.tagList().stream().anyMatch(t -> t.key().equals(Ownership.OWNER_UID) && t.value().equals(scope.ownerUid()))
                        && s.tagList().stream().anyMatch(t -> t.key().equals(Ownership.COMPONENT) && t.value().equals(NAME)))
                .toList();
        if (owned.isEmpty()) {
            return deleting ? null : Observed.ready("none", owned);
        }
        return Observed.ready(String.join(",", owned.stream().map(DBSnapshot::dbSnapshotIdentifier).toList()), owned);
    }

    @Override
    public void create(PlatformScope scope) {
        // Nothing until asked: observe reports "none".
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        String label = requested(scope);
        Observed<?> database = scope.observed(Database.NAME);
        if (label == null || database == null || !database.ready()) {
            return List.of(); // a request waits until the database is available
        }
        String id = snapshotId(scope, label);
        if (((List<DBSnapshot>) current.detail(List.class)).stream().anyMatch(s -> s.dbSnapshotIdentifier().equals(id))) {
            return List.of();
        }
        List<Tag> tags = scope.tags(NAME, id).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        try {
            scope.rds().createDBSnapshot(r -> r.dbSnapshotIdentifier(id).dbInstanceIdentifier(database.id()).tags(tags));
        } catch (RuntimeException e) {
            if (AwsErrors.errorCode(e).startsWith("DBSnapshotAlreadyExists")) {
                throw new UserError("SnapshotNameTaken", "DB snapshot " + id + " exists and was not taken for this WebPlatform; choose another label");
            }
            throw e;
        }
        return List.of("snapshot " + id + " requested");
    }

    @Override
    public boolean retainedOnDelete(PlatformScope scope) {
        return scope.spec().database.deletionPolicy != WebPlatformSpec.DatabaseDeletionPolicy.Delete;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        for (DBSnapshot s : (List<DBSnapshot>) current.detail(List.class)) {
            try {
                scope.rds().deleteDBSnapshot(r -> r.dbSnapshotIdentifier(s.dbSnapshotIdentifier()));
            } catch (RuntimeException e) {
                if (!AwsErrors.isNotFound(e)) {
                    throw e;
                }
            }
        }
        return true;
    }

    /** The snapshots, for status. */
    @SuppressWarnings("unchecked")
    public static List<DBSnapshot> of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? List.of() : new ArrayList<>((List<DBSnapshot>) observed.detail(List.class));
    }
}
