package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform's flows evaluated with AWS's documented semantics over the rules NetworkAcls and
 * SecurityGroups ask for, since the emulator enforces neither:
 * <ul>
 * <li>a NACL is checked where a packet crosses a subnet's boundary: outbound rules of the subnet it leaves,
 * inbound rules of the subnet it enters (not within one subnet); rules by ascending number, the first
 * whose CIDR holds the remote address (source inbound, destination outbound), whose protocol matches and
 * whose port range holds the destination port decides; none matching: AWS's "*" rule denies. Stateless:
 * the reply is checked like any packet (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html);</li>
 * <li>a security group is stateful and allow-only: the request needs an egress rule of the sender's group
 * and an ingress rule of the receiver's; the reply is allowed
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html);</li>
 * <li>a Network Load Balancer keeps the client's IP for instance targets (the target's NACL sees the client),
 * while the target's group admits it through a rule naming the load balancer's group; its health checks
 * come from its nodes' private IPs in its subnets
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation);</li>
 * <li>a NAT gateway rewrites the source to its own address and port (1024-65535) and back for replies.</li>
 * </ul>
 */
class NetworkFlowsTest {
    static final String INTERNET_HOST = "93.184.216.34";
    static final int CLIENT_PORT = 50123;
    static final int APP_EPHEMERAL = 40001;
    static final int NAT_PORT = 61000;
    static final int HEALTH_CHECK_PORT = 33333;

    /** An address, the subnet that holds it (null: outside the VPC) and its security group role (null: none). */
    record Host(String ip, String subnet, String group) {
    }

    /** One packet on the wire; {@code sgPeer} is the group a security group sees it from (the NLB's, for forwarded client traffic). */
    record Packet(Host from, int fromPort, Host to, int toPort, String sgPeer) {
        Packet reply() {
            return new Packet(to, toPort, from, fromPort, null);
        }
    }

    /** The platform's hosts and flows under one spec, judged by AWS's semantics. */
    static final class Flows {
        private final WebPlatformSpec spec;
        private final NetworkPlan plan;
        private final Map<String, List<NetworkAcls.Rule>> acls;

        Flows(WebPlatformSpec spec) {
            this.spec = spec;
            this.plan = NetworkPlan.of(spec.network, List.of("eu-west-3a", "eu-west-3b"));
            this.acls = Map.of("public", NetworkAcls.rules(spec, plan, "public"), "private", NetworkAcls.rules(spec, plan, "private"));
        }

        // ------------------------------------------------------------------ AWS's semantics

        /** The NACL role of a subnet ("public-0" -> "public"). */
        static String aclOf(String subnet) {
            return subnet.substring(0, subnet.indexOf('-'));
        }

        /** Whether the NACLs let one packet through: out of the subnet it leaves, into the one it enters. */
        boolean naclAllows(Packet p) {
            String from = p.from().subnet();
            String to = p.to().subnet();
            if (from != null && from.equals(to)) {
                return true; // within one subnet: no boundary crossed
            }
            boolean out = from == null || evaluate(acls.get(aclOf(from)), true, p.to().ip(), p.toPort());
            boolean in = to == null || evaluate(acls.get(aclOf(to)), false, p.from().ip(), p.toPort());
            return out && in;
        }

        /** Lowest number first, first match decides; no match: the "*" rule denies. TCP only here. */
        static boolean evaluate(List<NetworkAcls.Rule> rules, boolean egress, String remote, int port) {
            return rules.stream().filter(r -> r.egress() == egress).sorted(Comparator.comparingInt(NetworkAcls.Rule::number))
                    .filter(r -> contains(r.cidr(), remote))
                    .filter(r -> "-1".equals(r.protocol()) || "6".equals(r.protocol()))
                    .filter(r -> r.fromPort() < 0 || (r.fromPort() <= port && port <= r.toPort()))
                    .findFirst().map(NetworkAcls.Rule::allow).orElse(false);
        }

