package io.webplatform.operator.testing;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupEgressRequest;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupEgressRequest;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.UpdateSecurityGroupRuleDescriptionsEgressRequest;
import software.amazon.awssdk.services.ec2.model.UpdateSecurityGroupRuleDescriptionsIngressRequest;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Security-group rule descriptions as EC2 keeps them, played through the SDK where the emulator (moto 5) differs.
 * <ul>
 * <li>A description is "up to 255 characters", of "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&amp;;{}!$*" (EC2 API
 * reference: IpRange, Ipv6Range, UserIdGroupPair, PrefixListId); another is refused here as EC2 refuses a parameter
 * outside its constraints (InvalidParameterValue), on AuthorizeSecurityGroup* and UpdateSecurityGroupRuleDescriptions*.
 * The emulator stores anything.</li>
 * <li>A rule whose peer is a group is one rule whatever its description, as a CIDR rule is: authorizing it again
 * under another description is InvalidPermission.Duplicate, a revoke finds it without its description, and
 * UpdateSecurityGroupRuleDescriptions* replaces its description ("You can replace an existing description, or add a
 * description to a rule that did not have one previously"). The emulator makes a group peer's description part of
 * the rule: it adds a second rule, answers a revoke without the description InvalidPermission.NotFound, and leaves
 * the description of a group rule as it was unless the update names the one it has.</li>
 * </ul>
 * The emulator's rules are the truth: this seam reads them (DescribeSecurityGroups, through a client of its own that
 * no other seam or metric sees), then refuses the request, gives the revoke the description held, or replaces the
 * group rule (revoke, authorize with the new description) before the update reaches the emulator.
 */
public class SecurityGroupRulesAsAws implements ExecutionInterceptor {
    /** The characters the API reference lists, and its length: a check of its own, not the operator's table. */
    private static final Pattern ALLOWED = Pattern.compile("[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*");
    public static final int MAX_DESCRIPTION = 255;
    public static final String INVALID_DESCRIPTION = "Invalid rule description: up to 255 characters of a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*";

    private final Map<String, Ec2Client> byRegion = new ConcurrentHashMap<>();

