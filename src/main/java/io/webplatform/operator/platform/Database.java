package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.ExpiringCache;
import io.webplatform.operator.engine.Observed;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.OrderableDBInstanceOption;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RDS PostgreSQL in the private subnets: encrypted gp3 storage, not publicly accessible, only the db
 * security group, automated backups (point-in-time recovery), the master password kept by AWS in
 * Secrets Manager. Class, storage growth, backups, Multi-AZ and deletion protection change in place.
 */
public class Database extends RepairingComponent<PlatformScope> {
    public static final String NAME = "Database";
    static final String ENGINE = "postgres";
    /** States in which the database serves and accepts modifications. */
    static final Set<String> SERVING = Set.of("available", "backing-up", "storage-optimization", "configuring-enhanced-monitoring",
            "configuring-log-exports", "maintenance");
    private static final Duration ORDERABLE_CACHED_FOR = Duration.ofHours(1);
    /** After AWS could not answer, ask again soon rather than trusting CreateDBInstance for an hour. */
    private static final Duration UNANSWERED_CACHED_FOR = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(Database.class);

    private final Clock clock;
    /** Class, version and Multi-AZ choices judged orderable, by region: a resync does not ask again. */
    private final ExpiringCache<Boolean> orderable;
    /** DB instances seen to exist, by region/id: their spec is no longer judged in preflight, so a resync asks nothing. */
    private final Set<String> made = ConcurrentHashMap.newKeySet();

    public Database() {
        this(Clock.systemUTC());
    }