        /** Stateful, allow-only: the sender's egress and the receiver's ingress must each have a rule. */
        boolean groupsAllow(Packet p) {
            String senderGroup = p.sgPeer() != null ? p.sgPeer() : p.from().group();
            boolean out = p.from().group() == null || SecurityGroups.rules(spec, p.from().group()).stream()
                    .anyMatch(r -> !r.ingress() && r.port() == p.toPort() && (r.peerRole() != null ? r.peerRole().equals(p.to().group())
                            : contains(r.cidr(), p.to().ip())));
            boolean in = p.to().group() == null || SecurityGroups.rules(spec, p.to().group()).stream()
                    .anyMatch(r -> r.ingress() && r.port() == p.toPort() && (r.peerRole() != null ? r.peerRole().equals(senderGroup)
                            : contains(r.cidr(), p.from().ip())));
            return out && in;
        }

        /** A connection: every request packet passes the NACLs and the groups; every reply passes the NACLs (groups are stateful). */
        boolean flowAllowed(List<Packet> requestHops) {
            for (Packet hop : requestHops) {
                if (!naclAllows(hop) || !groupsAllow(hop)) {
                    return false;
                }
            }
            List<Packet> replies = new ArrayList<>(requestHops.stream().map(Packet::reply).toList());
            java.util.Collections.reverse(replies);
            return replies.stream().allMatch(this::naclAllows);
        }

        static boolean contains(String cidr, String ip) {
            String[] parts = cidr.split("/");
            int prefix = Integer.parseInt(parts[1]);
            long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            return (NetworkPlan.ipToLong(parts[0]) & mask) == (NetworkPlan.ipToLong(ip) & mask);
        }

        /** The nth address of a CIDR. */
        static String nth(String cidr, int n) {
            return NetworkPlan.longToIp(NetworkPlan.ipToLong(cidr.split("/")[0]) + n);
        }

        // ------------------------------------------------------------------ the platform's hosts

        Host nlbNode(int zone) {
            return new Host(nth(plan.publicSubnets().get(zone), 10), "public-" + zone, "lb");
        }

        Host natGateway(int zone) {
            return new Host(nth(plan.publicSubnets().get(zone), 20), "public-" + zone, null);
        }

        Host app(int zone) {
            return new Host(nth(plan.privateSubnets().get(zone), 30), "private-" + zone, "app");
        }

        Host db(int zone) {
            return new Host(nth(plan.privateSubnets().get(zone), 40), "private-" + zone, "db");
        }

        static Host outside(String ip) {
            return new Host(ip, null, null);
        }

        /** An address inside each allowed CIDR (its first host past the network address, or a public one for 0.0.0.0/0). */
        List<Host> clients() {
            return spec.loadBalancer.allowedCidrs.stream().map(c -> outside(c.equals("0.0.0.0/0") ? "198.51.100.7" : nth(c, c.endsWith("/32") ? 0 : 1)))
                    .toList();
        }

        // ------------------------------------------------------------------ the flows

        /** Client to the listener, forwarded (client IP kept) to an instance in either zone; the replies back the same way. */
        List<Packet> clientToApp(Host client, int listener, int nodeZone, int appZone) {
            Host node = nlbNode(nodeZone);
            // Sent by the node, out of its subnet, with the client's address; the app's group sees the load balancer's group.
            Host forwarded = new Host(client.ip(), node.subnet(), "lb");
            return List.of(new Packet(client, CLIENT_PORT, node, listener, null),
                    new Packet(forwarded, CLIENT_PORT, app(appZone), spec.app.port, "lb"));
        }

        List<Packet> healthCheck(int nodeZone, int appZone) {
            return List.of(new Packet(nlbNode(nodeZone), HEALTH_CHECK_PORT, app(appZone), spec.app.port, null));
        }

        List<Packet> appToDb(int appZone, int dbZone) {
            return List.of(new Packet(app(appZone), APP_EPHEMERAL, db(dbZone), SecurityGroups.POSTGRES, null));
        }

        /** The app to an Internet host's HTTPS through its zone's NAT gateway: into the public subnet, then out with the NAT's address. */
        List<Packet> appToInternet(int zone, int port) {
            Host internet = outside(INTERNET_HOST);
            Host nat = natGateway(plan.natFor(zone));
            return List.of(new Packet(app(zone), APP_EPHEMERAL, new Host(INTERNET_HOST, nat.subnet(), null), port, null),
                    new Packet(nat, NAT_PORT, internet, port, null));
        }
    }

