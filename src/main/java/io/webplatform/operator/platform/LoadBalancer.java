package io.webplatform.operator.platform;

import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.AvailabilityZone;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.IpAddressType;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerStateEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The internet-facing Network Load Balancer in both public subnets, behind the lb security group,
 * with cross-zone load balancing on (a zone that loses its instance still serves through the other).
 * Deletion protection on by default (nobody deletes it, and its DNS name, outside the operator; the
 * operator lifts it to delete). Access logs on by default, into the flow-log bucket: the NLB guide's
 * bucket policy for them is the one that bucket already has for log delivery (principal
 * delivery.logs.amazonaws.com, objects under AWSLogs/&lt;account&gt;/, aws:SourceArn arn:aws:logs:&lt;region&gt;:&lt;account&gt;:*),
 * its key lets log delivery encrypt (an NLB accepts SSE-KMS with a customer managed key), and it is
 * in the load balancer's region (FlowLogDestination refuses another). No prefix: AWS adds
 * AWSLogs/&lt;account&gt;/elasticloadbalancing/&lt;region&gt;/ itself, beside the flow logs' vpcflowlogs/.
 * An NLB writes access logs for its TLS listener only. Type, scheme and address type are fixed at creation; groups, subnets,
 * cross-zone and deletion protection are repaired in place.
 */
public class LoadBalancer implements Component<PlatformScope, LoadBalancer.Desired, LoadBalancer.State> {
    public static final String NAME = "LoadBalancer";
    static final String CROSS_ZONE = "load_balancing.cross_zone.enabled";
    static final String DELETION_PROTECTION = "deletion_protection.enabled";
    static final String ACCESS_LOGS = "access_logs.s3.enabled";
    static final String ACCESS_LOGS_BUCKET = "access_logs.s3.bucket";
    static final String ACCESS_LOGS_PREFIX = "access_logs.s3.prefix";

    static final String CROSS_ZONE_FIELD = "crossZone";
    static final String DELETION_PROTECTION_FIELD = "deletionProtection";
    static final String ACCESS_LOGS_FIELD = "accessLogs";
    static final String SECURITY_GROUPS_FIELD = "securityGroups";
    static final String SUBNETS_FIELD = "subnets";

    /** The load balancer as the operator wants it: what CreateLoadBalancer sends, and the attributes, which it cannot. */
    public record Desired(String name, LoadBalancerTypeEnum type, LoadBalancerSchemeEnum scheme, IpAddressType ipAddressType,
                          List<String> subnets, List<String> securityGroups, boolean crossZone, boolean deletionProtection,
                          String accessLogsBucket, Map<String, String> tags) {
    }

