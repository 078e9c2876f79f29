package io.webplatform.operator.aws;

import io.webplatform.operator.testing.OperatorPolicies;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The table of what a second attempt of each mutating call does. */
class IdempotencyTest {

    /** Granted for what AWS checks besides the call (tag-on-create, passing a role), or for calls the operator makes through no SDK client. */
    private static final Set<String> PERMISSIONS_THAT_ARE_NOT_CALLS = Set.of("iam:PassRole", "iam:CreateServiceLinkedRole",
            "iam:TagRole", "iam:TagInstanceProfile", "kms:TagResource", "sns:TagResource", "cloudwatch:TagResource",
            "cloudtrail:AddTags", "elasticloadbalancing:AddTags", "rds:AddTagsToResource", "logs:CreateLogDelivery",
            "logs:DeleteLogDelivery", "secretsmanager:CreateSecret", "secretsmanager:TagResource", "logs:TagResource");

    @Test
    void everyMutatingActionTheOperatorIsGrantedHasARow() {
        Set<String> mutating = OperatorPolicies.grantedActions().stream()
                .filter(a -> !ApiCallMetrics.isReadOnly(a))
                .filter(a -> !PERMISSIONS_THAT_ARE_NOT_CALLS.contains(a))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertThat(mutating).isNotEmpty();
        assertThat(mutating).as("mutating actions without a row in Idempotency").allMatch(Idempotency::hasRule);
    }

    @Test
    void onlyCreatesWithNeitherClientTokenNorUniqueNameAreKeptFromTheSdksRetries() {
        Set<String> noRetry = Idempotency.rules().values().stream().filter(r -> r.kind() == Idempotency.Kind.NO_RETRY)
                .map(Idempotency.Rule::action).collect(Collectors.toSet());
        assertThat(noRetry).containsExactlyInAnyOrder("ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway",
                "ec2:AllocateAddress", "kms:CreateKey");
    }

    @Test
    void aRowThatAnswersNamesTheCodesAndOnlyThoseMeanLanded() {
        assertThat(Idempotency.rules().values()).filteredOn(r -> r.kind() == Idempotency.Kind.ANSWERS)
                .allMatch(r -> !r.landedCodes().isEmpty());
        Map<String, String> examples = Map.of(
                "ec2:AuthorizeSecurityGroupIngress", "InvalidPermission.Duplicate",
                "ec2:RevokeSecurityGroupEgress", "InvalidPermission.NotFound",
                "ec2:CreateSecurityGroup", "InvalidGroup.Duplicate",
                "ec2:CreateRoute", "RouteAlreadyExists",
                "iam:CreateRole", "EntityAlreadyExists",
                "iam:AddRoleToInstanceProfile", "LimitExceeded",
                "kms:CreateAlias", "AlreadyExistsException",
                "s3:CreateBucket", "BucketAlreadyOwnedByYou",
                "cloudtrail:CreateTrail", "TrailAlreadyExistsException",
                "rds:CreateDBInstance", "DBInstanceAlreadyExists");
        examples.forEach((action, code) -> {
            assertThat(Idempotency.of(action).meansLanded(code)).as(action + " " + code).isTrue();
            assertThat(Idempotency.of(action).meansLanded("AccessDenied")).as(action + " AccessDenied").isFalse();
        });
        // Another bucket's name taken by someone else is never the operator's own.
        assertThat(Idempotency.of("s3:CreateBucket").meansLanded("BucketAlreadyExists")).isFalse();
        // A read, or a call without a row, is retried as the SDK likes and never adopted.
        assertThat(Idempotency.of("ec2:DescribeVpcs").kind()).isEqualTo(Idempotency.Kind.SAFE);
        assertThat(Idempotency.of("ec2:DescribeVpcs").meansLanded("InvalidVpcID.NotFound")).isFalse();
    }

    @Test
    void callsWithAClientTokenOrAnIdempotentNameAreSafe() {
        for (String action : Set.of("ec2:RunInstances", "ec2:CreateNatGateway", "ec2:CreateFlowLogs", "ec2:CreateRouteTable",
                "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener",
                "sns:CreateTopic", "cloudwatch:PutMetricAlarm")) {
            assertThat(Idempotency.of(action).kind()).as(action).isEqualTo(Idempotency.Kind.SAFE);
        }
    }
}
