package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * DB instances this WebPlatform made that are no longer its database: the one a restore replaced.
 * Retired by the deletion policy (Snapshot: final snapshot, then delete; Delete; Retain: kept) once the
 * app instances run against the new database (all ready with its endpoint in their user data), so the
 * app never points at a database being deleted.
 * One protected by deletion protection is kept: a restore is no reason to lift a guard.
 */
public class RetiredDatabases extends RepairingComponent<PlatformScope> {
    public static final String NAME = "RetiredDatabases";
    private final Clock clock = Clock.systemUTC();

    @Override
    public String name() {
        return NAME;
    }

    /** What a retired database still stands in (and keeps, when it is retained). It is declared after the database and the instances. */

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        String current = DatabaseNames.instanceId(scope);
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        List<DBInstance> retired = scope.rds().describeDBInstancesPaginator().dbInstances().stream()
                .filter(d -> !d.dbInstanceIdentifier().equals(current) && owned(scope, d)).toList();
        if (retired.isEmpty()) {
            // Nothing to retire is this component's normal, converged state.
            return deleting ? null : Observed.ready("none", retired);
        }
        String ids = String.join(",", retired.stream().map(DBInstance::dbInstanceIdentifier).toList());
        List<String> waiting = retired.stream().filter(d -> !kept(scope, d)).map(d -> d.dbInstanceIdentifier() + " " + d.dbInstanceStatus()
                + (d.dbInstanceStatus().equals("deleting") ? "" : ", to be retired")).toList();
        return waiting.isEmpty() ? Observed.ready(ids, retired) : Observed.pending(ids, String.join(", ", waiting), retired);
    }

    private static boolean owned(PlatformScope scope, DBInstance db) {
        return db.tagList().stream().anyMatch(t -> t.key().equals(Ownership.OWNER_UID) && t.value().equals(scope.ownerUid()))
                && db.tagList().stream().anyMatch(t -> t.key().equals(Ownership.COMPONENT) && t.value().equals(Database.NAME));
    }

    private static boolean kept(PlatformScope scope, DBInstance db) {
        return scope.spec().database.deletionPolicy == WebPlatformSpec.DatabaseDeletionPolicy.Retain || Boolean.TRUE.equals(db.deletionProtection());
    }

    @Override
    public void create(PlatformScope scope) {
        // Nothing to make: observe reports "none" when there is nothing to retire.
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        List<String> changes = new ArrayList<>();
        // Only once the new database serves and every app instance has moved to it.
        Observed<?> database = scope.observed(Database.NAME);
        Observed<?> instances = scope.observed(AppInstances.NAME);
        if (database == null || !database.ready() || instances == null || !instances.ready()) {
            return changes;
        }
        for (DBInstance db : (List<DBInstance>) current.detail(List.class)) {
            if (!kept(scope, db) && !"deleting".equals(db.dbInstanceStatus())) {
                Database.retire(scope, db, false, clock);
                changes.add("retiring " + db.dbInstanceIdentifier() + " by deletionPolicy " + scope.spec().database.deletionPolicy);
            }
        }
        return changes;
    }

    @Override
    public boolean retainedOnDelete(PlatformScope scope) {
        return scope.spec().database.deletionPolicy == WebPlatformSpec.DatabaseDeletionPolicy.Retain;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        boolean gone = true;
        for (DBInstance db : (List<DBInstance>) current.detail(List.class)) {
            gone &= Database.retire(scope, db, Boolean.TRUE.equals(db.deletionProtection()), clock);
        }
        return gone;
    }
}
