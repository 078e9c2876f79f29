package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.DeleteTrailRequest;
import software.amazon.awssdk.services.iam.model.DeleteRoleRequest;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delete-failure classes on a SecureBucket against the emulator, AWS's errors played by the
 * FailCalls seam where moto does not produce them: a delete answered "not found" finishes (GONE); a
 * throttled one backs off then finishes (TRANSIENT); a refused permission and an instance profile made
 * outside the operator stall with DeleteBlocked, naming the action and what to do, and the deletion
 * finishes once the cause is removed (BLOCKED). A bucket that is not empty: SecureBucketEmulatorTest.
 */
class DeleteFailuresBucketEmulatorTest {
    private static final FailCalls FAIL = new FailCalls();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static AwsClients aws;
    /** A person with the AWS console: no seam. */
    private static AwsClients person;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(FAIL);
        person = Emulator.clients();
    }

    @AfterEach
    void clearSeam() {
        FAIL.clear();
    }

    @AfterAll
    static void close() {
        aws.close();
        person.close();
    }

    private SecureBucket converged() {
        SecureBucketSpec spec = TestResources.fullSpec();
        // A destination of its own, so that its trail's only member is this SecureBucket: its deletion deletes the trail.
        spec.trail.logBucketName = "del-logs-" + System.nanoTime() % 10000000 + "-" + SEQ.get();
        SecureBucket sb = TestResources.secureBucket("del" + System.nanoTime() % 100000 + "-" + SEQ.incrementAndGet(), spec);
        WalkResult result = null;
        for (int pass = 0; pass < 5 && (result == null || !result.allReady()); pass++) {
            result = graph.reconcile(new BucketScope(sb, aws, "123456789012"), new RecordedEvents());
        }
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        return sb;
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, aws, "123456789012");
    }

    private WalkResult deletePass(SecureBucket sb) {
        return graph.delete(new BucketScope(sb, aws, "123456789012"), new RecordedEvents());
    }

    /** Passes until every component is gone or kept, or the deletion is stalled; at most {@code passes}. */
    private WalkResult deleteUntilDoneOrStalled(SecureBucket sb, int passes) {
        WalkResult result = null;
        for (int pass = 0; pass < passes && (result == null || !result.allGone() && !result.stalled()); pass++) {
            result = deletePass(sb);
        }
        return result;
    }

    @Test
    void aDeleteAnsweredNotFoundFinishesTheDeletionWithoutRetrying() {
        SecureBucket sb = converged();
        BucketNames names = BucketNames.of(sb);
        // Someone deletes the trail between the operator's read and its delete: CloudTrail answers TrailNotFoundException.
        var raced = FAIL.answer("DeleteTrail", "TrailNotFoundException", 400,
                "Unknown trail: " + scope(sb).trailDestination().trail() + " for the user: 123456789012").when(request -> {
            person.cloudTrail(Emulator.REGION).deleteTrail(r -> r.name(((DeleteTrailRequest) request).name()));
            return true;
        });
        int before = FAIL.seen("DeleteTrail");

        WalkResult result = deletePass(sb);

        assertThat(result.allGone()).as(result.waitingSummary() + result.stalledMessage()).isTrue();
        assertThat(result.stalled()).isFalse();
        assertThat(result.component(Trail.NAME).getState()).isEqualTo(ComponentGraph.DELETED);
        assertThat(result.component(Trail.NAME).getMessage()).isEqualTo("GONE TrailNotFoundException: the trail is already deleted");
        assertThat(raced.answered()).isEqualTo(1);
        assertThat(FAIL.seen("DeleteTrail") - before).as("DeleteTrail calls: the one answered, no retry").isEqualTo(1);
        assertThat(deletePass(sb).allGone()).isTrue();
        assertThat(FAIL.seen("DeleteTrail") - before).as("nor at the next pass").isEqualTo(1);
        assertThat(AwsInventory.of(aws, scope(sb)).sharedTrail()).isFalse();
    }

    @Test
    void aThrottledDeleteBacksOffThenFinishes() {
        SecureBucket sb = converged();
        BucketNames names = BucketNames.of(sb);
        var throttled = FAIL.answer("DeleteTrail", "ThrottlingException", 400, "Rate exceeded").times(2);

        WalkResult first = deletePass(sb);
        assertThat(first.stalled()).isFalse();
        assertThat(first.allGone()).isFalse();
        assertThat(first.transientErrors()).isEqualTo(1);
        assertThat(first.component(Trail.NAME).getState()).isEqualTo(ComponentGraph.DELETING);
        assertThat(first.component(Trail.NAME).getMessage()).isEqualTo("TRANSIENT ThrottlingException: AWS asked to slow down; retried with backoff");
        assertThat(first.component(Trail.NAME).getLastError()).isEqualTo("ThrottlingException: Rate exceeded");
        assertThat(first.component(TrailBucket.NAME).getState()).as("what the trail writes to waits for it").isEqualTo(ComponentGraph.WAITING);

        WalkResult done = deleteUntilDoneOrStalled(sb, 4);
        assertThat(done.allGone()).as(done.waitingSummary()).isTrue();
        assertThat(throttled.answered()).isEqualTo(2);
        AwsInventory left = AwsInventory.of(aws, scope(sb));
        assertThat(left.sharedTrail()).isFalse();
        assertThat(left.role()).isFalse();
    }

    @Test
    void aDeletePermissionMissingStallsNamingTheActionAndFinishesOnceGranted() {
        SecureBucket sb = converged();
        BucketNames names = BucketNames.of(sb);
        // IAM's answer to a principal whose policies do not allow the action (IAM User Guide, "Troubleshoot access denied").
        var denied = FAIL.answer("DeleteRole", "AccessDenied", 403, "User: arn:aws:sts::123456789012:assumed-role/webplatform-operator/op"
                + " is not authorized to perform: iam:DeleteRole on resource: role " + names.replicationRole()
                + " because no identity-based policy allows the iam:DeleteRole action")
                // The replication role's only: the shared trail's CloudWatch Logs role goes with the trail.
                .when(r -> ((DeleteRoleRequest) r).roleName().equals(names.replicationRole()));

        WalkResult blocked = deleteUntilDoneOrStalled(sb, 4);

        assertThat(blocked.stalled()).isTrue();
        assertThat(blocked.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(blocked.stalledMessage()).startsWith("ReplicationRole role " + names.replicationRole() + ": iam:DeleteRole refused (AccessDenied: ")
                .contains("Grant `iam:DeleteRole` to the operator's IAM role").endsWith("the deletion resumes by itself once that is done");
        assertThat(blocked.component(ReplicationRole.NAME).getMessage()).isEqualTo("BLOCKED AccessDenied: the operator's role lacks the permission `iam:DeleteRole`");
        assertThat(blocked.component(Trail.NAME).getState()).as("independent parts are deleted meanwhile").isEqualTo(ComponentGraph.DELETED);
        assertThat(AwsInventory.of(aws, scope(sb)).role()).isTrue();
        int refused = denied.answered();
        assertThat(deletePass(sb).stalledMessage()).as("retried, and the same message").isEqualTo(blocked.stalledMessage());
        assertThat(denied.answered()).isEqualTo(refused + 1);

        denied.release(); // the permission is granted
        WalkResult done = deleteUntilDoneOrStalled(sb, 4);
        assertThat(done.allGone()).as(done.waitingSummary() + done.stalledMessage()).isTrue();
        assertThat(done.stalled()).isFalse();
        assertThat(AwsInventory.of(aws, scope(sb)).role()).isFalse();
    }

    @Test
    void anInstanceProfileSomeoneMadeWithTheOperatorsRoleBlocksItUntilTheRoleIsRemovedFromIt() {
        SecureBucket sb = converged();
        BucketNames names = BucketNames.of(sb);
        var iam = person.iam(Emulator.REGION);
        String profile = "someones-profile-" + SEQ.incrementAndGet();
        iam.createInstanceProfile(r -> r.instanceProfileName(profile));
        iam.addRoleToInstanceProfile(r -> r.instanceProfileName(profile).roleName(names.replicationRole()));
        int deleteRoleCalls = FAIL.seen("DeleteRole");

        // The emulator refuses DeleteRole itself here, as IAM does: DeleteConflict, "must remove roles from instance profile first".
        WalkResult blocked = deleteUntilDoneOrStalled(sb, 4);

        assertThat(blocked.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(blocked.stalledMessage()).startsWith("ReplicationRole role " + names.replicationRole() + ": iam:DeleteRole refused (DeleteConflict: ")
                .contains("still used by what was made outside the operator: instance profile " + profile)
                .contains("Remove the role from the instance profile the message names");
        assertThat(FAIL.seen("DeleteRole")).isGreaterThan(deleteRoleCalls);

        iam.removeRoleFromInstanceProfile(r -> r.instanceProfileName(profile).roleName(names.replicationRole()));
        WalkResult done = deleteUntilDoneOrStalled(sb, 4);
        assertThat(done.allGone()).as(done.waitingSummary() + done.stalledMessage()).isTrue();
        assertThat(AwsInventory.of(aws, scope(sb)).role()).isFalse();
        iam.deleteInstanceProfile(r -> r.instanceProfileName(profile));
    }

    @Test
    void aPolicyAttachedBetweenTheListingAndTheDeleteIsRemovedAtTheNextPass() {
        SecureBucket sb = converged();
        BucketNames names = BucketNames.of(sb);
        String policy = "arn:aws:iam::aws:policy/ReadOnlyAccess";
        // Someone attaches a policy just before DeleteRole: IAM answers DeleteConflict; the next pass detaches it.
        java.util.concurrent.atomic.AtomicBoolean attached = new java.util.concurrent.atomic.AtomicBoolean();
        FAIL.answer("DeleteRole", "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.").when(request -> {
            if (((DeleteRoleRequest) request).roleName().equals(names.replicationRole()) && !attached.getAndSet(true)) {
                person.iam(Emulator.REGION).attachRolePolicy(r -> r.roleName(((DeleteRoleRequest) request).roleName()).policyArn(policy));
                return true;
            }
            return false;
        });

        WalkResult first = deletePass(sb);
        assertThat(first.stalled()).isFalse();
        assertThat(first.component(ReplicationRole.NAME).getMessage()).startsWith("TRANSIENT DeleteConflict: a policy was attached");
        WalkResult done = deleteUntilDoneOrStalled(sb, 4);
        assertThat(done.allGone()).as(done.waitingSummary() + done.stalledMessage()).isTrue();
        assertThat(AwsInventory.of(aws, scope(sb)).role()).isFalse();
    }
}