    private final Flows flows = new Flows(new WebPlatformSpec());

    @Test
    void everyFlowThePlatformNeedsIsAllowedBothWays() {
        assertNeededFlowsAllowed(flows);
    }

    @Test
    void neededFlowsStayAllowedWithRestrictedClientsTwoListenersAndAnotherAppPort() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.loadBalancer.allowedCidrs = new ArrayList<>(List.of("203.0.113.0/24", "192.0.2.17/32"));
        spec.loadBalancer.ports = new ArrayList<>(List.of(80, 443));
        spec.app.port = 8080;
        spec.network.natGateways = WebPlatformSpec.NatGateways.Single;
        Flows restricted = new Flows(spec);
        assertNeededFlowsAllowed(restricted);
        // An address outside the allowed CIDRs reaches neither the listener nor the app port.
        Host stranger = Flows.outside("198.51.100.7");
        assertThat(restricted.naclAllows(new Packet(stranger, CLIENT_PORT, restricted.nlbNode(0), 80, null))).isFalse();
        assertThat(restricted.naclAllows(new Packet(stranger, CLIENT_PORT, restricted.app(0), 8080, null))).isFalse();
    }

    private static void assertNeededFlowsAllowed(Flows f) {
        for (int node = 0; node < 2; node++) {
            for (int zone = 0; zone < 2; zone++) {
                for (Host client : f.clients()) {
                    for (int listener : f.spec.loadBalancer.ports) {
                        assertThat(f.flowAllowed(f.clientToApp(client, listener, node, zone)))
                                .as("client %s to listener %d (node %d) and app %d", client.ip(), listener, node, zone).isTrue();
                    }
                }
                assertThat(f.flowAllowed(f.healthCheck(node, zone))).as("health check from node %d to app %d", node, zone).isTrue();
                assertThat(f.flowAllowed(f.appToDb(node, zone))).as("app %d to database %d", node, zone).isTrue();
            }
            assertThat(f.flowAllowed(f.appToInternet(node, 443))).as("app %d to the Internet's HTTPS through NAT", node).isTrue();
        }
    }

    @Test
    void adminPortsFromAnywhereAreDeniedIntoEverySubnet() {
        Host internet = Flows.outside(INTERNET_HOST);
        for (int zone = 0; zone < 2; zone++) {
            for (int port : List.of(22, 3389)) {
                for (Host target : List.of(flows.nlbNode(zone), flows.natGateway(zone), flows.app(zone), flows.db(zone))) {
                    assertThat(flows.naclAllows(new Packet(internet, CLIENT_PORT, target, port, null)))
                            .as("port %d from the Internet into %s", port, target.subnet()).isFalse();
                }
            }
        }
        // As prowler judges a NACL: the first rule from 0.0.0.0/0 matching the port, by number.
        for (List<NetworkAcls.Rule> rules : flows.acls.values()) {
            assertThat(Flows.evaluate(rules, false, "0.0.0.0", 22)).isFalse();
            assertThat(Flows.evaluate(rules, false, "0.0.0.0", 3389)).isFalse();
            assertThat(rules).noneMatch(r -> !r.egress() && r.allow() && "-1".equals(r.protocol()) && r.cidr().equals("0.0.0.0/0"));
        }
    }

    @Test
    void whatNoTierNeedsIsDenied() {
        Host internet = Flows.outside(INTERNET_HOST);
        // The database from the Internet, though 5432 is in the ephemeral range.
        assertThat(flows.naclAllows(new Packet(internet, CLIENT_PORT, flows.db(0), SecurityGroups.POSTGRES, null))).isFalse();
        assertThat(flows.groupsAllow(new Packet(internet, CLIENT_PORT, flows.db(0), SecurityGroups.POSTGRES, null))).isFalse();
        // The database from the public subnets (a load balancer node, a NAT gateway).
        assertThat(flows.naclAllows(new Packet(flows.nlbNode(0), APP_EPHEMERAL, flows.db(1), SecurityGroups.POSTGRES, null))).isFalse();
        // The app port straight from the Internet, not through the load balancer: its group refuses it.
        assertThat(flows.flowAllowed(List.of(new Packet(internet, CLIENT_PORT, flows.app(0), flows.spec.app.port, null)))).isFalse();
        // Plain HTTP out of the app (its group allows HTTPS only); a port no listener has: the NACL admits it (the
        // ephemeral range, for replies), the load balancer's group does not; a port below 1024 nothing admits.
        assertThat(flows.flowAllowed(flows.appToInternet(0, 80))).isFalse();
        assertThat(flows.naclAllows(new Packet(internet, CLIENT_PORT, flows.nlbNode(0), 8443, null))).as("a port no listener has").isTrue();
        assertThat(flows.flowAllowed(List.of(new Packet(internet, CLIENT_PORT, flows.nlbNode(0), 8443, null)))).isFalse();
        assertThat(flows.naclAllows(new Packet(internet, CLIENT_PORT, flows.nlbNode(0), 25, null))).isFalse();
        assertThat(flows.naclAllows(new Packet(internet, CLIENT_PORT, flows.app(0), 25, null))).isFalse();
    }

    @Test
    void rulesAreNumberedUniquelyAndFitTheDefaultQuota() {
        for (var acl : flows.acls.entrySet()) {
            for (boolean egress : List.of(true, false)) {
                List<Integer> numbers = acl.getValue().stream().filter(r -> r.egress() == egress).map(NetworkAcls.Rule::number).toList();
                assertThat(numbers).doesNotHaveDuplicates().allMatch(n -> n >= 1 && n <= 32766);
                // AWS's default deny rule counts toward the quota of 20.
                assertThat(numbers.size()).as(acl.getKey() + (egress ? " out" : " in")).isLessThanOrEqualTo(19);
            }
        }
        assertThat(NetworkAcls.mostRulesPerDirection(flows.spec, flows.plan)).isEqualTo(9);
        WebPlatformSpec wide = new WebPlatformSpec();
        wide.loadBalancer.ports = new ArrayList<>(List.of(80, 443));
        wide.loadBalancer.allowedCidrs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            wide.loadBalancer.allowedCidrs.add("203.0." + i + ".0/24");
        }
        // 8 CIDRs x 2 ports + 5 fixed rules in the public NACL.
        assertThat(NetworkAcls.mostRulesPerDirection(wide, flows.plan)).isEqualTo(21);
        assertThat(NetworkAcls.quotaTaken(wide, flows.plan)).isEqualTo(22);
    }

    /**
     * The schema refuses exactly what no quota can hold (40 rules a direction at most, AWS's default deny included):
     * at its bounds the fewest fixed rules (an app port below 1024) still fit, one CIDR more never does.
     */
    @Test
    void theSchemasBoundsAreWhatTheHighestQuotaHolds() {
        for (int ports : List.of(1, 2)) {
            int most = Math.min(31, 34 / ports);
            WebPlatformSpec atBound = withCidrs(most, ports, 80);
            assertThat(NetworkAcls.quotaTaken(atBound, flows.plan)).as(most + " CIDRs x " + ports + " ports").isLessThanOrEqualTo(40);
            for (int appPort : List.of(80, 8080)) {
                WebPlatformSpec past = withCidrs(most + 1, ports, appPort);
                assertThat(NetworkAcls.quotaTaken(past, flows.plan)).as((most + 1) + " CIDRs x " + ports + " ports").isGreaterThan(40);
            }
        }
    }

    private static WebPlatformSpec withCidrs(int cidrs, int ports, int appPort) {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.loadBalancer.ports = new ArrayList<>(ports == 1 ? List.of(80) : List.of(80, 443));
        spec.loadBalancer.allowedCidrs = new ArrayList<>();
        for (int i = 0; i < cidrs; i++) {
            spec.loadBalancer.allowedCidrs.add("203.0." + i + ".0/24");
        }
        spec.app.port = appPort;
        return spec;
    }
}
