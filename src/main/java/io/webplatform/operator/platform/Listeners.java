package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.ExpiringCache;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Certificate;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ModifyListenerRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One listener per spec port on the load balancer, forwarding to the TCP target group: plain TCP on
 * 80; on 443 TLS terminated at the load balancer with the spec's ACM certificate and security policy
 * (the app serves plain HTTP, so a TCP pass-through on 443 would answer HTTPS clients with HTTP).
 * Drift and spec changes are applied in place with ModifyListener, sending only what differs.
 */
public class Listeners extends RepairingComponent<PlatformScope> {
    public static final String NAME = "Listeners";
    public static final int TLS_PORT = 443;
    private static final Duration JUDGED_FOR = Duration.ofHours(1);

    /** Certificates and security policies judged usable, by region. */
    private final ExpiringCache<Boolean> usable;

    public Listeners() {
        this(Clock.systemUTC());
    }

    Listeners(Clock clock) {
        this.usable = new ExpiringCache<>(clock);
    }

    /** What one listener must be. Certificate and policy are null for a TCP listener. */
    public record Wanted(int port, ProtocolEnum protocol, String certificateArn, String sslPolicy) {
        static Wanted of(WebPlatformSpec.LoadBalancer spec, int port) {
            return port == TLS_PORT ? new Wanted(port, ProtocolEnum.TLS, spec.certificateArn, spec.sslPolicy)
                    : new Wanted(port, ProtocolEnum.TCP, null, null);
        }
    }

    @Override
    public String name() {
        return NAME;
    }


    /**
     * A TLS listener's certificate and policy are judged before anything is made: otherwise CreateListener
     * would refuse them only after the VPC, NAT gateways and load balancer were made.
     */
    @Override
    public void preflight(PlatformScope scope) {
        WebPlatformSpec.LoadBalancer spec = scope.spec().loadBalancer;
        if (!spec.ports.contains(TLS_PORT)) {
            return;
        }
        if (spec.certificateArn == null) {
            throw new UserError("CertificateRequired", "port 443 needs loadBalancer.certificateArn: the load balancer terminates TLS"
                    + " with that ACM certificate");
        }
        // Judged once an hour: a resync asks nothing.
        usable.get(scope.region() + "/" + spec.certificateArn + "/" + spec.sslPolicy, JUDGED_FOR, () -> {
            ListenerCertificate.requireUsable(scope, spec.certificateArn);
            requireKnownPolicy(scope, spec.sslPolicy);
            return true;
        });
    }