    /** The load balancer and its attributes, as read in this pass. */
    public record State(String arn, String dnsName, LoadBalancerStateEnum stateCode, List<String> securityGroups, Set<String> subnets,
                        boolean crossZone, boolean deletionProtection, String accessLogsBucket) {
        static State of(software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer lb, List<LoadBalancerAttribute> attributes) {
            return new State(lb.loadBalancerArn(), lb.dnsName(), lb.state() == null ? null : lb.state().code(), lb.securityGroups(),
                    lb.availabilityZones().stream().map(AvailabilityZone::subnetId).collect(Collectors.toSet()),
                    on(attributes, CROSS_ZONE), on(attributes, DELETION_PROTECTION),
                    on(attributes, ACCESS_LOGS) ? value(attributes, ACCESS_LOGS_BUCKET) + "/" + value(attributes, ACCESS_LOGS_PREFIX) : null);
        }

        private static String value(List<LoadBalancerAttribute> attributes, String key) {
            return attributes.stream().filter(a -> key.equals(a.key())).map(LoadBalancerAttribute::value).findFirst().orElse("");
        }

        private static boolean on(List<LoadBalancerAttribute> attributes, String key) {
            return attributes.stream().anyMatch(a -> key.equals(a.key()) && "true".equals(a.value()));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String name = LoadBalancerNames.loadBalancer(scope);
        return new Desired(name, LoadBalancerTypeEnum.NETWORK, LoadBalancerSchemeEnum.INTERNET_FACING, IpAddressType.IPV4,
                publicSubnets(scope), List.of(SecurityGroups.groupId(scope, "lb")), true, scope.spec().loadBalancer.deletionProtection,
                scope.spec().loadBalancer.accessLogs ? bucketName(scope.flowLogBucketArn()) : null, scope.tags(NAME, name));
    }

    /** The network load balancer with cross-zone load balancing and (by default) deletion protection on. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> lb = new java.util.LinkedHashMap<>();
        lb.put("Name", desired.name());
        lb.put("Type", desired.type().toString());
        lb.put("Scheme", desired.scheme().toString());
        lb.put("IpAddressType", desired.ipAddressType().toString());
        lb.put("Subnets", desired.subnets());
        lb.put("SecurityGroups", desired.securityGroups());
        List<Map<String, String>> attributes = new ArrayList<>(List.of(Map.of("Key", CROSS_ZONE, "Value", String.valueOf(desired.crossZone())),
                Map.of("Key", DELETION_PROTECTION, "Value", String.valueOf(desired.deletionProtection())),
                Map.of("Key", ACCESS_LOGS, "Value", String.valueOf(desired.accessLogsBucket() != null))));
        if (desired.accessLogsBucket() != null) {
            attributes.add(Map.of("Key", ACCESS_LOGS_BUCKET, "Value", desired.accessLogsBucket()));
        }
        lb.put("LoadBalancerAttributes", attributes);
        lb.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::ElasticLoadBalancingV2::LoadBalancer", lb));
    }

    /** Ref of a load balancer is its ARN. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        String id = CfnResource.logicalId(NAME);
        return Observed.ready(CfnResource.ref(id), new State(CfnResource.ref(id), CfnResource.attribute(id, "DNSName"),
                LoadBalancerStateEnum.ACTIVE, desired.securityGroups(), new java.util.HashSet<>(desired.subnets()), desired.crossZone(),
                desired.deletionProtection(), desired.accessLogsBucket() == null ? null : desired.accessLogsBucket() + "/"));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer lb;
        try {
            lb = scope.elbv2().describeLoadBalancers(r -> r.names(LoadBalancerNames.loadBalancer(scope))).loadBalancers().get(0);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        State state = State.of(lb, scope.elbv2().describeLoadBalancerAttributes(r -> r.loadBalancerArn(lb.loadBalancerArn())).attributes());
        if (lb.state().code() == LoadBalancerStateEnum.ACTIVE) {
            return Observed.ready(lb.loadBalancerArn(), state);
        }
        return Observed.pending(lb.loadBalancerArn(), "load balancer " + lb.state().codeAsString(), state);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        if (actual.crossZone() != desired.crossZone()) {
            changes.add(Change.described(CROSS_ZONE_FIELD, actual.crossZone(), desired.crossZone(),
                    "cross-zone load balancing turned " + (desired.crossZone() ? "on" : "off")));
        }
        if (actual.deletionProtection() != desired.deletionProtection()) {
            changes.add(Change.described(DELETION_PROTECTION_FIELD, actual.deletionProtection(), desired.deletionProtection(),
                    "deletion protection turned " + (desired.deletionProtection() ? "on" : "off")));
        }
        String wantedLogs = desired.accessLogsBucket() == null ? null : desired.accessLogsBucket() + "/";
        if (!java.util.Objects.equals(actual.accessLogsBucket(), wantedLogs)) {
            changes.add(Change.described(ACCESS_LOGS_FIELD, actual.accessLogsBucket() == null ? "off" : actual.accessLogsBucket(),
                    wantedLogs == null ? "off" : wantedLogs, wantedLogs == null ? "access logs turned off" : "access logs to s3://" + wantedLogs));
        }
        if (!actual.securityGroups().equals(desired.securityGroups())) {
            changes.add(Change.described(SECURITY_GROUPS_FIELD, actual.securityGroups(), desired.securityGroups(),
                    "security groups set back to " + String.join(", ", desired.securityGroups())));
        }
        // The order AWS lists the zones in says nothing: compared as sets.
        if (!actual.subnets().equals(Set.copyOf(desired.subnets()))) {
            changes.add(Change.described(SUBNETS_FIELD, actual.subnets().stream().sorted().toList(), desired.subnets(),
                    "subnets set back to the public subnets"));
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // CreateLoadBalancer is idempotent by name: a retry with the same settings returns the same one.
        scope.elbv2().createLoadBalancer(r -> r.name(desired.name())
                .type(desired.type())
                .scheme(desired.scheme())
                .ipAddressType(desired.ipAddressType())
                .subnets(desired.subnets())
                .securityGroups(desired.securityGroups())
                .tags(elbTags(desired.tags())));
    }

    /** The attributes in one ModifyLoadBalancerAttributes; groups and subnets by their own calls. */
    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        String arn = current.detail().arn();
        List<LoadBalancerAttribute> attributes = new ArrayList<>();
        for (Change change : changes) {
            switch (change.field()) {
                case CROSS_ZONE_FIELD -> attributes.add(attribute(CROSS_ZONE, desired.crossZone()));
                case DELETION_PROTECTION_FIELD -> attributes.add(attribute(DELETION_PROTECTION, desired.deletionProtection()));
                case ACCESS_LOGS_FIELD -> {
                    attributes.add(attribute(ACCESS_LOGS, desired.accessLogsBucket() != null));
                    if (desired.accessLogsBucket() != null) {
                        attributes.add(LoadBalancerAttribute.builder().key(ACCESS_LOGS_BUCKET).value(desired.accessLogsBucket()).build());
                        attributes.add(LoadBalancerAttribute.builder().key(ACCESS_LOGS_PREFIX).value("").build());
                    }
                }
                case SECURITY_GROUPS_FIELD -> scope.elbv2().setSecurityGroups(r -> r.loadBalancerArn(arn).securityGroups(desired.securityGroups()));
                case SUBNETS_FIELD -> scope.elbv2().setSubnets(r -> r.loadBalancerArn(arn).subnets(desired.subnets()));
                default -> throw new IllegalArgumentException("no such load balancer setting: " + change.field());
            }
        }
        if (!attributes.isEmpty()) {
            scope.elbv2().modifyLoadBalancerAttributes(r -> r.loadBalancerArn(arn).attributes(attributes));
        }
    }

