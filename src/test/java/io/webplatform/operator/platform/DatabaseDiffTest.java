package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.MasterUserSecret;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Database.diff without AWS: what a running instance differs in from the spec, as the events say it. */
class DatabaseDiffTest {
    private final Database database = new Database();

    /** The defaults: PostgreSQL 16 (minors by AWS), db.t4g.micro, 20 GiB, Multi-AZ, 7 days of backups. */
    private static Database.Desired desired() {
        return desired("db.t4g.micro", 20, 7, "16", true);
    }

    private static final String MONITORING_ROLE = "arn:aws:iam::123456789012:role/wp-demo-shop-abc123-db-monitoring";

    private static Database.Desired desired(String instanceClass, int storageGiB, int backupRetentionDays, String engineVersion,
                                            boolean autoMinorVersionUpgrade) {
        return desired(instanceClass, storageGiB, backupRetentionDays, engineVersion, autoMinorVersionUpgrade, 60);
    }

    private static Database.Desired desired(String instanceClass, int storageGiB, int backupRetentionDays, String engineVersion,
                                            boolean autoMinorVersionUpgrade, int monitoringInterval) {
        return new Database.Desired("wp-demo-shop-abc123", engineVersion, instanceClass, storageGiB, "app", "app", "wp-demo-shop-abc123",
                "sg-db", true, backupRetentionDays, true, true, autoMinorVersionUpgrade, List.of("postgresql", "upgrade"),
                monitoringInterval, monitoringInterval == 0 ? null : MONITORING_ROLE, null, Map.of("webplatform.io/component", "Database"));
    }

    private static Database.Desired monitoringEvery(int seconds) {
        return desired("db.t4g.micro", 20, 7, "16", true, seconds);
    }

    /** An available instance exactly as desired() asks. */
    private static DBInstance.Builder matching() {
        return DBInstance.builder().dbInstanceIdentifier("wp-demo-shop-abc123").dbInstanceStatus("available")
                .dbInstanceClass("db.t4g.micro").allocatedStorage(20).backupRetentionPeriod(7).multiAZ(true).deletionProtection(true)
                .iamDatabaseAuthenticationEnabled(true).publiclyAccessible(false).vpcSecurityGroups(g -> g.vpcSecurityGroupId("sg-db").status("active"))
                .masterUserSecret(s -> s.secretArn("arn:aws:secretsmanager:eu-west-3:123456789012:secret:rds!db-1"))
                .enabledCloudwatchLogsExports("upgrade", "postgresql")
                .monitoringInterval(60).monitoringRoleArn(MONITORING_ROLE)
                .autoMinorVersionUpgrade(true).engineVersion("16.4");
    }

    private List<String> diff(DBInstance actual, Database.Desired desired) {
        return database.diff(actual, desired).stream().map(Change::summary).toList();
    }

    @Test
    void iamAuthenticationTurnedOffByHandIsTurnedBackOn() {
        assertThat(diff(matching().iamDatabaseAuthenticationEnabled(false).build(), desired())).containsExactly("IAM authentication false -> true");
        assertThat(diff(matching().iamDatabaseAuthenticationEnabled(null).build(), desired())).containsExactly("IAM authentication null -> true");
    }

    @Test
    void logExportsFollowTheSpecAndOneAlreadyPendingIsNotAskedAgain() {
        assertThat(diff(matching().enabledCloudwatchLogsExports("postgresql").build(), desired()))
                .containsExactly("log exports [postgresql] -> [postgresql, upgrade]");
        assertThat(diff(matching().enabledCloudwatchLogsExports(List.of()).pendingModifiedValues(p -> p.pendingCloudwatchLogsExports(
                e -> e.logTypesToEnable("postgresql", "upgrade"))).build(), desired())).isEmpty();
    }

    @Test
    void aMatchingInstanceHasNoChanges() {
        assertThat(database.diff(matching().build(), desired())).isEmpty();
    }

    @Test
    void eachDriftedSettingIsOneChangeInTheOrderTheEventsList() {
        assertThat(diff(matching().build(), desired("db.t4g.small", 20, 14, "16", true)))
                .containsExactly("class db.t4g.micro -> db.t4g.small", "backup retention 7 -> 14 days");
        assertThat(diff(matching().allocatedStorage(20).build(), desired("db.t4g.micro", 50, 7, "16", true))).containsExactly("storage 20 -> 50 GiB");
        assertThat(diff(matching().multiAZ(false).build(), desired())).containsExactly("Multi-AZ false -> true");
        assertThat(diff(matching().deletionProtection(false).build(), desired())).containsExactly("deletion protection false -> true");
        assertThat(diff(matching().publiclyAccessible(true).build(), desired())).containsExactly("no longer publicly accessible");
        assertThat(diff(matching().vpcSecurityGroups(g -> g.vpcSecurityGroupId("sg-db"), g -> g.vpcSecurityGroupId("sg-open")).build(), desired()))
                .containsExactly("security groups [sg-db, sg-open] -> [sg-db]");
        assertThat(diff(matching().autoMinorVersionUpgrade(false).build(), desired())).containsExactly("auto minor version upgrade false -> true");
    }

    @Test
    void theFieldsNameWhatApplyModifies() {
        DBInstance drifted = matching().dbInstanceClass("db.t4g.small").allocatedStorage(10).backupRetentionPeriod(1).multiAZ(false)
                .deletionProtection(false).publiclyAccessible(true).vpcSecurityGroups(g -> g.vpcSecurityGroupId("sg-other"))
                .masterUserSecret((MasterUserSecret) null).autoMinorVersionUpgrade(false).monitoringInterval(0)
                .engineVersion("15.8").build();
        assertThat(database.diff(drifted, desired())).extracting(Change::field).containsExactly(Database.CLASS, Database.STORAGE,
                Database.BACKUP_RETENTION, Database.MULTI_AZ, Database.DELETION_PROTECTION, Database.PUBLICLY_ACCESSIBLE,
                Database.SECURITY_GROUPS, Database.MASTER_PASSWORD, Database.AUTO_MINOR_VERSION_UPGRADE, Database.MONITORING,
                Database.ENGINE_VERSION);
    }