    private static void requireKnownPolicy(PlatformScope scope, String policy) {
        boolean known;
        try {
            known = !scope.elbv2().describeSSLPolicies(r -> r.names(policy).loadBalancerType(LoadBalancerTypeEnum.NETWORK))
                    .sslPolicies().isEmpty();
        } catch (RuntimeException e) {
            if (!"SSLPolicyNotFound".equals(AwsErrors.errorCode(e))) {
                throw e;
            }
            known = false;
        }
        if (!known) {
            throw new UserError("SslPolicyNotFound", "security policy " + policy + " does not exist for Network Load Balancers in "
                    + scope.region() + " (aws elbv2 describe-ssl-policies --load-balancer-type network lists them)");
        }
    }

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        // While deleting, the load balancer is observed after its listeners: find it by name.
        String lbArn = scope.observed(LoadBalancer.NAME) != null ? scope.idOf(LoadBalancer.NAME) : LoadBalancer.findArn(scope);
        if (lbArn == null) {
            return null;
        }
        Map<Integer, Listener> byPort = new LinkedHashMap<>();
        scope.elbv2().describeListeners(r -> r.loadBalancerArn(lbArn)).listeners()
                .forEach(l -> byPort.putIfAbsent(l.port(), l));
        if (byPort.isEmpty()) {
            return null;
        }
        return Observed.ready(String.join(",", byPort.values().stream().map(Listener::listenerArn).toList()), byPort);
    }

    @Override
    public void create(PlatformScope scope) {
        scope.spec().loadBalancer.ports.forEach(port -> createListener(scope, Wanted.of(scope.spec().loadBalancer, port)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        Map<Integer, Listener> byPort = current.detail(Map.class);
        String targetGroup = TargetGroup.arn(scope);
        List<String> changes = new ArrayList<>();
        for (Integer port : scope.spec().loadBalancer.ports) {
            Wanted wanted = Wanted.of(scope.spec().loadBalancer, port);
            Listener listener = byPort.get(port);
            if (listener == null) {
                createListener(scope, wanted);
                changes.add("listener on port " + port + " created");
                continue;
            }
            ModifyListenerRequest.Builder modify = ModifyListenerRequest.builder().listenerArn(listener.listenerArn());
            List<String> differences = differences(listener, wanted, targetGroup, modify);
            if (!differences.isEmpty()) {
                scope.elbv2().modifyListener(modify.build());
                changes.add("listener on port " + port + ": " + String.join(", ", differences));
            }
        }
        for (var entry : byPort.entrySet()) {
            if (!scope.spec().loadBalancer.ports.contains(entry.getKey())) {
                scope.elbv2().deleteListener(r -> r.listenerArn(entry.getValue().listenerArn()));
                changes.add("listener on port " + entry.getKey() + " deleted: not in the spec");
            }
        }
        return changes;
    }

    /**
     * Puts into {@code modify} only what differs from the wanted listener, and says what. A protocol
     * change carries the certificate and policy (AWS requires them when TCP becomes TLS); otherwise
     * unchanged properties are left out, and AWS keeps them.
     */
    static List<String> differences(Listener listener, Wanted wanted, String targetGroupArn, ModifyListenerRequest.Builder modify) {
        List<String> differences = new ArrayList<>();
        boolean tls = wanted.protocol() == ProtocolEnum.TLS;
        if (listener.protocol() != wanted.protocol()) {
            modify.protocol(wanted.protocol());
            differences.add("protocol " + listener.protocolAsString() + " set back to " + wanted.protocol());
            if (tls) {
                modify.certificates(certificate(wanted.certificateArn())).sslPolicy(wanted.sslPolicy());
                differences.add("certificate " + wanted.certificateArn() + ", security policy " + wanted.sslPolicy());
            }
        } else if (tls) {
            String presented = listener.certificates().isEmpty() ? null : listener.certificates().get(0).certificateArn();
            if (!Objects.equals(presented, wanted.certificateArn())) {
                modify.certificates(certificate(wanted.certificateArn()));
                differences.add("certificate " + presented + " replaced by " + wanted.certificateArn());
            }
            if (!Objects.equals(listener.sslPolicy(), wanted.sslPolicy())) {
                modify.sslPolicy(wanted.sslPolicy());
                differences.add("security policy " + listener.sslPolicy() + " set to " + wanted.sslPolicy());
            }
        }
        if (!forwardsOnlyTo(listener, targetGroupArn)) {
            modify.defaultActions(forward(targetGroupArn));
            differences.add("forwarding to the target group again");
        }
        return differences;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        Map<Integer, Listener> byPort = current.detail(Map.class);
        byPort.values().forEach(l -> scope.elbv2().deleteListener(r -> r.listenerArn(l.listenerArn())));
        return true;
    }

    private static void createListener(PlatformScope scope, Wanted wanted) {
        scope.elbv2().createListener(r -> {
            r.loadBalancerArn(scope.idOf(LoadBalancer.NAME)).protocol(wanted.protocol()).port(wanted.port())
                    .defaultActions(forward(TargetGroup.arn(scope)))
                    .tags(LoadBalancer.tags(scope, NAME, LoadBalancerNames.loadBalancer(scope) + "-" + wanted.port()));
            if (wanted.protocol() == ProtocolEnum.TLS) {
                // Always sent: without it AWS applies ELBSecurityPolicy-2016-08, which still accepts TLS 1.0.
                r.certificates(certificate(wanted.certificateArn())).sslPolicy(wanted.sslPolicy());
            }
        });
    }

    private static Certificate certificate(String arn) {
        // The listener's default certificate: CertificateArn only, IsDefault left unset (API reference).
        return Certificate.builder().certificateArn(arn).build();
    }

    private static boolean forwardsOnlyTo(Listener listener, String targetGroupArn) {
        return listener.defaultActions().size() == 1 && listener.defaultActions().get(0).type() == ActionTypeEnum.FORWARD
                && targetGroupArn.equals(listener.defaultActions().get(0).targetGroupArn());
    }

    private static Action forward(String targetGroupArn) {
        return Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroupArn).build();
    }
}