    /** The description AWS would take (none is fine). */
    public static boolean acceptable(String description) {
        return description == null || description.length() <= MAX_DESCRIPTION && ALLOWED.matcher(description).matches();
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof AuthorizeSecurityGroupIngressRequest r) {
            refuseInvalidDescriptions(r.ipPermissions());
            refuseGroupRulesHeld(attributes, r.groupId(), true, r.ipPermissions());
        } else if (request instanceof AuthorizeSecurityGroupEgressRequest r) {
            refuseInvalidDescriptions(r.ipPermissions());
            refuseGroupRulesHeld(attributes, r.groupId(), false, r.ipPermissions());
        } else if (request instanceof RevokeSecurityGroupIngressRequest r) {
            return r.toBuilder().ipPermissions(withHeldDescriptions(attributes, r.groupId(), true, r.ipPermissions())).build();
        } else if (request instanceof RevokeSecurityGroupEgressRequest r) {
            return r.toBuilder().ipPermissions(withHeldDescriptions(attributes, r.groupId(), false, r.ipPermissions())).build();
        } else if (request instanceof UpdateSecurityGroupRuleDescriptionsIngressRequest r) {
            refuseInvalidDescriptions(r.ipPermissions());
            replaceGroupRuleDescriptions(attributes, r.groupId(), true, r.ipPermissions());
        } else if (request instanceof UpdateSecurityGroupRuleDescriptionsEgressRequest r) {
            refuseInvalidDescriptions(r.ipPermissions());
            replaceGroupRuleDescriptions(attributes, r.groupId(), false, r.ipPermissions());
        }
        return request;
    }

    private static void refuseInvalidDescriptions(List<IpPermission> permissions) {
        for (IpPermission p : permissions) {
            List<String> descriptions = new ArrayList<>();
            p.ipRanges().forEach(x -> descriptions.add(x.description()));
            p.ipv6Ranges().forEach(x -> descriptions.add(x.description()));
            p.userIdGroupPairs().forEach(x -> descriptions.add(x.description()));
            p.prefixListIds().forEach(x -> descriptions.add(x.description()));
            if (!descriptions.stream().allMatch(SecurityGroupRulesAsAws::acceptable)) {
                throw error("InvalidParameterValue", INVALID_DESCRIPTION);
            }
        }
    }

    /** A group rule: protocol, ports and peer group, as EC2 tells rules apart. */
    private record GroupRule(String protocol, Integer fromPort, Integer toPort, String groupId) {
        static GroupRule of(IpPermission p, UserIdGroupPair pair) {
            return new GroupRule(p.ipProtocol(), "-1".equals(p.ipProtocol()) ? null : p.fromPort(),
                    "-1".equals(p.ipProtocol()) ? null : p.toPort(), pair.groupId());
        }
    }

    /** The group rules the group holds in one direction, with their descriptions (null: none). */
    private Map<GroupRule, String> heldGroupRules(ExecutionAttributes attributes, String groupId, boolean ingress) {
        SecurityGroup group = ec2(attributes).describeSecurityGroups(r -> r.groupIds(groupId)).securityGroups().get(0);
        Map<GroupRule, String> held = new HashMap<>();
        for (IpPermission p : ingress ? group.ipPermissions() : group.ipPermissionsEgress()) {
            p.userIdGroupPairs().forEach(pair -> held.put(GroupRule.of(p, pair), pair.description()));
        }
        return held;
    }

    /** Whether the request names a group peer of a group it names by id (by name: EC2-Classic and default VPCs, never the operator's). */
    private static boolean namesGroups(String groupId, List<IpPermission> permissions) {
        return groupId != null && permissions.stream().anyMatch(p -> !p.userIdGroupPairs().isEmpty());
    }

    private void refuseGroupRulesHeld(ExecutionAttributes attributes, String groupId, boolean ingress, List<IpPermission> permissions) {
        if (!namesGroups(groupId, permissions)) {
            return;
        }
        Map<GroupRule, String> held = heldGroupRules(attributes, groupId, ingress);
        for (IpPermission p : permissions) {
            for (UserIdGroupPair pair : p.userIdGroupPairs()) {
                if (held.containsKey(GroupRule.of(p, pair))) {
                    throw error("InvalidPermission.Duplicate", "the specified rule \"peer: " + pair.groupId() + ", " + p.ipProtocol().toUpperCase()
                            + ", from port: " + p.fromPort() + ", to port: " + p.toPort() + ", ALLOW\" already exists");
                }
            }
        }
    }

    private List<IpPermission> withHeldDescriptions(ExecutionAttributes attributes, String groupId, boolean ingress, List<IpPermission> permissions) {
        if (!namesGroups(groupId, permissions)) {
            return permissions;
        }
        Map<GroupRule, String> held = heldGroupRules(attributes, groupId, ingress);
        return permissions.stream().map(p -> p.toBuilder().userIdGroupPairs(p.userIdGroupPairs().stream()
                .map(pair -> held.containsKey(GroupRule.of(p, pair)) ? pair.toBuilder().description(held.get(GroupRule.of(p, pair))).build() : pair)
                .toList()).build()).toList();
    }

    private void replaceGroupRuleDescriptions(ExecutionAttributes attributes, String groupId, boolean ingress, List<IpPermission> permissions) {
        if (!namesGroups(groupId, permissions)) {
            return;
        }
        Ec2Client ec2 = ec2(attributes);
        Map<GroupRule, String> held = heldGroupRules(attributes, groupId, ingress);
        for (IpPermission p : permissions) {
            for (UserIdGroupPair pair : p.userIdGroupPairs()) {
                GroupRule rule = GroupRule.of(p, pair);
                if (!held.containsKey(rule) || Objects.equals(held.get(rule), pair.description())) {
                    continue;
                }
                IpPermission was = p.toBuilder().ipRanges(List.of()).ipv6Ranges(List.of()).prefixListIds(List.of())
                        .userIdGroupPairs(pair.toBuilder().description(held.get(rule)).build()).build();
                IpPermission now = was.toBuilder().userIdGroupPairs(pair).build();
                if (ingress) {
                    ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(was));
                    ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(now));
                } else {
                    ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(was));
                    ec2.authorizeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(now));
                }
            }
        }
    }

    private Ec2Client ec2(ExecutionAttributes attributes) {
        Region region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
        return byRegion.computeIfAbsent(region.id(), id -> Ec2Client.builder().region(region).endpointOverride(Emulator.endpoint())
                .credentialsProvider(DefaultCredentialsProvider.builder().build()).httpClientBuilder(UrlConnectionHttpClient.builder()).build());
    }

    private static Ec2Exception error(String code, String message) {
        return (Ec2Exception) Ec2Exception.builder().statusCode(400).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("EC2").build()).build();
    }
}
