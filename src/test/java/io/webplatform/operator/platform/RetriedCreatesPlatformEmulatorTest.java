package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.LoseAnswers;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ec2.model.IpPermission;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebPlatform's mutating calls whose first attempt landed in the emulator and whose answer was lost
 * (the LoseAnswers seam). A call a retry cannot repeat is sent again by the SDK, answered "already
 * exists" / "duplicate" / "does not exist", recognised as the operator's own and the component carried
 * on in the same pass. A create a retry would make twice (no client token, no unique name) is not sent
 * again: the step waits (Pending, no Warning) and the next pass finds what landed by its tags. Either
 * way: no Warning, never Stalled, no component Failed, and exactly one of everything in AWS.
 */
class RetriedCreatesPlatformEmulatorTest extends PlatformFixture {

    @AfterEach
    void clearSeam() {
        LOSE.clear();
    }

    /** Every pass until Ready, with what it reported. */
    private record Passes(WalkResult last, RecordedEvents events, List<WalkResult> all) {
    }

    private Passes convergeRecording(WebPlatform wp) {
        RecordedEvents events = new RecordedEvents();
        List<WalkResult> all = new ArrayList<>();
        WalkResult result = null;
        for (int pass = 0; pass < 16 && (result == null || !result.allReady() && !result.stalled()); pass++) {
            result = graph.reconcile(scope(wp), events);
            all.add(result);
        }
        return new Passes(result, events, all);
    }

    private static void assertNothingReported(Passes passes) {
        assertThat(passes.events().warnings).as("no error reported").isEmpty();
        for (WalkResult pass : passes.all()) {
            assertThat(pass.stalled()).as(pass.stalledMessage()).isFalse();
            assertThat(pass.failures()).isEmpty();
            assertThat(pass.components()).as("no component failed").noneMatch(c -> ComponentGraph.FAILED.equals(c.getState()));
        }
        assertThat(passes.last().allReady()).as(passes.last().waitingSummary()).isTrue();
    }

    /** The retry reaches the emulator, which answers what AWS answers a second identical call. */
    @ParameterizedTest(name = "{0} answered {1}")
    @CsvSource({
            "CreateSecurityGroup,           InvalidGroup.Duplicate",
            "AuthorizeSecurityGroupIngress, InvalidPermission.Duplicate",
            "CreateRoute,                   RouteAlreadyExists",
            "CreateRole,                    EntityAlreadyExists",
            "CreateInstanceProfile,         EntityAlreadyExists",
            "CreateDBInstance,              DBInstanceAlreadyExists",
            "CreateAlias,                   AlreadyExistsException",
            "CreateNetworkAclEntry,         NetworkAclEntryAlreadyExists",
    })
    void aRetriedCallWhoseFirstAttemptLandedIsTheOperatorsOwn(String operation, String code) {
        WebPlatform wp = platform(new WebPlatformSpec());
        LoseAnswers.Loss loss = LOSE.lose(operation);

        Passes passes = convergeRecording(wp);

        assertThat(loss.lost()).as("the first answer was lost").isEqualTo(1);
        assertThat(loss.retried()).as("the SDK sent it once more").isEqualTo(1);
        assertThat(loss.answeredToRetry()).isEqualTo(code);
        assertNothingReported(passes);
        assertThat(inventory(wp)).isEqualTo(FULL_PLATFORM);
    }

    /**
     * Where moto accepts a second identical call that AWS refuses, the seam answers the retry as AWS does:
     * AttachInternetGateway and AssociateRouteTable of what is attached/associated already answer
     * Resource.AlreadyAssociated (EC2 API Reference, "Error codes"); AddRoleToInstanceProfile of a profile
     * holding a role answers LimitExceeded ("An instance profile can contain only one role",
     * https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html); CreateDBSubnetGroup of
     * a name in use answers DBSubnetGroupAlreadyExists (RDS API Reference, CreateDBSubnetGroup, Errors); DeleteNetworkAclEntry
     * of an entry already deleted answers InvalidNetworkAclEntry.NotFound (EC2 error codes), where the emulator fails with a 500.
     */
    @ParameterizedTest(name = "{0} answered {1} (AWS's answer played)")
    @CsvSource({
            "AttachInternetGateway,    Resource.AlreadyAssociated, 400",
            "AssociateRouteTable,      Resource.AlreadyAssociated, 400",
            "AddRoleToInstanceProfile, LimitExceeded,              409",
            "CreateDBSubnetGroup,      DBSubnetGroupAlreadyExists, 400",
            "DeleteNetworkAclEntry,    InvalidNetworkAclEntry.NotFound, 400",
    })
    void aRetriedCallAwsRefusesAsADuplicateIsTheOperatorsOwn(String operation, String code, int status) {
        WebPlatform wp = platform(new WebPlatformSpec());
        LoseAnswers.Loss loss = LOSE.lose(operation).retryAnsweredAsAws(code, status, "played by the LoseAnswers seam as AWS answers");

        Passes passes = convergeRecording(wp);

        assertThat(loss.lost()).isEqualTo(1);
        assertThat(loss.retried()).isEqualTo(1);
        assertThat(loss.answeredToRetry()).isEqualTo(code);
        assertNothingReported(passes);
        assertThat(inventory(wp)).isEqualTo(FULL_PLATFORM);
    }

    /** No client token and no unique name: a second attempt would make a second one. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"CreateVpc", "CreateSubnet", "CreateInternetGateway", "AllocateAddress", "CreateKey"})
    void aCreateARetryWouldRepeatIsNotSentAgainAndTheNextPassFindsTheOneThatLanded(String operation) {
        WebPlatform wp = platform(new WebPlatformSpec());
        LoseAnswers.Loss loss = LOSE.lose(operation);

        Passes passes = convergeRecording(wp);

        assertThat(loss.lost()).isEqualTo(1);
        assertThat(loss.retried()).as("not retried by the SDK").isZero();
        assertThat(passes.all()).as("the step waited").anyMatch(p -> p.transientErrors() > 0);
        assertNothingReported(passes);
        assertThat(inventory(wp)).as("exactly one of each, counted by owner tag").isEqualTo(FULL_PLATFORM);
    }

    /** A revoke of a rule someone added: the retry is answered InvalidPermission.NotFound, the rule is gone as wanted. */
    @Test
    void aRetriedRevokeAnsweredNotFoundIsTheOperatorsOwn() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        String app = SecurityGroups.groupId(scope, "app");
        aws.ec2(Emulator.REGION).authorizeSecurityGroupIngress(r -> r.groupId(app).ipPermissions(IpPermission.builder().ipProtocol("tcp")
                .fromPort(22).toPort(22).ipRanges(x -> x.cidrIp("0.0.0.0/0")).build()));
        LoseAnswers.Loss loss = LOSE.lose("RevokeSecurityGroupIngress");

        Passes passes = convergeRecording(wp);

        assertThat(loss.lost()).isEqualTo(1);
        assertThat(loss.retried()).isEqualTo(1);
        assertThat(loss.answeredToRetry()).isEqualTo("InvalidPermission.NotFound");
        assertThat(passes.all()).as("repaired in one pass").hasSize(1);
        assertNothingReported(passes);
        assertThat(aws.ec2(Emulator.REGION).describeSecurityGroups(r -> r.groupIds(app)).securityGroups().get(0).ipPermissions())
                .noneMatch(p -> Integer.valueOf(22).equals(p.fromPort()));
    }
}
