package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What AccessLogging compares: each source's target, prefix and key format, and its admission by the target's policy. */
class AccessLoggingDiffTest {
    private static final String TARGET = "wp-webplatform-123456789012-eu-west-3-access-logs";
    private static final String BACKUP_REGION_TARGET = "wp-webplatform-123456789012-eu-central-1-access-logs";
    private static final AccessLogging.Source DATA = new AccessLogging.Source(DataBucket.NAME, "data", "arn:aws:s3:::data", "data/",
            "eu-west-3", TARGET);
    private static final AccessLogging.Source BACKUP = new AccessLogging.Source(BackupBucket.NAME, "data-backup", "arn:aws:s3:::data-backup",
            "data-backup/", "eu-west-3", TARGET);
    private static final AccessLogging.Desired DESIRED = new AccessLogging.Desired(List.of(DATA, BACKUP));

    private static AccessLogging.State state(AccessLogging.Target data, AccessLogging.Target backup, List<String> admitted) {
        Map<String, AccessLogging.Target> logging = new LinkedHashMap<>();
        logging.put("data", data);
        logging.put("data-backup", backup);
        return new AccessLogging.State(logging, admitted);
    }

    private static AccessLogging.Target into(String prefix) {
        return new AccessLogging.Target(TARGET, prefix, AccessLogging.SIMPLE_PREFIX);
    }

    @Test
    void convergedLoggingHasNoChanges() {
        assertThat(new AccessLogging().diff(state(into("data/"), into("data-backup/"), List.of("arn:aws:s3:::data", "arn:aws:s3:::data-backup",
                "arn:aws:s3:::someone-else")), DESIRED)).isEmpty();
    }

    @Test
    void loggingOffElsewhereOrInAnotherFormatIsRepairedPerBucket() {
        List<Change> changes = new AccessLogging().diff(state(null, new AccessLogging.Target(TARGET, "data-backup/", "PartitionedPrefix EventTime"),
                List.of("arn:aws:s3:::data", "arn:aws:s3:::data-backup")), DESIRED);
        assertThat(changes).extracting(Change::field).containsExactly(AccessLogging.LOGGING_OF + "data", AccessLogging.LOGGING_OF + "data-backup");

        List<Change> elsewhere = new AccessLogging().diff(state(new AccessLogging.Target("other-bucket", "data/", AccessLogging.SIMPLE_PREFIX),
                into("wrong/"), List.of("arn:aws:s3:::data", "arn:aws:s3:::data-backup")), DESIRED);
        assertThat(elsewhere).hasSize(2);
    }

    @Test
    void aSourceTheTargetsPolicyNoLongerAdmitsIsAdmittedAgain() {
        List<Change> changes = new AccessLogging().diff(state(into("data/"), into("data-backup/"), List.of("arn:aws:s3:::data")), DESIRED);
        assertThat(changes).extracting(Change::field).containsExactly(AccessLogging.ADMITTED);
        assertThat(changes.get(0).summary()).contains("arn:aws:s3:::data-backup");
    }

    /** S3 delivers within a region only: a backup of another region logging into the bucket's region's target is repaired. */
    @Test
    void aCrossRegionBackupLogsIntoItsOwnRegionsTarget() {
        AccessLogging.Source backup = new AccessLogging.Source(BackupBucket.NAME, "data-backup", "arn:aws:s3:::data-backup",
                "data-backup/", "eu-central-1", BACKUP_REGION_TARGET);
        AccessLogging.Desired desired = new AccessLogging.Desired(List.of(DATA, backup));
        List<String> admitted = List.of("arn:aws:s3:::data", "arn:aws:s3:::data-backup");
        assertThat(new AccessLogging().diff(state(into("data/"), new AccessLogging.Target(BACKUP_REGION_TARGET, "data-backup/",
                AccessLogging.SIMPLE_PREFIX), admitted), desired)).isEmpty();
        List<Change> changes = new AccessLogging().diff(state(into("data/"), into("data-backup/"), admitted), desired);
        assertThat(changes).extracting(Change::field).containsExactly(AccessLogging.LOGGING_OF + "data-backup");
        assertThat(changes.get(0).summary()).contains(BACKUP_REGION_TARGET);
        assertThat(desired.arnsByRegion()).containsExactly(Map.entry("eu-west-3", List.of("arn:aws:s3:::data")),
                Map.entry("eu-central-1", List.of("arn:aws:s3:::data-backup")));
    }
}
