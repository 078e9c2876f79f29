package io.webplatform.operator.platform;

import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.time.Clock;
import java.util.List;

/**
 * DB instances this WebPlatform made that are no longer its database: the one a restore replaced.
 * Retired by the deletion policy (Snapshot: final snapshot, then delete; Delete; Retain: kept) once the
 * app instances run against the new database (all ready with its endpoint in their user data), so the
 * app never points at a database being deleted.
 * Deletion protection (on by default) guards against deletion outside the operator, not against the
 * policy: the restore the spec asked for retires the old instance, lifting it first (Retain keeps it).
 */
public class RetiredDatabases implements Component<PlatformScope, RetiredDatabases.Desired, RetiredDatabases.State> {
    public static final String NAME = "RetiredDatabases";
    private final Clock clock = Clock.systemUTC();

    @Override
    public String name() {
        return NAME;
    }

    /** The DB instances of this WebPlatform other than its current database; empty when there is nothing to retire. */
    public record State(List<DBInstance> retired) {
    }

    /**
     * None of the retired instances is wanted unless the deletion policy keeps them; they go only once
     * the app has moved ({@code appMoved}: the current database serves and every app instance is ready
     * with its endpoint).
     */
    public record Desired(WebPlatformSpec.DatabaseDeletionPolicy deletionPolicy, boolean appMoved) {
        boolean keeps(DBInstance db) {
            return kept(deletionPolicy, db);
        }
    }

    static boolean kept(WebPlatformSpec.DatabaseDeletionPolicy policy, DBInstance db) {
        return policy == WebPlatformSpec.DatabaseDeletionPolicy.Retain;
    }

    /** A first pass replaces no database, so retires none: nothing in the plan. */
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
        Observed<?> database = scope.observed(Database.NAME);
        Observed<?> instances = scope.observed(AppInstances.NAME);
        boolean appMoved = database != null && database.ready() && instances != null && instances.ready();
        return new Desired(scope.spec().database.deletionPolicy, appMoved);
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        String current = DatabaseNames.instanceId(scope);
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        List<DBInstance> retired = scope.rds().describeDBInstancesPaginator().dbInstances().stream()
                .filter(d -> !d.dbInstanceIdentifier().equals(current) && owned(scope, d)).toList();
        if (retired.isEmpty()) {
            // Nothing to retire is this component's normal, converged state.
            return deleting ? null : Observed.ready("none", new State(retired));
        }
        String ids = String.join(",", retired.stream().map(DBInstance::dbInstanceIdentifier).toList());
        var policy = scope.spec().database.deletionPolicy;
        List<String> waiting = retired.stream().filter(d -> !kept(policy, d)).map(d -> d.dbInstanceIdentifier() + " " + d.dbInstanceStatus()
                + (d.dbInstanceStatus().equals("deleting") ? "" : ", to be retired")).toList();
        return waiting.isEmpty() ? Observed.ready(ids, new State(retired)) : Observed.pending(ids, String.join(", ", waiting), new State(retired));
    }

    private static boolean owned(PlatformScope scope, DBInstance db) {
        return db.tagList().stream().anyMatch(t -> t.key().equals(Ownership.OWNER_UID) && t.value().equals(scope.ownerKey()))
                && db.tagList().stream().anyMatch(t -> t.key().equals(Ownership.COMPONENT) && t.value().equals(Database.NAME));
    }

    /** One change per retired instance to delete now: not kept, not already deleting, and the app has moved. */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        if (!desired.appMoved()) {
            return List.of();
        }
        return actual.retired().stream()
                .filter(db -> !desired.keeps(db) && !"deleting".equals(db.dbInstanceStatus()))
                .map(db -> Change.unwanted(db.dbInstanceIdentifier(), db.dbInstanceStatus(),
                        "retiring " + db.dbInstanceIdentifier() + " by deletionPolicy " + desired.deletionPolicy()))
                .toList();
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // Nothing to make: observe reports "none" when there is nothing to retire.
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        for (Change change : changes) {
            DBInstance db = current.detail().retired().stream()
                    .filter(d -> d.dbInstanceIdentifier().equals(change.field())).findFirst().orElseThrow();
            Database.retire(scope, db, clock);
        }
    }

    @Override
    public boolean retainedOnDelete(PlatformScope scope) {
        return scope.spec().database.deletionPolicy == WebPlatformSpec.DatabaseDeletionPolicy.Retain;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        boolean gone = true;
        for (DBInstance db : current.detail().retired()) {
            gone &= Database.retire(scope, db, clock);
        }
        return gone;
    }
}
