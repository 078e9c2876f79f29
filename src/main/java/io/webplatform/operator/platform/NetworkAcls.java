package io.webplatform.operator.platform;

import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.aws.Quotas;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RuleAction;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The subnets' network ACLs: "public" (both public subnets: the load balancer's nodes and the NAT
 * gateways) and "private" (both private subnets: the instances and the database). Each admits exactly
 * the flows the platform needs, return traffic included, as NACLs are stateless and evaluated by rule
 * number, lowest first, the first match deciding (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html):
 * <ul>
 * <li>clients (loadBalancer.allowedCidrs) to the listener ports, in the public subnets;</li>
 * <li>the load balancer to the app port in the private subnets: from the clients themselves, as a Network
 * Load Balancer keeps the client's IP for instance targets, and from the public subnets, where its nodes'
 * private IPs make the health checks;</li>
 * <li>the app to the database (5432, private to private) and to HTTPS on the Internet through the NAT
 * gateways (private to public to the Internet);</li>
 * <li>each reply, on the ephemeral ports 1024-65535 AWS's examples open for return traffic
 * (https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html).</li>
 * </ul>
 * The ephemeral range holds 3389 (RDP), and in the private subnets 5432 and an app port of 1024 or more:
 * an explicit deny of 22 and 3389 (and there of those) from anywhere comes after the service rules and
 * before the ephemeral allow, so no admin port, nor the database, nor the app bypassing the allowed
 * CIDRs, is open to the Internet. Every other flow falls to AWS's final "*" deny.
 * The price: a NAT gateway picks its source ports in 1024-65535, so the one connection in 64,512 that
 * gets 3389 sees its replies denied and is retried by the app, as any lost connection. Rules are numbered 100, 110, ... in each direction; an entry
 * a person adds, removes or changes is put back on the next resync.
 */
public class NetworkAcls implements Component<PlatformScope, NetworkAcls.Desired, NetworkAcls.State> {
    public static final String NAME = "NetworkAcls";
    static final String ANYWHERE = "0.0.0.0/0";
    /** The range AWS's examples allow for replies (clients, NAT gateways and Linux all use ports within it). */
    public static final int EPHEMERAL_FROM = 1024;
    public static final int EPHEMERAL_TO = 65535;
    static final int HTTPS = 443;
    static final int FIRST_RULE = 100;
    static final int RULE_STEP = 10;
    /** AWS's own last rule ("*"), in every NACL, never removable. */
    public static final int LAST_RULE = 32767;
    static final String TCP = "6";
    /** What the quota "Rules per network ACL" can be raised to, at most. */
    static final int MOST_RULES_PER_ACL = 40;
    /**
     * AWS's default deny rule of each direction counts toward the quota: "This quota includes the default deny rules
     * (rule number 32767 for IPv4 ...)" (Amazon VPC quotas, https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
     */
    static final int DEFAULT_DENY_RULES = 1;

    /** One rule of a NACL, as CreateNetworkAclEntry sends it and DescribeNetworkAcls shows it (IPv4, TCP or all). */
    public record Rule(boolean egress, int number, String protocol, boolean allow, String cidr, int fromPort, int toPort) {
        static Rule of(NetworkAclEntry e) {
            boolean ports = e.portRange() != null && !"-1".equals(e.protocol());
            return new Rule(Boolean.TRUE.equals(e.egress()), e.ruleNumber(), e.protocol(), e.ruleAction() == RuleAction.ALLOW,
                    e.cidrBlock() != null ? e.cidrBlock() : e.ipv6CidrBlock(), ports ? e.portRange().from() : -1, ports ? e.portRange().to() : -1);
        }

        NetworkAclEntry entry() {
            NetworkAclEntry.Builder b = NetworkAclEntry.builder().egress(egress).ruleNumber(number).protocol(protocol)
                    .ruleAction(allow ? RuleAction.ALLOW : RuleAction.DENY).cidrBlock(cidr);
            if (fromPort >= 0) {
                b.portRange(p -> p.from(fromPort).to(toPort));
            }
            return b.build();
        }

        /** The field of a change: direction and number ("in 110"). */
        String key() {
            return (egress ? "out " : "in ") + number;
        }

