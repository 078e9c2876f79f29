package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Certificate;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.CreateListenerRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ModifyListenerRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Port 443 against the emulator: TLS terminated at the load balancer with the spec's ACM certificate
 * and a modern security policy, forwarding to the app's plain TCP target group; drift and a new
 * certificate applied in place; an unusable certificate or policy stops everything before the first write.
 */
class TlsListenerEmulatorTest extends PlatformFixture {
    private static final String DEFAULT_POLICY = WebPlatformSpec.LoadBalancer.DEFAULT_SSL_POLICY;

    /** An issued certificate: moto issues a private CA's certificate at once (a public one waits for validation). */
    private static String issuedCertificate(String domain) {
        return aws.acm(Emulator.REGION).requestCertificate(r -> r.domainName(domain)
                .certificateAuthorityArn("arn:aws:acm-pca:" + Emulator.REGION + ":123456789012:certificate-authority/" + UUID.randomUUID()))
                .certificateArn();
    }

    private static WebPlatformSpec withTls(String certificateArn) {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.loadBalancer.ports = List.of(80, 443);
        spec.loadBalancer.certificateArn = certificateArn;
        return spec;
    }

    private static Map<Integer, Listener> listeners(PlatformScope scope) {
        return aws.elbv2(Emulator.REGION).describeListeners(r -> r.loadBalancerArn(scope.idOf(LoadBalancer.NAME))).listeners().stream()
                .collect(Collectors.toMap(Listener::port, l -> l));
    }

