package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Certificate;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ModifyListenerRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a listener's repair sends: only what differs, except that TCP becoming TLS carries what AWS requires with it. */
class ListenerDifferencesTest {
    static final String TARGET_GROUP = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/tg/1";
    static final String CERT_A = "arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-0000-4000-8000-00000000000a";
    static final String CERT_B = "arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-0000-4000-8000-00000000000b";
    static final String POLICY = WebPlatformSpec.LoadBalancer.DEFAULT_SSL_POLICY;

    static Listener listener(int port, ProtocolEnum protocol, String certificate, String policy, String targetGroup) {
        Listener.Builder b = Listener.builder().listenerArn("arn:listener/" + port).port(port).protocol(protocol).sslPolicy(policy)
                .defaultActions(a -> a.type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroup));
        return (certificate == null ? b : b.certificates(Certificate.builder().certificateArn(certificate).build())).build();
    }

    static WebPlatformSpec.LoadBalancer tls(String certificate) {
        WebPlatformSpec.LoadBalancer spec = new WebPlatformSpec.LoadBalancer();
        spec.ports = List.of(80, 443);
        spec.certificateArn = certificate;
        return spec;
    }

    static ModifyListenerRequest.Builder modify() {
        return ModifyListenerRequest.builder().listenerArn("arn:listener/443");
    }

    @Test
    void aListenerAsWantedNeedsNothing() {
        ModifyListenerRequest.Builder modify = modify();
        assertThat(Listeners.differences(listener(443, ProtocolEnum.TLS, CERT_A, POLICY, TARGET_GROUP),
                Listeners.Wanted.of(tls(CERT_A), 443), TARGET_GROUP, modify)).isEmpty();
        assertThat(Listeners.differences(listener(80, ProtocolEnum.TCP, null, null, TARGET_GROUP),
                Listeners.Wanted.of(tls(CERT_A), 80), TARGET_GROUP, modify())).isEmpty();
    }

    @Test
    void certificateAndPolicyChangeTogetherInOneRequestWithoutTheProtocol() {
        ModifyListenerRequest.Builder modify = modify();
        List<String> differences = Listeners.differences(listener(443, ProtocolEnum.TLS, CERT_A, "ELBSecurityPolicy-2016-08", TARGET_GROUP),
                Listeners.Wanted.of(tls(CERT_B), 443), TARGET_GROUP, modify);
        ModifyListenerRequest request = modify.build();
        assertThat(differences).containsExactly("certificate " + CERT_A + " replaced by " + CERT_B,
                "security policy ELBSecurityPolicy-2016-08 set to " + POLICY);
        assertThat(request.certificates()).containsExactly(Certificate.builder().certificateArn(CERT_B).build());
        assertThat(request.sslPolicy()).isEqualTo(POLICY);
        assertThat(request.protocol()).isNull();
        assertThat(request.hasDefaultActions()).isFalse();
    }

    @Test
    void tcpOn443BecomesTlsWithCertificateAndPolicyAndTheForwardIsPutBack() {
        ModifyListenerRequest.Builder modify = modify();
        List<String> differences = Listeners.differences(listener(443, ProtocolEnum.TCP, null, null, "arn:intruder"),
                Listeners.Wanted.of(tls(CERT_A), 443), TARGET_GROUP, modify);
        ModifyListenerRequest request = modify.build();
        assertThat(differences).containsExactly("protocol TCP set back to TLS", "certificate " + CERT_A + ", security policy " + POLICY,
                "forwarding to the target group again");
        assertThat(request.protocol()).isEqualTo(ProtocolEnum.TLS);
        assertThat(request.certificates()).containsExactly(Certificate.builder().certificateArn(CERT_A).build());
        assertThat(request.sslPolicy()).isEqualTo(POLICY);
        assertThat(request.defaultActions()).singleElement().satisfies(a -> assertThat(a.targetGroupArn()).isEqualTo(TARGET_GROUP));
    }

    @Test
    void port80TurnedTlsByHandIsPlainTcpAgain() {
        ModifyListenerRequest.Builder modify = modify();
        assertThat(Listeners.differences(listener(80, ProtocolEnum.TLS, CERT_A, POLICY, TARGET_GROUP), Listeners.Wanted.of(tls(CERT_A), 80),
                TARGET_GROUP, modify)).containsExactly("protocol TLS set back to TCP");
        assertThat(modify.build().protocol()).isEqualTo(ProtocolEnum.TCP);
        assertThat(modify.build().hasCertificates()).isFalse();
        assertThat(modify.build().sslPolicy()).isNull();
    }
}
