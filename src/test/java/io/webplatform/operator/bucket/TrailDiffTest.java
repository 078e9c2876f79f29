package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A member's diff against the shared trail, on values built by hand. */
class TrailDiffTest {
    private static final String SELECTOR_NAME = "webplatform.io/webplatform: S3 object writes of SecureBuckets";
    private static final String ME = "arn:aws:s3:::logs/";
    private static final String OTHER = "arn:aws:s3:::other/";
    private static final String KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/cloudtrail/wp-webplatform-bucket-writes:*";
    private static final String ROLE = "arn:aws:iam::123456789012:role/wp-webplatform-trail-logs-abc123";
    private static final Trail.Desired DESIRED = new Trail.Desired("wp-webplatform-bucket-writes", "shared-logs", KEY, true,
            Map.of("webplatform.io/owner-uid", "installation"), SELECTOR_NAME, ME, true, GROUP, ROLE);

    private final Trail trail = new Trail();

    private static software.amazon.awssdk.services.cloudtrail.model.Trail trail(String bucket, boolean validation) {
        return trail(bucket, validation, KEY);
    }

    private static software.amazon.awssdk.services.cloudtrail.model.Trail trail(String bucket, boolean validation, String keyArn) {
        return software.amazon.awssdk.services.cloudtrail.model.Trail.builder().name("wp-webplatform-bucket-writes").s3BucketName(bucket)
                .kmsKeyId(keyArn).logFileValidationEnabled(validation).cloudWatchLogsLogGroupArn(GROUP).cloudWatchLogsRoleArn(ROLE).build();
    }

    private static Trail.State state(String bucket, boolean validation, boolean logging, List<AdvancedEventSelector> selectors) {
        return new Trail.State(trail(bucket, validation), logging, selectors, SELECTOR_NAME);
    }

    @Test
    void aLoggingValidatedTrailListingThisMemberHasNoChange() {
        assertThat(trail.diff(state("shared-logs", true, true, List.of(Trail.selector(SELECTOR_NAME, List.of(OTHER, ME)))), DESIRED)).isEmpty();
    }

    @Test
    void aRemovedCloudWatchLogsDeliveryIsRestoredAndTheOptOutRemovesIt() {
        var selectors = List.of(Trail.selector(SELECTOR_NAME, List.of(ME)));
        // UpdateTrail with empty strings removes the delivery; GetTrail may then answer empty strings.
        var cleared = trail("shared-logs", true).toBuilder().cloudWatchLogsLogGroupArn("").cloudWatchLogsRoleArn("").build();
        assertThat(trail.diff(new Trail.State(cleared, true, selectors, SELECTOR_NAME), DESIRED)).containsExactly(
                Change.described("CloudWatch Logs delivery", "off", GROUP + " as " + ROLE, "events delivered to CloudWatch Logs group " + GROUP));
        Trail.Desired optedOut = new Trail.Desired(DESIRED.name(), DESIRED.logBucket(), KEY, true, DESIRED.tags(), SELECTOR_NAME, ME, true, null, null);
        assertThat(trail.diff(new Trail.State(cleared, true, selectors, SELECTOR_NAME), optedOut)).isEmpty();
        assertThat(trail.diff(state("shared-logs", true, true, selectors), optedOut)).containsExactly(
                Change.described("CloudWatch Logs delivery", GROUP + " as " + ROLE, "off",
                        "CloudWatch Logs delivery removed (the chart's trail.cloudWatchLogs.enabled: false)"));
    }

    @Test
    void stoppedLoggingIsStarted() {
        assertThat(trail.diff(state("shared-logs", true, false, List.of(Trail.selector(SELECTOR_NAME, List.of(ME)))), DESIRED))
                .containsExactly(Change.described("logging", "stopped", "started", "logging started"));
    }

    @Test
    void validationOffAndAnotherDestinationAreRestored() {
        assertThat(trail.diff(state("elsewhere", false, true, List.of(Trail.selector(SELECTOR_NAME, List.of(ME)))), DESIRED)).containsExactly(
                Change.described("log file validation", "off", "on", "log file validation turned on"),
                Change.of("destination", "elsewhere", "shared-logs"));
    }

    @Test
    void aMemberMissingFromTheSelectorJoins() {
        String joined = "object writes of " + ME + " recorded by shared trail wp-webplatform-bucket-writes";
        // What CreateTrail leaves: no advanced selector (every management event).
        assertThat(trail.diff(state("shared-logs", true, true, List.of()), DESIRED))
                .containsExactly(Change.described("member", "no selector of the operator", "recorded", joined));
        // Another member's pass wrote its set without this one (a lost update across processes): drift, repaired.
        assertThat(trail.diff(state("shared-logs", true, true, List.of(Trail.selector(SELECTOR_NAME, List.of(OTHER)))), DESIRED))
                .containsExactly(Change.described("member", "not recorded (1 other member(s))", "recorded", joined));
        // The selector changed by hand (reads recorded too): put back.
        AdvancedEventSelector widened = AdvancedEventSelector.builder().name(SELECTOR_NAME).fieldSelectors(
                AdvancedFieldSelector.builder().field("eventCategory").equalsValue("Data").build(),
                AdvancedFieldSelector.builder().field("resources.type").equalsValue("AWS::S3::Object").build(),
                AdvancedFieldSelector.builder().field("resources.ARN").startsWith(ME).build()).build();
        assertThat(trail.diff(state("shared-logs", true, true, List.of(widened)), DESIRED))
                .extracting(Change::actual).containsExactly("a changed selector");
        // A person's own selector beside the operator's is not the operator's business.
        AdvancedEventSelector persons = AdvancedEventSelector.builder().name("audit").fieldSelectors(
                AdvancedFieldSelector.builder().field("eventCategory").equalsValue("Management").build()).build();
        assertThat(trail.diff(state("shared-logs", true, true, List.of(persons, Trail.selector(SELECTOR_NAME, List.of(ME)))), DESIRED)).isEmpty();
    }

    /**
     * GetTrail returns KmsKeyId as "a fully specified ARN to a KMS key" (CloudTrail API, Trail,
     * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html): compared with the key's ARN, so a trail
     * left on SSE-S3 (no KmsKeyId) or moved to another key is put back, and the same key is no change.
     */
    @Test
    void logFilesNotEncryptedWithTheTrailKeyAreRestored() {
        List<AdvancedEventSelector> recorded = List.of(Trail.selector(SELECTOR_NAME, List.of(ME)));
        String encrypted = "log files encrypted with KMS key " + KEY;
        assertThat(trail.diff(new Trail.State(trail("shared-logs", true, null), true, recorded, SELECTOR_NAME), DESIRED))
                .containsExactly(Change.described("log file encryption", "SSE-S3", KEY, encrypted));
        String another = "arn:aws:kms:eu-west-1:123456789012:key/0000abcd-12ab-34cd-56ef-1234567890ab";
        assertThat(trail.diff(new Trail.State(trail("shared-logs", true, another), true, recorded, SELECTOR_NAME), DESIRED))
                .containsExactly(Change.described("log file encryption", another, KEY, encrypted));
    }
}