    @Test
    void port443TerminatesTlsWithTheCertificateAndIsRepairedInPlace() {
        String first = issuedCertificate("shop.example.com");
        String second = issuedCertificate("www.shop.example.com");
        WebPlatform wp = platform(withTls(first));
        REQUESTS.start();
        PlatformScope scope = convergedScope(wp);
        List<CreateListenerRequest> created = REQUESTS.sent(CreateListenerRequest.class);
        ElasticLoadBalancingV2Client elb = aws.elbv2(Emulator.REGION);

        assertThat(created).extracting(CreateListenerRequest::port).containsExactlyInAnyOrder(80, 443);
        CreateListenerRequest tlsRequest = created.stream().filter(r -> r.port() == 443).findFirst().orElseThrow();
        // The policy is always sent: AWS's API default (ELBSecurityPolicy-2016-08) still accepts TLS 1.0.
        assertThat(tlsRequest.sslPolicy()).isEqualTo(DEFAULT_POLICY);
        // Exactly one certificate, CertificateArn only, IsDefault unset (CreateListener API reference).
        assertThat(tlsRequest.certificates()).containsExactly(Certificate.builder().certificateArn(first).build());
        CreateListenerRequest tcpRequest = created.stream().filter(r -> r.port() == 80).findFirst().orElseThrow();
        assertThat(tcpRequest.sslPolicy()).isNull();
        assertThat(tcpRequest.certificates()).isEmpty();

        Map<Integer, Listener> byPort = listeners(scope);
        assertThat(byPort).containsOnlyKeys(80, 443);
        assertThat(byPort.get(80).protocol()).isEqualTo(ProtocolEnum.TCP);
        Listener tls = byPort.get(443);
        assertThat(tls.protocol()).isEqualTo(ProtocolEnum.TLS);
        assertThat(tls.certificates()).extracting(Certificate::certificateArn).containsExactly(first);
        assertThat(tls.sslPolicy()).isEqualTo(DEFAULT_POLICY);
        assertThat(PlatformControls.evaluate(scope)).filteredOn(f -> f.getId().equals("elbv2_nlb_tls_termination_enabled"))
                .singleElement().satisfies(f -> assertThat(f.failed()).as(f.getMessage()).isFalse());
        String targetGroup = scope.idOf(TargetGroup.NAME);
        assertThat(tls.defaultActions()).singleElement().satisfies(a -> assertThat(a.targetGroupArn()).isEqualTo(targetGroup));
        // Behind TLS the app still gets plain TCP on its port, and the lb group lets HTTPS clients in.
        var group = elb.describeTargetGroups(r -> r.targetGroupArns(targetGroup)).targetGroups().get(0);
        assertThat(group.protocol()).isEqualTo(ProtocolEnum.TCP);
        assertThat(group.port()).isEqualTo(80);
        var lbGroup = aws.ec2(Emulator.REGION).describeSecurityGroups(r -> r.groupIds(SecurityGroups.groupId(scope, "lb")))
                .securityGroups().get(0);
        assertThat(SecurityGroupRule.of(lbGroup)).contains(SecurityGroupRule.tcpFromCidr(443, "0.0.0.0/0"),
                SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0"));

        // A weaker policy set by hand is put back.
        elb.modifyListener(r -> r.listenerArn(tls.listenerArn()).sslPolicy("ELBSecurityPolicy-2016-08"));
        WalkResult repaired = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(repaired.repairs()).containsExactly(
                "Listeners: listener on port 443: security policy ELBSecurityPolicy-2016-08 set to " + DEFAULT_POLICY);
        assertThat(listeners(scope).get(443).sslPolicy()).isEqualTo(DEFAULT_POLICY);
        // A resync judges certificate and policy from what it learnt: no ACM or policy read each pass.
        List<String> calls = ApiCallMetrics.startRecording();
        try {
            assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(calls).allMatch(ApiCallMetrics::isReadOnly).noneMatch(c -> c.toLowerCase().startsWith("acm:") || c.endsWith(":DescribeSSLPolicies"));

        // A new certificate in the spec swaps it on the same listener: one ModifyListener with only the certificate.
        wp.getSpec().loadBalancer.certificateArn = second;
        CRASH.arm(Integer.MAX_VALUE);
        REQUESTS.start();
        WalkResult swapped = graph.reconcile(scope(wp), new RecordedEvents());
        List<ModifyListenerRequest> modified = REQUESTS.sent(ModifyListenerRequest.class);
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        assertThat(swapped.repairs()).containsExactly("Listeners: listener on port 443: certificate " + first + " replaced by " + second);
        assertThat(mutations).filteredOn(m -> m.contains("Listener")).singleElement().asString().endsWith(":ModifyListener");
        assertThat(modified).singleElement().satisfies(m -> {
            assertThat(m.listenerArn()).isEqualTo(tls.listenerArn());
            assertThat(m.certificates()).containsExactly(Certificate.builder().certificateArn(second).build());
            assertThat(m.protocol()).isNull();
            assertThat(m.sslPolicy()).isNull();
            assertThat(m.port()).isNull();
            assertThat(m.hasDefaultActions()).isFalse();
        });
        // (moto ignores Certificates in a TLS listener's ModifyListener; AWS replaces the default certificate.)
        assertThat(listeners(scope).get(443).listenerArn()).isEqualTo(tls.listenerArn());

        // Protocol switched to plain TCP by hand: TLS again, with the certificate and policy AWS requires for that change.
        elb.modifyListener(r -> r.listenerArn(tls.listenerArn()).protocol(ProtocolEnum.TCP));
        REQUESTS.start();
        graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(REQUESTS.sent(ModifyListenerRequest.class)).singleElement().satisfies(m -> {
            assertThat(m.listenerArn()).isEqualTo(tls.listenerArn());
            assertThat(m.protocol()).isEqualTo(ProtocolEnum.TLS);
            assertThat(m.certificates()).containsExactly(Certificate.builder().certificateArn(second).build());
            assertThat(m.sslPolicy()).isEqualTo(DEFAULT_POLICY);
        });
        // (moto refuses Protocol TLS in ModifyListener, UnsupportedProtocol; AWS accepts it on a Network Load Balancer.)

        // Ports still change: 443 dropped, its listener goes; 80 stays as it was.
        wp.getSpec().loadBalancer.ports = List.of(80);
        wp.getSpec().loadBalancer.certificateArn = null;
        assertThat(converge(wp).allReady()).isTrue();
        assertThat(listeners(scope).keySet()).containsExactly(80);
        assertThat(listeners(scope).get(80).listenerArn()).isEqualTo(byPort.get(80).listenerArn());
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    @Test
    void anUnusableCertificateOrPolicyStallsBeforeAnyChange() {
        String pending = aws.acm(Emulator.REGION).requestCertificate(r -> r.domainName("pending.example.com")).certificateArn();
        String missing = "arn:aws:acm:" + Emulator.REGION + ":123456789012:certificate/" + UUID.randomUUID();
        String elsewhere = "arn:aws:acm:us-east-1:123456789012:certificate/" + UUID.randomUUID();
        String otherAccount = "arn:aws:acm:" + Emulator.REGION + ":210987654321:certificate/" + UUID.randomUUID();
        assertStalledWithoutWrites(withTls(pending), "CertificateNotIssued", "PENDING_VALIDATION", "domain validation");
        assertStalledWithoutWrites(withTls(missing), "CertificateNotFound", missing);
        assertStalledWithoutWrites(withTls(elsewhere), "CertificateInOtherRegion", "not in " + Emulator.REGION);
        assertStalledWithoutWrites(withTls(otherAccount), "CertificateInOtherAccount", "210987654321");
        WebPlatformSpec unknownPolicy = withTls(issuedCertificate("policy.example.com"));
        unknownPolicy.loadBalancer.sslPolicy = "ELBSecurityPolicy-TLS13-1-2-Typo-2021-06";
        assertStalledWithoutWrites(unknownPolicy, "SslPolicyNotFound", "ELBSecurityPolicy-TLS13-1-2-Typo-2021-06");
    }

    private void assertStalledWithoutWrites(WebPlatformSpec spec, String reason, String... message) {
        WebPlatform wp = platform(spec);
        CRASH.arm(Integer.MAX_VALUE);
        WalkResult result = graph.reconcile(scope(wp), new RecordedEvents());
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        assertThat(result.stalledReason()).as(result.stalledMessage()).isEqualTo(reason);
        assertThat(result.stalledMessage()).contains(message);
        assertThat(mutations).as("writes before the stall").isEmpty();
    }
}
