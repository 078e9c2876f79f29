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
    private static final Trail.Desired DESIRED = new Trail.Desired("wp-webplatform-bucket-writes", "shared-logs", true,
            Map.of("webplatform.io/owner-uid", "installation"), SELECTOR_NAME, ME, true);

    private final Trail trail = new Trail();

    private static software.amazon.awssdk.services.cloudtrail.model.Trail trail(String bucket, boolean validation) {
        return software.amazon.awssdk.services.cloudtrail.model.Trail.builder().name("wp-webplatform-bucket-writes").s3BucketName(bucket)
                .logFileValidationEnabled(validation).build();
    }

    private static Trail.State state(String bucket, boolean validation, boolean logging, List<AdvancedEventSelector> selectors) {
        return new Trail.State(trail(bucket, validation), logging, selectors, SELECTOR_NAME);
    }

    @Test
    void aLoggingValidatedTrailListingThisMemberHasNoChange() {
        assertThat(trail.diff(state("shared-logs", true, true, List.of(Trail.selector(SELECTOR_NAME, List.of(OTHER, ME)))), DESIRED)).isEmpty();
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
}
