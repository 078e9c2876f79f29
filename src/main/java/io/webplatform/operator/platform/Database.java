package io.webplatform.operator.platform;

import java.util.LinkedHashMap;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RDS PostgreSQL in the private subnets: encrypted gp3 storage, not publicly accessible, only the db
 * security group, automated backups (point-in-time recovery), its logs exported to CloudWatch Logs
 * ({@link DatabaseLogGroups}), Enhanced Monitoring with its own role ({@link DatabaseMonitoringRole}), the master
 * password kept by AWS in Secrets Manager, deletion protection on by default. Class, storage growth, backups, Multi-AZ, deletion protection and engine
 * upgrades change in place.
 */
public class Database implements Component<PlatformScope, Database.Desired, DBInstance> {
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

    /**
     * The instance as the operator wants it: what CreateDBInstance (or the restore call) sends, and what
     * ModifyDBInstance keeps in place afterwards. The subnet group and the db security group are read from
     * what their components observed in this pass.
     */
    public record Desired(String id, String engineVersion, String instanceClass, int storageGiB, String databaseName,
                          String masterUsername, String subnetGroup, String securityGroupId, boolean multiAZ,
                          int backupRetentionDays, boolean deletionProtection, boolean iamAuthentication, boolean autoMinorVersionUpgrade,
                          List<String> logExports, int monitoringInterval, String monitoringRoleArn, RestoreSource restore,
                          Map<String, String> tags) {
    }

    /** A restore's source: a snapshot, or an instance at a time (its latest restorable time when null). */
    public record RestoreSource(String fromSnapshot, String fromInstance, Instant toTime) {
    }

    @Override
    public Desired desired(PlatformScope scope) {
        WebPlatformSpec.Database spec = scope.spec().database;
        String id = DatabaseNames.instanceId(scope);
        WebPlatformSpec.Restore restore = spec.restore;
        return new Desired(id, spec.engineVersion, spec.instanceClass, spec.storageGiB, spec.databaseName, spec.masterUsername,
                scope.idOf(DbSubnetGroup.NAME), SecurityGroups.groupId(scope, "db"), spec.multiAZ, spec.backupRetentionDays,
                spec.deletionProtection, spec.iamAuthentication, autoMinorVersionUpgrade(spec), List.copyOf(spec.logExports),
                spec.monitoringIntervalSeconds, DatabaseMonitoringRole.arnIfWanted(scope),
                restore == null ? null : new RestoreSource(restore.fromSnapshot, restore.fromInstance,
                        restore.toTime == null ? null : Instant.parse(restore.toTime)),
                scope.tags(NAME, id));
    }