        @Override
        public String toString() {
            String ports = fromPort < 0 ? "all" : fromPort == toPort ? String.valueOf(fromPort) : fromPort + "-" + toPort;
            return key() + " " + (allow ? "allow" : "deny") + " " + ("-1".equals(protocol) ? "all" : TCP.equals(protocol) ? "tcp" : protocol)
                    + ":" + ports + (egress ? " to " : " from ") + cidr;
        }
    }

    /** One NACL as the operator wants it: its rules and its subnets (role -> id). */
    public record AclSpec(String role, List<Rule> rules, Map<String, String> subnets, TagSpecification tags) {
    }

    public record Desired(String vpcId, Map<String, AclSpec> byRole) {
    }

    /** The NACLs AWS has, by role. */
    public static final class State {
        public final Map<String, NetworkAcl> byRole;

        public State(Map<String, NetworkAcl> byRole) {
            this.byRole = Collections.unmodifiableMap(new LinkedHashMap<>(byRole));
        }
    }

    public static List<String> roles() {
        return List.of("public", "private");
    }

    static List<String> subnetRoles(String aclRole) {
        return aclRole.equals("public") ? List.of("public-0", "public-1") : List.of("private-0", "private-1");
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * The rules of one NACL, numbered in order, inbound then outbound: what desired() asks for and what
     * the flow test ({@code NetworkFlowsTest}) evaluates. Pure: the spec and the network plan only.
     */
    public static List<Rule> rules(WebPlatformSpec spec, NetworkPlan plan, String role) {
        List<String> clients = spec.loadBalancer.allowedCidrs.stream().distinct().toList();
        int appPort = spec.app.port;
        List<Rule> in = new ArrayList<>();
        List<Rule> out = new ArrayList<>();
        if (role.equals("public")) {
            for (int port : spec.loadBalancer.ports) {
                clients.forEach(c -> in.add(allowTcp(false, c, port, port)));
            }
            // The app's HTTPS requests reach the NAT gateways.
            plan.privateSubnets().forEach(c -> in.add(allowTcp(false, c, HTTPS, HTTPS)));
            // The load balancer's nodes to the instances: client traffic and health checks, both on the app port.
            plan.privateSubnets().forEach(c -> out.add(allowTcp(true, c, appPort, appPort)));
            // The NAT gateways to the Internet.
            out.add(allowTcp(true, ANYWHERE, HTTPS, HTTPS));
        } else if (role.equals("private")) {
            // Client IPs are preserved for instance targets; the health checks come from the nodes in the public subnets.
            clients.forEach(c -> in.add(allowTcp(false, c, appPort, appPort)));
            plan.publicSubnets().forEach(c -> in.add(allowTcp(false, c, appPort, appPort)));
            plan.privateSubnets().forEach(c -> in.add(allowTcp(false, c, SecurityGroups.POSTGRES, SecurityGroups.POSTGRES)));
            plan.privateSubnets().forEach(c -> out.add(allowTcp(true, c, SecurityGroups.POSTGRES, SecurityGroups.POSTGRES)));
            out.add(allowTcp(true, ANYWHERE, HTTPS, HTTPS));
        } else {
            throw new IllegalArgumentException(role);
        }
        // Replies come back on ephemeral ports, which hold 3389: the admin ports are denied first.
        in.add(new Rule(false, 0, TCP, false, ANYWHERE, 22, 22));
        in.add(new Rule(false, 0, TCP, false, ANYWHERE, 3389, 3389));
        if (role.equals("private")) {
            // The database's port, and an app port of 1024 or more, are in the ephemeral range too: only those allowed above reach them.
            in.add(new Rule(false, 0, TCP, false, ANYWHERE, SecurityGroups.POSTGRES, SecurityGroups.POSTGRES));
            if (appPort >= EPHEMERAL_FROM) {
                in.add(new Rule(false, 0, TCP, false, ANYWHERE, appPort, appPort));
            }
        }
        in.add(allowTcp(false, ANYWHERE, EPHEMERAL_FROM, EPHEMERAL_TO));
        out.add(allowTcp(true, ANYWHERE, EPHEMERAL_FROM, EPHEMERAL_TO));
        List<Rule> numbered = new ArrayList<>(numbered(in.stream().distinct().toList()));
        numbered.addAll(numbered(out.stream().distinct().toList()));
        return numbered;
    }

    private static Rule allowTcp(boolean egress, String cidr, int from, int to) {
        return new Rule(egress, 0, TCP, true, cidr, from, to);
    }

    private static List<Rule> numbered(List<Rule> rules) {
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            out.add(new Rule(r.egress(), FIRST_RULE + i * RULE_STEP, r.protocol(), r.allow(), r.cidr(), r.fromPort(), r.toPort()));
        }
        return out;
    }