    private static LoadBalancerAttribute attribute(String key, boolean on) {
        return LoadBalancerAttribute.builder().key(key).value(String.valueOf(on)).build();
    }

    /** Deletion protection guards against everyone else: the operator lifts it, whoever set it, to delete. */
    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        if (current.detail().deletionProtection()) {
            scope.elbv2().modifyLoadBalancerAttributes(r -> r.loadBalancerArn(current.id()).attributes(attribute(DELETION_PROTECTION, false)));
        }
        scope.elbv2().deleteLoadBalancer(r -> r.loadBalancerArn(current.id()));
        // Its network interfaces linger a little; the subnets' deletion retries until they are gone.
        return true;
    }

    /** The bucket's name from its ARN (arn:aws:s3:::name). */
    static String bucketName(String bucketArn) {
        return bucketArn == null ? null : bucketArn.substring(bucketArn.lastIndexOf(':') + 1);
    }

    static List<String> publicSubnets(PlatformScope scope) {
        return List.of(Subnets.subnetId(scope, "public-0"), Subnets.subnetId(scope, "public-1"));
    }

    /** Tags as the ELB API takes them. */
    static List<Tag> elbTags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    /** The load balancer's ARN by its name, or null when it does not exist. */
    static String findArn(PlatformScope scope) {
        try {
            return scope.elbv2().describeLoadBalancers(r -> r.names(LoadBalancerNames.loadBalancer(scope))).loadBalancers().get(0).loadBalancerArn();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    /** What this pass observed of the load balancer (its DNS name for status), or null when absent. */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