    @Override
    public Observed<DBInstance> observe(PlatformScope scope) {
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
        if (!owner.equals(scope.ownerKey())) {
            throw new UserError("DatabaseOwnedElsewhere", "DB instance " + db.dbInstanceIdentifier() + " exists and is not managed by this WebPlatform");
        }
        if (SERVING.contains(db.dbInstanceStatus()) && db.endpoint() != null) {
            if (db.masterUserSecret() == null) {
                // The app reads its password from this secret: the instances wait for it (apply asks AWS to make it).
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

    // Change fields, one per ModifyDBInstance parameter (STATUS: StartDBInstance).
    static final String STATUS = "status";
    static final String CLASS = "class";
    static final String STORAGE = "storage";
    static final String BACKUP_RETENTION = "backup retention";
    static final String MULTI_AZ = "Multi-AZ";
    static final String DELETION_PROTECTION = "deletion protection";
    static final String IAM_AUTHENTICATION = "IAM authentication";
    static final String PUBLICLY_ACCESSIBLE = "publicly accessible";
    static final String SECURITY_GROUPS = "security groups";
    static final String MASTER_PASSWORD = "master password";
    static final String AUTO_MINOR_VERSION_UPGRADE = "auto minor version upgrade";
    static final String ENGINE_VERSION = "engine version";
    static final String LOG_EXPORTS = "log exports";
    static final String MONITORING = "Enhanced Monitoring";

    /**
     * A stopped instance is only started (nothing else is modified until it serves); one AWS is working
     * on is left alone. What a pending modification already brings is not asked for again. Storage only
     * grows (RDS cannot shrink it); the engine version only goes up (RDS cannot downgrade).
     */
    @Override
    public List<Change> diff(DBInstance db, Desired desired) {
        if ("stopped".equals(db.dbInstanceStatus())) {
            return List.of(Change.described(STATUS, "stopped", "available", "started: it was stopped"));
        }
        if (!SERVING.contains(db.dbInstanceStatus())) {
            return List.of();
        }
        var pending = db.pendingModifiedValues();
        List<Change> changes = new ArrayList<>();
        if (!desired.instanceClass().equals(db.dbInstanceClass())
                && (pending == null || !desired.instanceClass().equals(pending.dbInstanceClass()))) {
            changes.add(Change.of(CLASS, db.dbInstanceClass(), desired.instanceClass()));
        }
        if (db.allocatedStorage() != null && db.allocatedStorage() < desired.storageGiB()
                && (pending == null || pending.allocatedStorage() == null || pending.allocatedStorage() < desired.storageGiB())) {
            changes.add(Change.described(STORAGE, db.allocatedStorage(), desired.storageGiB(),
                    "storage " + db.allocatedStorage() + " -> " + desired.storageGiB() + " GiB"));
        }
        if (db.backupRetentionPeriod() == null || db.backupRetentionPeriod() != desired.backupRetentionDays()) {
            changes.add(Change.described(BACKUP_RETENTION, db.backupRetentionPeriod(), desired.backupRetentionDays(),
                    "backup retention " + db.backupRetentionPeriod() + " -> " + desired.backupRetentionDays() + " days"));
        }
        if (!Boolean.valueOf(desired.multiAZ()).equals(db.multiAZ())
                && (pending == null || !Boolean.valueOf(desired.multiAZ()).equals(pending.multiAZ()))) {
            changes.add(Change.of(MULTI_AZ, db.multiAZ(), desired.multiAZ()));
        }
        if (!Boolean.valueOf(desired.deletionProtection()).equals(db.deletionProtection())) {
            changes.add(Change.of(DELETION_PROTECTION, db.deletionProtection(), desired.deletionProtection()));
        }
        if (!Boolean.valueOf(desired.iamAuthentication()).equals(db.iamDatabaseAuthenticationEnabled())) {
            changes.add(Change.of(IAM_AUTHENTICATION, db.iamDatabaseAuthenticationEnabled(), desired.iamAuthentication()));
        }
        if (Boolean.TRUE.equals(db.publiclyAccessible())) {
            changes.add(Change.described(PUBLICLY_ACCESSIBLE, true, false, "no longer publicly accessible"));
        }
        List<String> groups = db.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList();
        if (!groups.equals(List.of(desired.securityGroupId()))) {
            changes.add(Change.of(SECURITY_GROUPS, groups, List.of(desired.securityGroupId())));
        }
        if (db.masterUserSecret() == null) {
            // A restore cannot ask for it (ManageMasterUserPassword applies to Oracle only there), and a person may have turned it off.
            changes.add(Change.described(MASTER_PASSWORD, "not managed", "managed by Secrets Manager",
                    "master password handed back to Secrets Manager"));
        }
        if (!Boolean.valueOf(desired.autoMinorVersionUpgrade()).equals(db.autoMinorVersionUpgrade())) {
            changes.add(Change.of(AUTO_MINOR_VERSION_UPGRADE, db.autoMinorVersionUpgrade(), desired.autoMinorVersionUpgrade()));
        }
        // A change to the exports applies at once, whatever ApplyImmediately says; a pending one is not asked for again.
        Set<String> exported = Set.copyOf(db.enabledCloudwatchLogsExports());
        if (!exported.equals(Set.copyOf(desired.logExports())) && (pending == null || pending.pendingCloudwatchLogsExports() == null
                || !pending.pendingCloudwatchLogsExports().hasLogTypesToEnable() && !pending.pendingCloudwatchLogsExports().hasLogTypesToDisable())) {
            changes.add(Change.of(LOG_EXPORTS, exported.stream().sorted().toList(), desired.logExports().stream().sorted().toList()));
        }
        // MonitoringInterval and MonitoringRoleArn apply at once (ModifyDBInstance reference); RDS reports no pending value for them.
        int interval = db.monitoringInterval() == null ? 0 : db.monitoringInterval();
        if (interval != desired.monitoringInterval()
                || desired.monitoringInterval() > 0 && !desired.monitoringRoleArn().equals(db.monitoringRoleArn())) {
            changes.add(Change.described(MONITORING, monitoring(interval, db.monitoringRoleArn()),
                    monitoring(desired.monitoringInterval(), desired.monitoringRoleArn()),
                    desired.monitoringInterval() == 0 ? "Enhanced Monitoring turned off"
                            : "Enhanced Monitoring every " + desired.monitoringInterval() + " s with " + desired.monitoringRoleArn()));
        }
        EngineVersion wanted = EngineVersion.of(desired.engineVersion());
        if (wanted.judge(db.engineVersion()) == EngineVersion.Verdict.UPGRADE
                && (pending == null || pending.engineVersion() == null || wanted.judge(pending.engineVersion()) == EngineVersion.Verdict.UPGRADE)) {
            changes.add(Change.of(ENGINE_VERSION, db.engineVersion(), desired.engineVersion()));
        }
        return changes;
    }

    private static String monitoring(int interval, String roleArn) {
        return interval == 0 ? "off" : "every " + interval + " s (" + roleArn + ")";
    }

    /**
     * The instance as create (or a restore, then apply) leaves it: CloudFormation takes a snapshot or a
     * point in time on the same resource, and a managed master password in every case.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> db = new LinkedHashMap<>();
        db.put("DBInstanceIdentifier", desired.id());
        db.put("Engine", ENGINE);
        db.put("DBInstanceClass", desired.instanceClass());
        db.put("AllocatedStorage", String.valueOf(desired.storageGiB()));
        db.put("StorageType", "gp3");
        db.put("DBSubnetGroupName", desired.subnetGroup());
        db.put("VPCSecurityGroups", List.of(desired.securityGroupId()));
        db.put("PubliclyAccessible", false);
        db.put("MultiAZ", desired.multiAZ());
        db.put("BackupRetentionPeriod", desired.backupRetentionDays());
        db.put("DeletionProtection", desired.deletionProtection());
        db.put("EnableIAMDatabaseAuthentication", desired.iamAuthentication());
        db.put("CopyTagsToSnapshot", true);
        db.put("AutoMinorVersionUpgrade", desired.autoMinorVersionUpgrade());
        db.put("ManageMasterUserPassword", true);
        if (!desired.logExports().isEmpty()) {
            db.put("EnableCloudwatchLogsExports", desired.logExports());
        }
        db.put("MonitoringInterval", desired.monitoringInterval());
        if (desired.monitoringInterval() > 0) {
            db.put("MonitoringRoleArn", desired.monitoringRoleArn());
        }
        RestoreSource restore = desired.restore();
        if (restore == null) {
            db.put("EngineVersion", desired.engineVersion());
            db.put("StorageEncrypted", true);
            db.put("DBName", desired.databaseName());
            db.put("MasterUsername", desired.masterUsername());
        } else if (restore.fromSnapshot() != null) {
            // Engine, encryption, name and user come from the snapshot.
            db.put("DBSnapshotIdentifier", restore.fromSnapshot());
        } else {
            db.put("SourceDBInstanceIdentifier", restore.fromInstance());
            if (restore.toTime() == null) {
                db.put("UseLatestRestorableTime", true);
            } else {
                db.put("RestoreTime", restore.toTime().toString());
            }
        }
        db.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::RDS::DBInstance", db));
    }

    @Override
    public Observed<DBInstance> planned(PlatformScope scope, Desired desired) {
        String id = CfnResource.logicalId(NAME);
        return Observed.ready(desired.id(), DBInstance.builder().dbInstanceIdentifier(desired.id()).dbInstanceStatus("available")
                .engine(ENGINE).engineVersion(desired.engineVersion()).dbInstanceClass(desired.instanceClass())
                .endpoint(e -> e.address(CfnResource.attribute(id, "Endpoint.Address")).port(5432))
                .masterUserSecret(m -> m.secretArn(CfnResource.attribute(id, "MasterUserSecret.SecretArn")))
                .masterUsername(desired.masterUsername()).dbName(desired.databaseName())
                .monitoringInterval(desired.monitoringInterval()).monitoringRoleArn(desired.monitoringRoleArn()).build());
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        List<Tag> tags = desired.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        try {
            if (desired.restore() != null) {
                restore(scope, desired, tags);
                return;
            }
            scope.rds().createDBInstance(r -> r.dbInstanceIdentifier(desired.id())
                    .engine(ENGINE)
                    .engineVersion(desired.engineVersion())
                    .dbInstanceClass(desired.instanceClass())
                    .allocatedStorage(desired.storageGiB())
                    .storageType("gp3")
                    .storageEncrypted(true)
                    .dbName(desired.databaseName())
                    .masterUsername(desired.masterUsername())
                    .manageMasterUserPassword(true)
                    .dbSubnetGroupName(desired.subnetGroup())
                    .vpcSecurityGroupIds(desired.securityGroupId())
                    .publiclyAccessible(false)
                    .multiAZ(desired.multiAZ())
                    .backupRetentionPeriod(desired.backupRetentionDays())
                    .deletionProtection(desired.deletionProtection()).enableIAMDatabaseAuthentication(desired.iamAuthentication())
                    .copyTagsToSnapshot(true)
                    .autoMinorVersionUpgrade(desired.autoMinorVersionUpgrade())
                    .enableCloudwatchLogsExports(desired.logExports())
                    .monitoringInterval(desired.monitoringInterval())
                    .monitoringRoleArn(desired.monitoringRoleArn())
                    .tags(tags));
        } catch (RuntimeException e) {
            // CreateDBInstance and the restores take no client token; the deterministic identifier makes a retry harmless.
            if (!AwsErrors.errorCode(e).startsWith("DBInstanceAlreadyExists")) {
                throw monitoringRoleNew(scope, e);
            }
        }
    }

    /** A monitoring role IAM has not propagated yet is still working for a while (RDS refuses it meanwhile). */
    private static RuntimeException monitoringRoleNew(PlatformScope scope, RuntimeException e) {
        return Propagation.MONITORING_ROLE.judge(e, "monitoring role " + DatabaseMonitoringRole.roleName(scope),
                DatabaseMonitoringRole.madeAt(scope), scope.clock());
    }

    /**
     * A new instance from the snapshot or point in time; apply then makes what restores do not take:
     * backups, the engine version, Enhanced Monitoring (neither restore call takes MonitoringInterval or
     * MonitoringRoleArn), and the AWS-managed master password (ManageMasterUserPassword
     * "applies to RDS for Oracle only" on both restore calls, so it is turned on with ModifyDBInstance
     * once the restored instance is available).
     */
    private static void restore(PlatformScope scope, Desired desired, List<Tag> tags) {
        RestoreSource source = desired.restore();
        if (source.fromSnapshot() != null) {
            scope.rds().restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier(desired.id()).dbSnapshotIdentifier(source.fromSnapshot())
                    .dbInstanceClass(desired.instanceClass()).storageType("gp3").dbSubnetGroupName(desired.subnetGroup())
                    .vpcSecurityGroupIds(desired.securityGroupId()).publiclyAccessible(false).multiAZ(desired.multiAZ())
                    .deletionProtection(desired.deletionProtection()).enableIAMDatabaseAuthentication(desired.iamAuthentication()).copyTagsToSnapshot(true)
                    .autoMinorVersionUpgrade(desired.autoMinorVersionUpgrade()).enableCloudwatchLogsExports(desired.logExports()).tags(tags));
        } else {
            scope.rds().restoreDBInstanceToPointInTime(r -> r.targetDBInstanceIdentifier(desired.id())
                    .sourceDBInstanceIdentifier(source.fromInstance())
                    .restoreTime(source.toTime())
                    .useLatestRestorableTime(source.toTime() == null ? Boolean.TRUE : null)
                    .dbInstanceClass(desired.instanceClass()).storageType("gp3").dbSubnetGroupName(desired.subnetGroup())
                    .vpcSecurityGroupIds(desired.securityGroupId()).publiclyAccessible(false).multiAZ(desired.multiAZ())
                    .deletionProtection(desired.deletionProtection()).enableIAMDatabaseAuthentication(desired.iamAuthentication()).copyTagsToSnapshot(true)
                    .autoMinorVersionUpgrade(desired.autoMinorVersionUpgrade()).enableCloudwatchLogsExports(desired.logExports()).tags(tags));
        }
    }

    /** Starts a stopped instance, or sends every other change in one ModifyDBInstance, applied immediately. */
    @Override
    public void apply(PlatformScope scope, Observed<DBInstance> current, Desired desired, List<Change> changes) {
        DBInstance db = current.detail();
        if (changes.stream().anyMatch(c -> c.field().equals(STATUS))) {
            scope.rds().startDBInstance(r -> r.dbInstanceIdentifier(db.dbInstanceIdentifier()));
            return;
        }
        ModifyDbInstanceRequest.Builder modify = ModifyDbInstanceRequest.builder().dbInstanceIdentifier(db.dbInstanceIdentifier())
                .applyImmediately(true);
        for (Change change : changes) {
            switch (change.field()) {
                case CLASS -> modify.dbInstanceClass(desired.instanceClass());
                case STORAGE -> modify.allocatedStorage(desired.storageGiB());
                case BACKUP_RETENTION -> modify.backupRetentionPeriod(desired.backupRetentionDays());
                case MULTI_AZ -> modify.multiAZ(desired.multiAZ());
                case DELETION_PROTECTION -> modify.deletionProtection(desired.deletionProtection());
                case IAM_AUTHENTICATION -> modify.enableIAMDatabaseAuthentication(desired.iamAuthentication());
                case PUBLICLY_ACCESSIBLE -> modify.publiclyAccessible(false);
                case SECURITY_GROUPS -> modify.vpcSecurityGroupIds(desired.securityGroupId());
                case MASTER_PASSWORD -> modify.manageMasterUserPassword(true);
                case AUTO_MINOR_VERSION_UPGRADE -> modify.autoMinorVersionUpgrade(desired.autoMinorVersionUpgrade());
                case LOG_EXPORTS -> {
                    Set<String> exported = Set.copyOf(db.enabledCloudwatchLogsExports());
                    modify.cloudwatchLogsExportConfiguration(c -> c
                            .enableLogTypes(desired.logExports().stream().filter(t -> !exported.contains(t)).toList())
                            .disableLogTypes(exported.stream().filter(t -> !desired.logExports().contains(t)).sorted().toList()));
                }
                case ENGINE_VERSION -> modify.engineVersion(desired.engineVersion()).allowMajorVersionUpgrade(
                        !EngineVersion.of(db.engineVersion()).major().equals(EngineVersion.of(desired.engineVersion()).major()));
                case MONITORING -> modify.monitoringInterval(desired.monitoringInterval()).monitoringRoleArn(desired.monitoringRoleArn());
                default -> throw new IllegalArgumentException("Database cannot apply " + change);
            }
        }
        try {
            scope.rds().modifyDBInstance(modify.build());
        } catch (RuntimeException e) {
            throw monitoringRoleNew(scope, e);
        }
    }

    @Override
    public boolean retainedOnDelete(PlatformScope scope) {
        return scope.spec().database.deletionPolicy == WebPlatformSpec.DatabaseDeletionPolicy.Retain;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<DBInstance> current) {
        return retire(scope, current.detail(), clock);
    }

    /**
     * Deletes a DB instance by the deletion policy (Snapshot: with a final snapshot), false until it
     * is gone. Its deletion protection guards it against everyone else: the operator lifts it here,
     * where the deletion policy (never Retain on this path) says the instance goes.
     */
    static boolean retire(PlatformScope scope, DBInstance db, Clock clock) {
        if ("deleting".equals(db.dbInstanceStatus())) {
            return false;
        }
        String id = db.dbInstanceIdentifier();
        if (Boolean.TRUE.equals(db.deletionProtection())) {
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
        return observed == null ? null : (DBInstance) observed.detail();
    }
}