    /** What the busiest direction of the two NACLs takes of the quota "Rules per network ACL": its rules and AWS's default deny. */
    public static int quotaTaken(WebPlatformSpec spec, NetworkPlan plan) {
        return mostRulesPerDirection(spec, plan) + DEFAULT_DENY_RULES;
    }

    /** The most rules the operator writes into any of the two NACLs in one direction. */
    public static int mostRulesPerDirection(WebPlatformSpec spec, NetworkPlan plan) {
        int most = 0;
        for (String role : roles()) {
            List<Rule> rules = rules(spec, plan, role);
            most = Math.max(most, (int) rules.stream().filter(Rule::egress).count());
            most = Math.max(most, (int) rules.stream().filter(r -> !r.egress()).count());
        }
        return most;
    }

    /**
     * allowedCidrs times ports, plus the fixed rules and AWS's default deny rule, must fit the quota (20 a direction by
     * default, 40 at most): judged before any write, or AWS would refuse a rule after the first ones were written.
     * Service Quotas is asked only when the documented default is exceeded.
     */
    @Override
    public void preflight(PlatformScope scope) {
        if (scope.spec().managementPolicy == ManagementPolicy.Observe) {
            return;
        }
        int most = quotaTaken(scope.spec(), scope.plan());
        if (most <= Quotas.NETWORK_ACL_RULES.documentedDefault()) {
            return;
        }
        Quotas.Limit limit = scope.quotas().limit(Quotas.Key.of(Quotas.NETWORK_ACL_RULES, scope.region(), null));
        // "You can increase this quota up to a maximum of 40" (Amazon VPC quotas), whatever a configuration assumes.
        int allowed = Math.min(limit.value(), MOST_RULES_PER_ACL);
        if (most > allowed) {
            throw new UserError(Quotas.REASON, "the network ACLs would need " + most + " rules in one direction (a rule per"
                    + " loadBalancer.allowedCidrs entry and listener port in the public NACL, per entry in the private one, plus the"
                    + " fixed rules and AWS's default deny rule, which the quota counts), over the quota \"" + Quotas.NETWORK_ACL_RULES.name() + "\" of " + allowed + " (" + limit.source()
                    + (allowed < limit.value() ? "; AWS raises it to 40 at most" : "") + "). List fewer or wider CIDRs, or raise the quota (at most 40): aws service-quotas request-service-quota-increase"
                    + " --service-code vpc --quota-code " + Quotas.NETWORK_ACL_RULES.quotaCode() + " --desired-value " + Math.min(40, most)
                    + " --region " + scope.region());
        }
    }

    @Override
    public Desired desired(PlatformScope scope) {
        Map<String, AclSpec> byRole = new LinkedHashMap<>();
        for (String role : roles()) {
            Map<String, String> subnets = new LinkedHashMap<>();
            subnetRoles(role).forEach(s -> subnets.put(s, Subnets.subnetId(scope, s)));
            byRole.put(role, new AclSpec(role, rules(scope.spec(), scope.plan(), role), subnets,
                    scope.tagSpec(ResourceType.NETWORK_ACL, NAME, role)));
        }
        return new Desired(scope.idOf(Vpc.NAME), byRole);
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        State state = new State(scope.byRole(scope.described(PlatformListings.NETWORK_ACLS, NetworkAcl.class,
                () -> scope.ec2().describeNetworkAcls(r -> r.filters(scope.ownedBy(NAME))).networkAcls()), NetworkAcl::tags, NAME));
        if (state.byRole.isEmpty()) {
            return null;
        }
        String ids = String.join(",", state.byRole.values().stream().map(NetworkAcl::networkAclId).toList());
        List<String> missing = roles().stream().filter(r -> !state.byRole.containsKey(r)).toList();
        return missing.isEmpty() ? Observed.ready(ids, state) : Observed.pending(ids, "network ACL(s) " + String.join(", ", missing) + " missing", state);
    }

