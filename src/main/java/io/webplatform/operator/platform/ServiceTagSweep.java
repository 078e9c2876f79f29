package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.aws.Ownership;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The last step of a delete beyond EC2 ({@link TagSweep}): whatever else in the region still carries
 * the WebPlatform's UID tag, found with the Resource Groups Tagging API, is deleted: alarms, SNS
 * topics, KMS keys (scheduled), load balancers (their deletion protection lifted), target groups,
 * listeners and log groups (a retained database's kept). RDS is left to the
 * deletion policy (snapshots and a retained database are kept on purpose). The tagging API lags
 * behind deletions, so each resource is checked before it counts as left.
 */
public final class ServiceTagSweep {
    private ServiceTagSweep() {
    }

    /** Starts deleting what is left; returns what was still there (empty when nothing is). */
    public static List<String> sweep(PlatformScope scope, Set<String> keep) {
        List<String> arns = scope.tagging().getResourcesPaginator(r -> r.tagFilters(TagFilter.builder().key(Ownership.OWNER_UID)
                        .values(scope.ownerKey()).build())).resourceTagMappingList().stream()
                .map(m -> m.resourceARN()).toList();
        List<String> left = new ArrayList<>();
        DeleteFailures.Refused blocked = null;
        for (String arn : arns) {
            if (keep.stream().anyMatch(arn::endsWith)) {
                continue;
            }
            boolean[] started = {false};
            try {
                DeleteFailures.call(arn, () -> started[0] = deleteOne(scope, arn, keep));
            } catch (DeleteFailures.Refused refused) {
                blocked = blocked != null || refused.failure().outcome() != DeleteFailures.Outcome.BLOCKED ? blocked : refused;
                left.add(arn + " (" + refused.failure().summary() + ")");
                continue;
            }
            if (started[0]) {
                left.add(arn);
            }
        }
        if (blocked != null) {
            throw blocked;
        }
        return left;
    }

    /** Deletes one resource by its ARN; false when it is already gone or not this sweep's to delete. */
    private static boolean deleteOne(PlatformScope scope, String arn, Set<String> keep) {
        String[] parts = arn.split(":", 6);
        String service = parts[2];
        String resource = parts.length > 5 ? parts[5] : "";
        switch (service) {
            case "cloudwatch" -> {
                String name = resource.substring(resource.indexOf(':') + 1);
                if (scope.cloudWatch().describeAlarms(r -> r.alarmNames(name)).metricAlarms().isEmpty()) {
                    return false;
                }
                scope.cloudWatch().deleteAlarms(r -> r.alarmNames(name));
            }
            case "sns" -> {
                scope.sns().getTopicAttributes(r -> r.topicArn(arn)); // NotFound when gone
                scope.sns().deleteTopic(r -> r.topicArn(arn));
            }
            case "kms" -> {
                var key = scope.kms().describeKey(r -> r.keyId(arn)).keyMetadata();
                if (key.keyState() == KeyState.PENDING_DELETION) {
                    return false;
                }
                scope.kms().scheduleKeyDeletion(r -> r.keyId(arn).pendingWindowInDays(7));
            }
            case "elasticloadbalancing" -> {
                if (resource.startsWith("loadbalancer/")) {
                    scope.elbv2().describeLoadBalancers(r -> r.loadBalancerArns(arn));
                    scope.elbv2().modifyLoadBalancerAttributes(r -> r.loadBalancerArn(arn).attributes(a -> a
                            .key(LoadBalancer.DELETION_PROTECTION).value("false")));
                    scope.elbv2().deleteLoadBalancer(r -> r.loadBalancerArn(arn));
                } else if (resource.startsWith("targetgroup/")) {
                    scope.elbv2().describeTargetGroups(r -> r.targetGroupArns(arn));
                    scope.elbv2().deleteTargetGroup(r -> r.targetGroupArn(arn));
                } else if (resource.startsWith("listener/")) {
                    scope.elbv2().describeListeners(r -> r.listenerArns(arn));
                    scope.elbv2().deleteListener(r -> r.listenerArn(arn));
                } else {
                    return false;
                }
            }
            case "logs" -> {
                String name = resource.replaceFirst("^log-group:", "").replaceFirst(":\\*$", "");
                if (keep.stream().anyMatch(name::startsWith)
                        || scope.logs().describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups().stream()
                        .noneMatch(g -> g.logGroupName().equals(name))) {
                    return false;
                }
                scope.logs().deleteLogGroup(r -> r.logGroupName(name));
            }
            default -> {
                return false; // EC2 has its own sweep; RDS follows the deletion policy; anything else is not made here
            }
        }
        return true;
    }
}
