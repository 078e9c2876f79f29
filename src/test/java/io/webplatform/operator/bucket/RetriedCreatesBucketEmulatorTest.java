package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.LoseAnswers;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SecureBucket's creates whose first attempt landed in the emulator and whose answer was lost (the
 * LoseAnswers seam): the SDK retries the ones a retry cannot make twice, the emulator answers "already
 * exists", and the pass carries on with what the first attempt made: one of each, no Warning, not
 * Stalled. KMS CreateKey has no idempotency: the SDK does not retry it, the pass waits (Pending, no
 * Warning), and the next pass finds the one key by its tags.
 */
class RetriedCreatesBucketEmulatorTest {
    private static final LoseAnswers LOSE = new LoseAnswers();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static AwsClients aws;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(LOSE);
    }

    @AfterEach
    void clearSeam() {
        LOSE.clear();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private SecureBucket fresh() {
        return TestResources.secureBucket("retry" + System.nanoTime() % 100000 + "-" + SEQ.incrementAndGet(), TestResources.fullSpec());
    }

    private WalkResult pass(SecureBucket sb, RecordedEvents events) {
        return graph.reconcile(new BucketScope(sb, aws, "123456789012"), events);
    }

    private static void assertOneOfEach(SecureBucket sb) {
        BucketScope scope = new BucketScope(sb, aws, "123456789012");
        BucketNames names = scope.names();
        AwsInventory inventory = AwsInventory.of(aws, scope);
        assertThat(inventory.keys()).as("KMS keys with this object's owner tag").hasSize(1);
        assertThat(inventory.buckets()).containsExactlyInAnyOrder(names.bucket(), names.backupBucket());
        assertThat(inventory.logBucket()).as("the trail's log bucket").isTrue();
        assertThat(inventory.role()).isTrue();
        assertThat(inventory.trail()).as("a member of its destination's trail").isTrue();
    }

    /** Calls a retry answers with an error that means "your first attempt did it": adopted in the same pass. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "CreateAlias,      AlreadyExistsException",
            "CreateRole,       EntityAlreadyExists",
            "CreateBucket,     BucketAlreadyOwnedByYou",
    })
    void aRetriedCreateWhoseFirstAttemptLandedIsAdoptedInTheSamePass(String operation, String code) {
        SecureBucket sb = fresh();
        RecordedEvents events = new RecordedEvents();
        var loss = LOSE.lose(operation);
        converges(sb, loss, events, code);
    }

    /** moto accepts a second CreateTrail of one name; AWS answers TrailAlreadyExistsException (CloudTrail API Reference, CreateTrail, Errors). */
    @Test
    void aRetriedCreateTrailWhoseFirstAttemptLandedIsAdoptedInTheSamePass() {
        SecureBucket sb = fresh();
        // A destination of its own, so that its pass creates the trail rather than joining the shared one.
        sb.getSpec().trail.logBucketName = sb.getMetadata().getName() + "-own-logs";
        String trail = new BucketScope(sb, aws, "123456789012").trailDestination().trail();
        var loss = LOSE.lose("CreateTrail").retryAnsweredAsAws("TrailAlreadyExistsException", 400,
                "Trail " + trail + " already exists for customer: 123456789012");
        converges(sb, loss, new RecordedEvents(), "TrailAlreadyExistsException");
    }

    private void converges(SecureBucket sb, LoseAnswers.Loss loss, RecordedEvents events, String code) {
        WalkResult first = pass(sb, events);

        assertThat(loss.lost()).as("the first answer was lost").isEqualTo(1);
        assertThat(loss.retried()).as("the SDK sent it once more").isEqualTo(1);
        assertThat(loss.answeredToRetry()).as("what AWS answers a second identical call").isEqualTo(code);
        assertThat(events.warnings).as("no error reported").isEmpty();
        assertThat(first.stalled()).as(first.stalledMessage()).isFalse();
        assertThat(first.failures()).isEmpty();
        assertThat(first.components()).as("no component failed").noneMatch(c -> ComponentGraph.FAILED.equals(c.getState()));
        WalkResult result = first;
        for (int pass = 0; pass < 4 && !result.allReady(); pass++) {
            result = pass(sb, events);
        }
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        assertThat(events.warnings).isEmpty();
        assertOneOfEach(sb);
    }

    @Test
    void aCreateKeyWhoseAnswerWasLostIsNotSentAgainAndTheNextPassFindsTheOneKey() {
        SecureBucket sb = fresh();
        RecordedEvents events = new RecordedEvents();
        var loss = LOSE.lose("CreateKey");
        int sentBefore = LOSE.sent("CreateKey");

        WalkResult first = pass(sb, events);

        assertThat(loss.lost()).isEqualTo(1);
        assertThat(loss.retried()).as("no SDK retry: a second CreateKey would make a second key").isZero();
        assertThat(events.warnings).as("a lost answer is retried by the operator, not reported").isEmpty();
        assertThat(first.stalled()).isFalse();
        assertThat(first.component(KmsKey.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(first.transientErrors()).isEqualTo(1);
        WalkResult result = first;
        for (int pass = 0; pass < 5 && !result.allReady(); pass++) {
            result = pass(sb, events);
        }
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        assertThat(LOSE.sent("CreateKey") - sentBefore).as("the next pass found the key by its tags: no second CreateKey").isEqualTo(1);
        assertThat(events.warnings).isEmpty();
        assertOneOfEach(sb);
    }
}
