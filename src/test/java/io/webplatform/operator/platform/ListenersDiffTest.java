package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.webplatform.operator.platform.ListenerDifferencesTest.CERT_A;
import static io.webplatform.operator.platform.ListenerDifferencesTest.CERT_B;
import static io.webplatform.operator.platform.ListenerDifferencesTest.POLICY;
import static io.webplatform.operator.platform.ListenerDifferencesTest.TARGET_GROUP;
import static io.webplatform.operator.platform.ListenerDifferencesTest.listener;
import static io.webplatform.operator.platform.ListenerDifferencesTest.tls;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listeners' diff, on values built by hand: one change per listener missing, differing (every
 * difference of it in one line, as one ModifyListener applies them) or not in the spec.
 * What the ModifyListener request carries is ListenerDifferencesTest's.
 */
class ListenersDiffTest {
    private final Listeners listeners = new Listeners();

    static Listeners.Desired desired(List<Integer> ports, String certificate) {
        var spec = tls(certificate);
        spec.ports = ports;
        Map<Integer, Listeners.Wanted> byPort = new LinkedHashMap<>();
        Map<Integer, Map<String, String>> tags = new LinkedHashMap<>();
        ports.forEach(p -> {
            byPort.put(p, Listeners.Wanted.of(spec, p));
            tags.put(p, Map.of("Name", "nlb-" + p));
        });
        return new Listeners.Desired("arn:lb", TARGET_GROUP, byPort, tags);
    }

    static Listeners.State actual(Listener... found) {
        Map<Integer, Listener> byPort = new LinkedHashMap<>();
        for (Listener l : found) {
            byPort.put(l.port(), l);
        }
        return new Listeners.State(byPort);
    }

    static final Listener TCP_80 = listener(80, ProtocolEnum.TCP, null, null, TARGET_GROUP);
    static final Listener TLS_443 = listener(443, ProtocolEnum.TLS, CERT_A, POLICY, TARGET_GROUP);

    @Test
    void listenersAsWantedNeedNothing() {
        assertThat(listeners.diff(actual(TCP_80, TLS_443), desired(List.of(80, 443), CERT_A))).isEmpty();
        assertThat(listeners.diff(actual(TCP_80), desired(List.of(80), null))).isEmpty();
    }

    @Test
    void aMissingListenerIsCreated() {
        assertThat(listeners.diff(actual(TCP_80), desired(List.of(80, 443), CERT_A))).containsExactly(
                Change.missing("port 443", "TLS certificate " + CERT_A + ", policy " + POLICY + ", forward " + TARGET_GROUP,
                        "listener on port 443 created"));
    }

    @Test
    void aListenerNotInTheSpecIsDeleted() {
        assertThat(listeners.diff(actual(TCP_80, TLS_443), desired(List.of(80), null))).containsExactly(
                Change.unwanted("port 443", "TLS certificate " + CERT_A + ", policy " + POLICY + ", forward " + TARGET_GROUP,
                        "listener on port 443 deleted: not in the spec"));
    }

    @Test
    void aNewCertificateIsOneChangeOfItsListener() {
        assertThat(listeners.diff(actual(TCP_80, TLS_443), desired(List.of(80, 443), CERT_B))).containsExactly(
                Change.described("port 443", "TLS certificate " + CERT_A + ", policy " + POLICY + ", forward " + TARGET_GROUP,
                        "TLS certificate " + CERT_B + ", policy " + POLICY + ", forward " + TARGET_GROUP,
                        "listener on port 443: certificate " + CERT_A + " replaced by " + CERT_B));
    }

    @Test
    void aWeakerPolicySetByHandIsSetBack() {
        assertThat(listeners.diff(actual(TCP_80, listener(443, ProtocolEnum.TLS, CERT_A, "ELBSecurityPolicy-2016-08", TARGET_GROUP)),
                desired(List.of(80, 443), CERT_A))).extracting(Change::summary)
                .containsExactly("listener on port 443: security policy ELBSecurityPolicy-2016-08 set to " + POLICY);
    }

    @Test
    void everyDifferenceOfOneListenerIsInItsOneLine() {
        assertThat(listeners.diff(actual(listener(80, ProtocolEnum.TLS, CERT_A, POLICY, "arn:intruder"), TLS_443),
                desired(List.of(80, 443), CERT_A))).extracting(Change::field, Change::summary)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("port 80",
                        "listener on port 80: protocol TLS set back to TCP, forwarding to the target group again"));
    }
}