    /** The rules a NACL holds, AWS's "*" rules left out (they cannot be removed). */
    static List<Rule> held(NetworkAcl acl) {
        return acl.entries().stream().filter(e -> e.ruleNumber() != null && e.ruleNumber() < LAST_RULE).map(Rule::of).toList();
    }

    static String ruleField(String role, Rule rule) {
        return role + " " + rule.key();
    }

    static String associationField(String role, String subnetRole) {
        return role + " association " + subnetRole;
    }

    /** A missing NACL; per NACL, each rule number held and not wanted, wanted and missing, or holding another rule; each subnet elsewhere. */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (AclSpec wanted : desired.byRole().values()) {
            String role = wanted.role();
            NetworkAcl acl = actual.byRole.get(role);
            if (acl == null) {
                changes.add(Change.missing(role, "network ACL", "network ACL " + role + " recreated"));
                acl = NetworkAcl.builder().build();
            }
            Map<String, Rule> held = new LinkedHashMap<>();
            held(acl).forEach(r -> held.put(r.key(), r));
            Map<String, Rule> want = new LinkedHashMap<>();
            wanted.rules().forEach(r -> want.put(r.key(), r));
            held.values().stream().filter(r -> !want.containsKey(r.key()))
                    .forEach(r -> changes.add(Change.unwanted(ruleField(role, r), r, "network ACL " + role + ": removed " + r)));
            for (Rule r : want.values()) {
                Rule has = held.get(r.key());
                if (has == null) {
                    changes.add(Change.missing(ruleField(role, r), r, "network ACL " + role + ": added " + r));
                } else if (!has.equals(r)) {
                    changes.add(Change.described(ruleField(role, r), has, r, "network ACL " + role + ": " + has + " replaced by " + r));
                }
            }
            for (var subnet : wanted.subnets().entrySet()) {
                boolean associated = acl.associations().stream().anyMatch(a -> subnet.getValue().equals(a.subnetId()));
                if (!associated) {
                    changes.add(Change.described(associationField(role, subnet.getKey()), Change.ABSENT, role,
                            "subnet " + subnet.getKey() + " associated with network ACL " + role));
                }
            }
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // CreateNetworkAcl takes no rules and no subnets: apply adds them. Its client token is the SDK's.
        for (AclSpec acl : desired.byRole().values()) {
            createAcl(scope.ec2(), desired.vpcId(), acl);
        }
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Ec2Client ec2 = scope.ec2();
        Set<String> fields = changes.stream().map(Change::field).collect(Collectors.toSet());
        Map<String, NetworkAcl> byRole = new LinkedHashMap<>(current.detail().byRole);
        List<String> toMove = new ArrayList<>();
        for (AclSpec wanted : desired.byRole().values()) {
            String role = wanted.role();
            NetworkAcl acl = byRole.get(role);
            if (acl == null && fields.contains(role)) {
                acl = createAcl(ec2, desired.vpcId(), wanted);
            }
            if (acl == null) {
                continue;
            }
            String aclId = acl.networkAclId();
            Map<String, Rule> want = new LinkedHashMap<>();
            wanted.rules().forEach(r -> want.put(r.key(), r));
            List<Rule> held = new ArrayList<>(held(acl));
            // Removed first: a number freed may be one a wanted rule takes.
            for (Rule r : List.copyOf(held)) {
                if (!want.containsKey(r.key()) && fields.contains(ruleField(role, r))) {
                    ec2.deleteNetworkAclEntry(d -> d.networkAclId(aclId).egress(r.egress()).ruleNumber(r.number()));
                    held.remove(r);
                }
            }
            for (Rule r : want.values()) {
                if (!fields.contains(ruleField(role, r)) && !fields.contains(role)) {
                    continue;
                }
                Rule has = held.stream().filter(h -> h.key().equals(r.key())).findFirst().orElse(null);
                if (has == null) {
                    ec2.createNetworkAclEntry(c -> c.networkAclId(aclId).egress(r.egress()).ruleNumber(r.number()).protocol(r.protocol())
                            .ruleAction(r.allow() ? RuleAction.ALLOW : RuleAction.DENY).cidrBlock(r.cidr())
                            .portRange(r.fromPort() < 0 ? null : software.amazon.awssdk.services.ec2.model.PortRange.builder()
                                    .from(r.fromPort()).to(r.toPort()).build()));
                } else if (!has.equals(r)) {
                    ec2.replaceNetworkAclEntry(c -> c.networkAclId(aclId).egress(r.egress()).ruleNumber(r.number()).protocol(r.protocol())
                            .ruleAction(r.allow() ? RuleAction.ALLOW : RuleAction.DENY).cidrBlock(r.cidr())
                            .portRange(r.fromPort() < 0 ? null : software.amazon.awssdk.services.ec2.model.PortRange.builder()
                                    .from(r.fromPort()).to(r.toPort()).build()));
                    held.remove(has);
                } else {
                    continue;
                }
                held.add(r);
            }
            List<NetworkAclEntry> entries = new ArrayList<>(held.stream().map(Rule::entry).toList());
            acl.entries().stream().filter(e -> e.ruleNumber() != null && e.ruleNumber() >= LAST_RULE).forEach(entries::add);
            acl = acl.toBuilder().entries(entries).build();
            byRole.put(role, acl);
            for (var subnet : wanted.subnets().entrySet()) {
                if (fields.contains(associationField(role, subnet.getKey())) || fields.contains(role)) {
                    toMove.add(subnet.getValue());
                }
            }
        }
        if (!toMove.isEmpty()) {
            byRole = moveSubnets(ec2, desired, byRole, toMove);
        }
        // What the NACLs hold now: the findings and dependents judge the repaired rules.
        scope.record(NAME, observedOf(new State(byRole)));
    }