    Database(Clock clock) {
        this.clock = clock;
        this.orderable = new ExpiringCache<>(clock);
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public void preflight(PlatformScope scope) {
        WebPlatformSpec.Database spec = scope.spec().database;
        if (spec.multiAZ && scope.plan().zones().stream().distinct().count() < 2) {
            throw new UserError("InvalidSpec", "a Multi-AZ database needs two availability zones");
        }
        // Judged only until the instance exists: then AWS judges each change (ModifyDBInstance) on this component alone,
        // and a version or class AWS has since retired (it upgrades retired minors itself) must not stop the whole walk.
        String id = DatabaseNames.instanceId(scope);
        if (made.contains(scope.region() + "/" + id)) {
            return;
        }
        if (exists(() -> scope.rds().describeDBInstances(r -> r.dbInstanceIdentifier(id)))) {
            made.add(scope.region() + "/" + id);
            return;
        }
        if (spec.restore != null) {
            checkRestoreSource(scope, spec.restore);
        }
        requireOrderable(scope, spec);
    }

    /**
     * The class, engine version, gp3 storage and (when asked) Multi-AZ must be orderable together in
     * the region: one DescribeOrderableDBInstanceOptions for the class lists every version it is
     * offered with. An endpoint that lists no PostgreSQL option at all cannot answer (AWS always
     * lists some; the emulator lists none): CreateDBInstance judges then, as after a 5xx.
     */
    private void requireOrderable(PlatformScope scope, WebPlatformSpec.Database spec) {
        String key = scope.region() + "/" + spec.instanceClass + "/" + spec.engineVersion + "/" + spec.multiAZ;
        if (orderable.get(key) != null) {
            return;
        }
        List<OrderableDBInstanceOption> options;
        try {
            options = scope.rds().describeOrderableDBInstanceOptionsPaginator(r -> r.engine(ENGINE).dbInstanceClass(spec.instanceClass)
                    .vpc(true).maxRecords(1000)).orderableDBInstanceOptions().stream().toList();
            if (options.isEmpty() && scope.rds().describeOrderableDBInstanceOptions(r -> r.engine(ENGINE).maxRecords(20))
                    .orderableDBInstanceOptions().isEmpty()) {
                LOG.debugf("no orderable PostgreSQL option listed in %s; CreateDBInstance will judge %s", scope.region(), spec.instanceClass);
                orderable.put(key, true, UNANSWERED_CACHED_FOR);
                return;
            }
        } catch (RuntimeException e) {
            if (AwsErrors.classify(e) == AwsErrors.Kind.RETRYABLE) {
                LOG.debugf("orderable options not listed (%s); CreateDBInstance will judge %s", AwsErrors.message(e), spec.instanceClass);
                orderable.put(key, true, UNANSWERED_CACHED_FOR);
                return;
            }
            throw e;
        }
        if (options.isEmpty()) {
            throw new UserError("DbInstanceClassNotOrderable", spec.instanceClass + " is not orderable for PostgreSQL in " + scope.region()
                    + "; choose another spec.database.instanceClass");
        }
        List<String> versions = options.stream().map(OrderableDBInstanceOption::engineVersion).distinct().toList();
        if (!offers(versions, spec.engineVersion)) {
            throw new UserError("EngineVersionNotOffered", "PostgreSQL " + spec.engineVersion + " is not offered in " + scope.region()
                    + " with " + spec.instanceClass + " (offered: " + String.join(", ", majors(versions)) + ")");
        }
        List<OrderableDBInstanceOption> fitting = options.stream().filter(o -> matches(o.engineVersion(), spec.engineVersion))
                .filter(o -> o.storageType() == null || "gp3".equals(o.storageType()))
                .filter(o -> !spec.multiAZ || Boolean.TRUE.equals(o.multiAZCapable())).toList();
        if (fitting.isEmpty()) {
            throw new UserError("DbInstanceClassNotOrderable", spec.instanceClass + " with PostgreSQL " + spec.engineVersion
                    + " is not orderable in " + scope.region() + " with gp3 storage" + (spec.multiAZ ? " as Multi-AZ" : "")
                    + "; choose another spec.database.instanceClass");
        }
        orderable.put(key, true, ORDERABLE_CACHED_FOR);
    }

    /** The snapshot or source instance must exist before anything is made. */
    private static void checkRestoreSource(PlatformScope scope, WebPlatformSpec.Restore restore) {
        if (restore.fromSnapshot != null) {
            if (!exists(() -> scope.rds().describeDBSnapshots(r -> r.dbSnapshotIdentifier(restore.fromSnapshot)))) {
                throw new UserError("RestoreSourceNotFound", "DB snapshot " + restore.fromSnapshot + " does not exist in " + scope.region());
            }
            return;
        }
        DBInstance source;
        try {
            source = scope.rds().describeDBInstances(r -> r.dbInstanceIdentifier(restore.fromInstance)).dbInstances().get(0);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                throw new UserError("RestoreSourceNotFound", "DB instance " + restore.fromInstance + " does not exist in " + scope.region());
            }
            throw e;
        }
        if (restore.toTime != null && source.latestRestorableTime() != null
                && Instant.parse(restore.toTime).isAfter(source.latestRestorableTime())) {
            throw new UserError("RestoreTimeOutOfRange", "DB instance " + restore.fromInstance + " can be restored to "
                    + source.latestRestorableTime() + " at the latest, not " + restore.toTime);
        }
    }