    @Test
    void enhancedMonitoringTurnedOffByHandIsTurnedBackOnWithTheRole() {
        assertThat(diff(matching().monitoringInterval(0).monitoringRoleArn(null).build(), desired()))
                .containsExactly("Enhanced Monitoring every 60 s with " + MONITORING_ROLE);
        // RDS leaves a null interval out of its answer for an instance that never monitored.
        assertThat(diff(matching().monitoringInterval((Integer) null).monitoringRoleArn(null).build(), desired()))
                .containsExactly("Enhanced Monitoring every 60 s with " + MONITORING_ROLE);
    }

    @Test
    void enhancedMonitoringFollowsTheIntervalAndTheRole() {
        assertThat(diff(matching().monitoringInterval(5).build(), desired())).containsExactly("Enhanced Monitoring every 60 s with " + MONITORING_ROLE);
        assertThat(diff(matching().build(), monitoringEvery(15))).containsExactly("Enhanced Monitoring every 15 s with " + MONITORING_ROLE);
        // Another role (a person's, or RDS's console default) is replaced by this WebPlatform's own.
        assertThat(diff(matching().monitoringRoleArn("arn:aws:iam::123456789012:role/rds-monitoring-role").build(), desired()))
                .containsExactly("Enhanced Monitoring every 60 s with " + MONITORING_ROLE);
        assertThat(database.diff(matching().monitoringInterval(1).build(), monitoringEvery(1))).isEmpty();
    }

    @Test
    void anIntervalOfZeroTurnsMonitoringOffWhateverRoleRdsStillReports() {
        assertThat(diff(matching().build(), monitoringEvery(0))).containsExactly("Enhanced Monitoring turned off");
        assertThat(database.diff(matching().monitoringInterval(0).build(), monitoringEvery(0))).isEmpty();
        assertThat(database.diff(matching().monitoringInterval(0).monitoringRoleArn(null).build(), monitoringEvery(0))).isEmpty();
    }

    @Test
    void storageOnlyGrows() {
        assertThat(database.diff(matching().allocatedStorage(100).build(), desired())).isEmpty();
    }

    @Test
    void aRestoredInstanceGetsItsManagedPasswordBack() {
        DBInstance restored = matching().masterUserSecret((MasterUserSecret) null).build();
        assertThat(database.diff(restored, desired())).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo(Database.MASTER_PASSWORD);
            assertThat(c.summary()).isEqualTo("master password handed back to Secrets Manager");
        });
    }

    @Test
    void theEngineVersionOnlyGoesUp() {
        Database.Desired pinned = desired("db.t4g.micro", 20, 7, "16.8", false);
        assertThat(diff(matching().engineVersion("16.6").autoMinorVersionUpgrade(false).build(), pinned))
                .containsExactly("engine version 16.6 -> 16.8");
        // AWS (or a person) upgraded past the spec: kept, said in status, never downgraded.
        assertThat(database.diff(matching().engineVersion("16.9").autoMinorVersionUpgrade(false).build(), pinned)).isEmpty();
        // A major in the spec is satisfied by any of its minors, and hands minors back to AWS.
        assertThat(diff(matching().engineVersion("16.8").autoMinorVersionUpgrade(false).build(), desired()))
                .containsExactly("auto minor version upgrade false -> true");
        assertThat(diff(matching().engineVersion("15.8").build(), desired())).containsExactly("engine version 15.8 -> 16");
    }

    @Test
    void whatAPendingModificationBringsIsNotAskedForAgain() {
        Database.Desired wanted = desired("db.t4g.micro", 50, 7, "16.8", true);
        DBInstance pending = matching().multiAZ(false).dbInstanceClass("db.t4g.small").allocatedStorage(20).engineVersion("16.4")
                .pendingModifiedValues(PendingModifiedValues.builder().dbInstanceClass("db.t4g.micro").allocatedStorage(50).multiAZ(true)
                        .engineVersion("16.8").build()).build();
        assertThat(database.diff(pending, wanted)).isEmpty();
        DBInstance notYet = matching().allocatedStorage(20).engineVersion("16.4")
                .pendingModifiedValues(PendingModifiedValues.builder().allocatedStorage(30).engineVersion("16.6").build()).build();
        assertThat(diff(notYet, wanted)).containsExactly("storage 20 -> 50 GiB", "engine version 16.4 -> 16.8");
    }

    @Test
    void aStoppedInstanceIsOnlyStarted() {
        DBInstance stopped = matching().dbInstanceStatus("stopped").dbInstanceClass("db.t4g.large").publiclyAccessible(true).build();
        assertThat(database.diff(stopped, desired())).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo(Database.STATUS);
            assertThat(c.summary()).isEqualTo("started: it was stopped");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"creating", "modifying", "rebooting", "deleting", "starting", "stopping"})
    void anInstanceAwsIsWorkingOnIsLeftAlone(String status) {
        assertThat(database.diff(matching().dbInstanceStatus(status).dbInstanceClass("db.t4g.large").build(), desired())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"backing-up", "maintenance", "storage-optimization"})
    void anInstanceThatServesIsRepaired(String status) {
        assertThat(diff(matching().dbInstanceStatus(status).publiclyAccessible(true).build(), desired()))
                .containsExactly("no longer publicly accessible");
    }
}