    private static Observed<State> observedOf(State state) {
        String ids = String.join(",", state.byRole.values().stream().map(NetworkAcl::networkAclId).toList());
        List<String> missing = roles().stream().filter(r -> !state.byRole.containsKey(r)).toList();
        return missing.isEmpty() ? Observed.ready(ids, state) : Observed.pending(ids, "network ACL(s) " + String.join(", ", missing) + " missing", state);
    }

    /**
     * A subnet is always associated with exactly one NACL (the VPC's default one when made): its current
     * association, found in one read, is replaced by one with the wanted NACL.
     */
    private static Map<String, NetworkAcl> moveSubnets(Ec2Client ec2, Desired desired, Map<String, NetworkAcl> byRole, List<String> subnetIds) {
        Map<String, String> associationBySubnet = new LinkedHashMap<>();
        ec2.describeNetworkAcls(r -> r.filters(f -> f.name("association.subnet-id").values(subnetIds))).networkAcls().stream()
                .flatMap(acl -> acl.associations().stream())
                .filter(a -> subnetIds.contains(a.subnetId()))
                .forEach(a -> associationBySubnet.put(a.subnetId(), a.networkAclAssociationId()));
        Map<String, NetworkAcl> out = new LinkedHashMap<>(byRole);
        for (AclSpec wanted : desired.byRole().values()) {
            NetworkAcl acl = out.get(wanted.role());
            if (acl == null) {
                continue;
            }
            List<NetworkAclAssociation> associations = new ArrayList<>(acl.associations());
            for (String subnetId : wanted.subnets().values()) {
                String association = associationBySubnet.get(subnetId);
                if (!subnetIds.contains(subnetId) || association == null
                        || associations.stream().anyMatch(a -> subnetId.equals(a.subnetId()))) {
                    continue;
                }
                String made = ec2.replaceNetworkAclAssociation(r -> r.associationId(association).networkAclId(acl.networkAclId()))
                        .newAssociationId();
                associations.add(NetworkAclAssociation.builder().networkAclAssociationId(made).networkAclId(acl.networkAclId())
                        .subnetId(subnetId).build());
            }
            out.put(wanted.role(), acl.toBuilder().associations(associations).build());
        }
        return out;
    }