    private static boolean exists(Runnable describe) {
        try {
            describe.run();
            return true;
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
    }

    /** True when the wanted version ("16" or "16.4") is among AWS's versions. */
    static boolean offers(List<String> versions, String wanted) {
        return versions.stream().anyMatch(v -> matches(v, wanted));
    }

    /** A version matches a major ("16" matches "16.4") or itself. */
    static boolean matches(String actual, String wanted) {
        return actual.equals(wanted) || actual.startsWith(wanted + ".");
    }

    static List<String> majors(List<String> versions) {
        return versions.stream().map(v -> v.contains(".") ? v.substring(0, v.indexOf('.')) : v).distinct().sorted().toList();
    }

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        DBInstance db;
        try {
            db = scope.rds().describeDBInstances(r -> r.dbInstanceIdentifier(DatabaseNames.instanceId(scope))).dbInstances().get(0);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        String owner = db.tagList().stream().filter(t -> Ownership.OWNER_UID.equals(t.key())).map(Tag::value).findFirst().orElse("");
        if (!owner.equals(scope.ownerUid())) {
            throw new UserError("DatabaseOwnedElsewhere", "DB instance " + db.dbInstanceIdentifier() + " exists and is not managed by this WebPlatform");
        }
        if (SERVING.contains(db.dbInstanceStatus()) && db.endpoint() != null) {
            if (db.masterUserSecret() == null) {
                // The app reads its password from this secret: the instances wait for it (repair asks AWS to make it).
                return Observed.pending(db.dbInstanceIdentifier(), "master user secret being created", db);
            }
            return Observed.ready(db.dbInstanceIdentifier(), db, newerThanSpec(scope, db));
        }
        return Observed.pending(db.dbInstanceIdentifier(), "database " + db.dbInstanceStatus(), db);
    }

    /** Said in status, never repaired: RDS cannot downgrade a version AWS (or a person) upgraded. */
    private static String newerThanSpec(PlatformScope scope, DBInstance db) {
        String wanted = scope.spec().database.engineVersion;
        if (db.engineVersion() == null || EngineVersion.of(wanted).judge(db.engineVersion()) != EngineVersion.Verdict.NEWER_KEPT) {
            return null;
        }
        return "runs PostgreSQL " + db.engineVersion() + ", newer than spec.database.engineVersion " + wanted
                + ": RDS cannot downgrade, so it is kept; set the spec to " + db.engineVersion() + " to say so";
    }

    @Override
    public void create(PlatformScope scope) {
        WebPlatformSpec.Database spec = scope.spec().database;
        String id = DatabaseNames.instanceId(scope);
        List<Tag> tags = scope.tags(NAME, id).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        if (spec.restore != null) {
            restore(scope, id, tags);
            return;
        }
        try {
            scope.rds().createDBInstance(r -> r.dbInstanceIdentifier(id)
                    .engine(ENGINE)
                    .engineVersion(spec.engineVersion)
                    .dbInstanceClass(spec.instanceClass)
                    .allocatedStorage(spec.storageGiB)
                    .storageType("gp3")
                    .storageEncrypted(true)
                    .dbName(spec.databaseName)
                    .masterUsername(spec.masterUsername)
                    .manageMasterUserPassword(true)
                    .dbSubnetGroupName(scope.idOf(DbSubnetGroup.NAME))
                    .vpcSecurityGroupIds(SecurityGroups.groupId(scope, "db"))
                    .publiclyAccessible(false)
                    .multiAZ(spec.multiAZ)
                    .backupRetentionPeriod(spec.backupRetentionDays)
                    .deletionProtection(spec.deletionProtection)
                    .copyTagsToSnapshot(true)
                    .autoMinorVersionUpgrade(autoMinorVersionUpgrade(spec))
                    .tags(tags));
        } catch (RuntimeException e) {
            // CreateDBInstance takes no client token; the deterministic identifier makes a retry harmless.
            if (!AwsErrors.errorCode(e).startsWith("DBInstanceAlreadyExists")) {
                throw e;
            }
        }
    }

    /**
     * A new instance from the snapshot or point in time; repair then applies what restores do not take:
     * backups, the engine version, and the AWS-managed master password (ManageMasterUserPassword
     * "applies to RDS for Oracle only" on both restore calls, so it is turned on with ModifyDBInstance
     * once the restored instance is available).
     */
    private static void restore(PlatformScope scope, String id, List<Tag> tags) {
        WebPlatformSpec.Database spec = scope.spec().database;
        String subnetGroup = scope.idOf(DbSubnetGroup.NAME);
        String dbGroup = SecurityGroups.groupId(scope, "db");
        try {
            if (spec.restore.fromSnapshot != null) {
                scope.rds().restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier(id).dbSnapshotIdentifier(spec.restore.fromSnapshot)
                        .dbInstanceClass(spec.instanceClass).storageType("gp3").dbSubnetGroupName(subnetGroup).vpcSecurityGroupIds(dbGroup)
                        .publiclyAccessible(false).multiAZ(spec.multiAZ).deletionProtection(spec.deletionProtection)
                        .copyTagsToSnapshot(true).autoMinorVersionUpgrade(autoMinorVersionUpgrade(spec)).tags(tags));
            } else {
                scope.rds().restoreDBInstanceToPointInTime(r -> r.targetDBInstanceIdentifier(id).sourceDBInstanceIdentifier(spec.restore.fromInstance)
                        .restoreTime(spec.restore.toTime == null ? null : Instant.parse(spec.restore.toTime))
                        .useLatestRestorableTime(spec.restore.toTime == null ? Boolean.TRUE : null)
                        .dbInstanceClass(spec.instanceClass).storageType("gp3").dbSubnetGroupName(subnetGroup).vpcSecurityGroupIds(dbGroup)
                        .publiclyAccessible(false).multiAZ(spec.multiAZ).deletionProtection(spec.deletionProtection)
                        .copyTagsToSnapshot(true).autoMinorVersionUpgrade(autoMinorVersionUpgrade(spec)).tags(tags));
            }
        } catch (RuntimeException e) {
            if (!AwsErrors.errorCode(e).startsWith("DBInstanceAlreadyExists")) {
                throw e;
            }
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        DBInstance db = current.detail(DBInstance.class);
        if ("stopped".equals(db.dbInstanceStatus())) {
            scope.rds().startDBInstance(r -> r.dbInstanceIdentifier(db.dbInstanceIdentifier()));
            return List.of("started: it was stopped");
        }
        if (!SERVING.contains(db.dbInstanceStatus())) {
            return List.of();
        }
        WebPlatformSpec.Database spec = scope.spec().database;
        var pending = db.pendingModifiedValues();
        ModifyDbInstanceRequest.Builder modify = ModifyDbInstanceRequest.builder().dbInstanceIdentifier(db.dbInstanceIdentifier())
                .applyImmediately(true);
        List<String> changes = new ArrayList<>();
        if (!spec.instanceClass.equals(db.dbInstanceClass()) && (pending == null || !spec.instanceClass.equals(pending.dbInstanceClass()))) {
            modify.dbInstanceClass(spec.instanceClass);
            changes.add("class " + db.dbInstanceClass() + " -> " + spec.instanceClass);
        }
        if (db.allocatedStorage() != null && db.allocatedStorage() < spec.storageGiB
                && (pending == null || pending.allocatedStorage() == null || pending.allocatedStorage() < spec.storageGiB)) {
            modify.allocatedStorage(spec.storageGiB);
            changes.add("storage " + db.allocatedStorage() + " -> " + spec.storageGiB + " GiB");
        }
        if (db.backupRetentionPeriod() == null || db.backupRetentionPeriod() != spec.backupRetentionDays) {
            modify.backupRetentionPeriod(spec.backupRetentionDays);
            changes.add("backup retention " + db.backupRetentionPeriod() + " -> " + spec.backupRetentionDays + " days");
        }
        if (!Boolean.valueOf(spec.multiAZ).equals(db.multiAZ()) && (pending == null || !Boolean.valueOf(spec.multiAZ).equals(pending.multiAZ()))) {
            modify.multiAZ(spec.multiAZ);
            changes.add("Multi-AZ " + db.multiAZ() + " -> " + spec.multiAZ);
        }
        if (!Boolean.valueOf(spec.deletionProtection).equals(db.deletionProtection())) {
            modify.deletionProtection(spec.deletionProtection);
            changes.add("deletion protection " + db.deletionProtection() + " -> " + spec.deletionProtection);
        }
        if (Boolean.TRUE.equals(db.publiclyAccessible())) {
            modify.publiclyAccessible(false);
            changes.add("no longer publicly accessible");
        }
        String dbGroup = SecurityGroups.groupId(scope, "db");
        List<String> groups = db.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList();
        if (!groups.equals(List.of(dbGroup))) {
            modify.vpcSecurityGroupIds(dbGroup);
            changes.add("security groups " + groups + " -> [" + dbGroup + "]");
        }
        if (db.masterUserSecret() == null) {
            modify.manageMasterUserPassword(true);
            changes.add("master password handed back to Secrets Manager");
        }
        if (!Boolean.valueOf(autoMinorVersionUpgrade(spec)).equals(db.autoMinorVersionUpgrade())) {
            modify.autoMinorVersionUpgrade(autoMinorVersionUpgrade(spec));
            changes.add("auto minor version upgrade " + db.autoMinorVersionUpgrade() + " -> " + autoMinorVersionUpgrade(spec));
        }
        EngineVersion wanted = EngineVersion.of(spec.engineVersion);
        if (wanted.judge(db.engineVersion()) == EngineVersion.Verdict.UPGRADE
                && (pending == null || pending.engineVersion() == null || wanted.judge(pending.engineVersion()) == EngineVersion.Verdict.UPGRADE)) {
            modify.engineVersion(spec.engineVersion).allowMajorVersionUpgrade(!EngineVersion.of(db.engineVersion()).major().equals(wanted.major()));
            changes.add("engine version " + db.engineVersion() + " -> " + spec.engineVersion);
        }
        if (!changes.isEmpty()) {
            scope.rds().modifyDBInstance(modify.build());
        }
        return changes;
    }

    @Override
    public boolean retainedOnDelete(PlatformScope scope) {
        return scope.spec().database.deletionPolicy == WebPlatformSpec.DatabaseDeletionPolicy.Retain;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        return retire(scope, current.detail(DBInstance.class), scope.spec().database.deletionProtection, clock);
    }

    /**
     * Deletes a DB instance by the deletion policy (Snapshot: with a final snapshot), false until it
     * is gone. Deletion protection is lifted only when the spec no longer asks for it ({@code protect}).
     */
    static boolean retire(PlatformScope scope, DBInstance db, boolean protect, Clock clock) {
        if ("deleting".equals(db.dbInstanceStatus())) {
            return false;
        }
        String id = db.dbInstanceIdentifier();
        if (Boolean.TRUE.equals(db.deletionProtection())) {
            if (protect) {
                throw new UserError("DeletionProtected", "DB instance " + id + " has deletion protection on: set spec.database.deletionProtection"
                        + " to false to delete it, or spec.database.deletionPolicy to Retain to keep it");
            }
            scope.rds().modifyDBInstance(r -> r.dbInstanceIdentifier(id).deletionProtection(false).applyImmediately(true));
        }
        if (!SERVING.contains(db.dbInstanceStatus()) && !"stopped".equals(db.dbInstanceStatus())) {
            throw new StillWorking("database " + id + " " + db.dbInstanceStatus() + "; deleted once AWS is done");
        }
        boolean snapshot = scope.spec().database.deletionPolicy == WebPlatformSpec.DatabaseDeletionPolicy.Snapshot;
        // Only one DeleteDBInstance is ever sent: afterwards the instance is "deleting", so the name can carry the time.
        String finalSnapshot = finalSnapshotId(id, clock.instant());
        scope.rds().deleteDBInstance(r -> r.dbInstanceIdentifier(id)
                .skipFinalSnapshot(!snapshot)
                .finalDBSnapshotIdentifier(snapshot ? finalSnapshot : null)
                .deleteAutomatedBackups(true));
        return false;
    }

    static String finalSnapshotId(String instanceId, Instant when) {
        return instanceId + "-final-" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(when);
    }

    /** AWS upgrades minors on its own unless the spec pins one: then upgrades are the spec's to make. */
    static boolean autoMinorVersionUpgrade(WebPlatformSpec.Database spec) {
        return !EngineVersion.of(spec.engineVersion).pinsMinor();
    }

    public static DBInstance of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : observed.detail(DBInstance.class);
    }
}