    /**
     * Per NACL ("NetworkAclsPublic"): the AWS::EC2::NetworkAcl, one AWS::EC2::NetworkAclEntry per rule
     * ("NetworkAclsPublicIn100") and one AWS::EC2::SubnetNetworkAclAssociation per subnet
     * ("NetworkAclsPublicPublic0Association"): what apply's CreateNetworkAclEntry and ReplaceNetworkAclAssociation do.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        for (AclSpec acl : desired.byRole().values()) {
            String aclId = CfnResource.ref(logicalId(acl.role()));
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("VpcId", desired.vpcId());
            properties.put("Tags", CfnTags.of(acl.tags()));
            resources.add(CfnResource.of(logicalId(acl.role()), "AWS::EC2::NetworkAcl", properties));
            for (Rule rule : acl.rules()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("NetworkAclId", aclId);
                entry.put("RuleNumber", rule.number());
                entry.put("Protocol", Integer.parseInt(rule.protocol()));
                entry.put("RuleAction", rule.allow() ? "allow" : "deny");
                entry.put("Egress", rule.egress());
                entry.put("CidrBlock", rule.cidr());
                if (rule.fromPort() >= 0) {
                    Map<String, Object> ports = new LinkedHashMap<>();
                    ports.put("From", rule.fromPort());
                    ports.put("To", rule.toPort());
                    entry.put("PortRange", ports);
                }
                resources.add(CfnResource.of(entryLogicalId(acl.role(), rule), "AWS::EC2::NetworkAclEntry", entry));
            }
            for (var subnet : acl.subnets().entrySet()) {
                Map<String, Object> association = new LinkedHashMap<>();
                association.put("SubnetId", subnet.getValue());
                association.put("NetworkAclId", aclId);
                resources.add(CfnResource.of(associationLogicalId(acl.role(), subnet.getKey()), "AWS::EC2::SubnetNetworkAclAssociation",
                        association));
            }
        }
        return resources;
    }

    /** The NACLs as DescribeNetworkAcls shows them once made: the rules, AWS's "*" rules, the subnets. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<String, NetworkAcl> byRole = new LinkedHashMap<>();
        for (AclSpec acl : desired.byRole().values()) {
            String aclId = CfnResource.ref(logicalId(acl.role()));
            List<NetworkAclEntry> entries = new ArrayList<>(acl.rules().stream().map(Rule::entry).toList());
            entries.add(new Rule(false, LAST_RULE, "-1", false, ANYWHERE, -1, -1).entry());
            entries.add(new Rule(true, LAST_RULE, "-1", false, ANYWHERE, -1, -1).entry());
            List<NetworkAclAssociation> associations = acl.subnets().entrySet().stream().map(s -> NetworkAclAssociation.builder()
                    .networkAclAssociationId(CfnResource.ref(associationLogicalId(acl.role(), s.getKey())))
                    .networkAclId(aclId).subnetId(s.getValue()).build()).toList();
            byRole.put(acl.role(), NetworkAcl.builder().networkAclId(aclId).vpcId(desired.vpcId()).isDefault(false)
                    .entries(entries).associations(associations).tags(acl.tags().tags()).build());
        }
        return observedOf(new State(byRole));
    }

    static String logicalId(String role) {
        return CfnResource.logicalId(NAME, role);
    }

    static String entryLogicalId(String role, Rule rule) {
        return CfnResource.logicalId(NAME, role, rule.egress() ? "out" : "in", String.valueOf(rule.number()));
    }

    static String associationLogicalId(String role, String subnetRole) {
        return CfnResource.logicalId(NAME, role, subnetRole, "association");
    }

    /**
     * A NACL cannot be deleted while a subnet is associated with it: its subnets go back to the VPC's
     * default NACL first (found in one read), then it is deleted. Deleted subnets free theirs by themselves.
     */
    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        Ec2Client ec2 = scope.ec2();
        String defaultAcl = null;
        for (NetworkAcl acl : current.detail().byRole.values()) {
            for (NetworkAclAssociation association : acl.associations()) {
                if (defaultAcl == null) {
                    defaultAcl = ec2.describeNetworkAcls(r -> r.filters(f -> f.name("vpc-id").values(acl.vpcId()),
                            f -> f.name("default").values("true"))).networkAcls().stream().map(NetworkAcl::networkAclId)
                            .findFirst().orElse(null);
                }
                String target = defaultAcl;
                if (target != null) {
                    DeleteFailures.call("network ACL association " + association.networkAclAssociationId(),
                            () -> ec2.replaceNetworkAclAssociation(r -> r.associationId(association.networkAclAssociationId())
                                    .networkAclId(target)));
                }
            }
            DeleteFailures.call("network ACL " + acl.networkAclId(), () -> ec2.deleteNetworkAcl(r -> r.networkAclId(acl.networkAclId())));
        }
        return true;
    }

    private static NetworkAcl createAcl(Ec2Client ec2, String vpcId, AclSpec acl) {
        return ec2.createNetworkAcl(r -> r.vpcId(vpcId).tagSpecifications(acl.tags())).networkAcl();
    }

    /** What this pass observed (null when absent). */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
