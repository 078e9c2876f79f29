package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
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
import java.util.stream.Collectors;

/**
 * One listener per spec port on the load balancer, forwarding to the TCP target group: plain TCP on
 * 80; on 443 TLS terminated at the load balancer with the spec's ACM certificate and security policy
 * (the app serves plain HTTP, so a TCP pass-through on 443 would answer HTTPS clients with HTTP).
 * Drift and spec changes are applied in place with ModifyListener, sending only what differs.
 */
public class Listeners implements Component<PlatformScope, Listeners.Desired, Listeners.State> {
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

    /**
     * The listeners as the operator wants them: one per spec port, each forwarding to the target group,
     * with the tags CreateListener sends.
     */
    public record Desired(String loadBalancerArn, String targetGroupArn, Map<Integer, Wanted> byPort, Map<Integer, Map<String, String>> tags) {
    }

    /** The load balancer's listeners by port, as read in this pass. */
    public record State(Map<Integer, Listener> byPort) {
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
    public Desired desired(PlatformScope scope) {
        WebPlatformSpec.LoadBalancer spec = scope.spec().loadBalancer;
        String stem = LoadBalancerNames.loadBalancer(scope);
        Map<Integer, Wanted> byPort = new LinkedHashMap<>();
        Map<Integer, Map<String, String>> tags = new LinkedHashMap<>();
        for (Integer port : spec.ports) {
            byPort.put(port, Wanted.of(spec, port));
            tags.put(port, scope.tags(NAME, stem + "-" + port));
        }
        return new Desired(scope.idOf(LoadBalancer.NAME), TargetGroup.arn(scope), byPort, tags);
    }

    /**
     * One listener per port, forwarding to the target group; TLS with the certificate and policy.
     * CloudFormation's listener takes no tags: the plan cannot show the ones CreateListener sends.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> listeners = new java.util.ArrayList<>();
        desired.byPort().forEach((port, wanted) -> {
            Map<String, Object> listener = new java.util.LinkedHashMap<>();
            listener.put("LoadBalancerArn", desired.loadBalancerArn());
            listener.put("Port", port);
            listener.put("Protocol", wanted.protocol().toString());
            listener.put("DefaultActions", List.of(Map.of("Type", "forward", "TargetGroupArn", desired.targetGroupArn())));
            if (wanted.certificateArn() != null) {
                listener.put("Certificates", List.of(Map.of("CertificateArn", wanted.certificateArn())));
                listener.put("SslPolicy", wanted.sslPolicy());
            }
            listeners.add(CfnResource.of(CfnResource.logicalId(NAME, "port", String.valueOf(port)), "AWS::ElasticLoadBalancingV2::Listener", listener));
        });
        return listeners;
    }

    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<Integer, Listener> byPort = new java.util.LinkedHashMap<>();
        desired.byPort().forEach((port, wanted) -> byPort.put(port, Listener.builder()
                .listenerArn(CfnResource.ref(CfnResource.logicalId(NAME, "port", String.valueOf(port)))).port(port).protocol(wanted.protocol())
                .sslPolicy(wanted.sslPolicy()).build()));
        return Observed.ready(String.join(",", byPort.values().stream().map(Listener::listenerArn).toList()), new State(byPort));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
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
        return Observed.ready(String.join(",", byPort.values().stream().map(Listener::listenerArn).toList()), new State(byPort));
    }

    /**
     * One change per listener: missing, not in the spec, or differing (every difference of one listener
     * in one line, as they are applied together by one ModifyListener).
     */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        desired.byPort().forEach((port, wanted) -> {
            Listener listener = actual.byPort().get(port);
            if (listener == null) {
                changes.add(Change.missing(field(port), describe(wanted, desired.targetGroupArn()), "listener on port " + port + " created"));
                return;
            }
            // The request is built only to share the comparison with apply; nothing is sent here.
            List<String> differences = differences(listener, wanted, desired.targetGroupArn(), ModifyListenerRequest.builder());
            if (!differences.isEmpty()) {
                changes.add(Change.described(field(port), describe(listener), describe(wanted, desired.targetGroupArn()),
                        "listener on port " + port + ": " + String.join(", ", differences)));
            }
        });
        actual.byPort().forEach((port, listener) -> {
            if (!desired.byPort().containsKey(port)) {
                changes.add(Change.unwanted(field(port), describe(listener), "listener on port " + port + " deleted: not in the spec"));
            }
        });
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        desired.byPort().keySet().forEach(port -> createListener(scope, desired, port));
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Map<Integer, Listener> byPort = current.detail().byPort();
        for (Change change : changes) {
            int port = portOf(change.field());
            Wanted wanted = desired.byPort().get(port);
            Listener listener = byPort.get(port);
            if (wanted == null) {
                scope.elbv2().deleteListener(r -> r.listenerArn(listener.listenerArn()));
            } else if (listener == null) {
                createListener(scope, desired, port);
            } else {
                ModifyListenerRequest.Builder modify = ModifyListenerRequest.builder().listenerArn(listener.listenerArn());
                differences(listener, wanted, desired.targetGroupArn(), modify);
                scope.elbv2().modifyListener(modify.build());
            }
        }
    }

    private static String field(int port) {
        return "port " + port;
    }

    private static int portOf(String field) {
        return Integer.parseInt(field.substring("port ".length()));
    }

    /** A listener as a person reads it: "TLS certificate arn:..., policy ELBSecurityPolicy-..., forward arn:...". */
    static String describe(Listener listener) {
        String certificate = listener.certificates().isEmpty() ? null : listener.certificates().get(0).certificateArn();
        String forward = listener.defaultActions().stream().map(a -> a.typeAsString() + (a.targetGroupArn() == null ? "" : " " + a.targetGroupArn()))
                .collect(Collectors.joining(", "));
        return listener.protocolAsString() + (listener.protocol() == ProtocolEnum.TLS ? " certificate " + certificate + ", policy "
                + listener.sslPolicy() : "") + ", " + forward;
    }

    static String describe(Wanted wanted, String targetGroupArn) {
        return wanted.protocol() + (wanted.protocol() == ProtocolEnum.TLS ? " certificate " + wanted.certificateArn() + ", policy "
                + wanted.sslPolicy() : "") + ", forward " + targetGroupArn;
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
    public boolean delete(PlatformScope scope, Observed<State> current) {
        current.detail().byPort().values().forEach(l -> DeleteFailures.call("listener " + l.listenerArn(),
                () -> scope.elbv2().deleteListener(r -> r.listenerArn(l.listenerArn()))));
        return true;
    }

    private static void createListener(PlatformScope scope, Desired desired, int port) {
        Wanted wanted = desired.byPort().get(port);
        scope.elbv2().createListener(r -> {
            r.loadBalancerArn(desired.loadBalancerArn()).protocol(wanted.protocol()).port(wanted.port())
                    .defaultActions(forward(desired.targetGroupArn()))
                    .tags(LoadBalancer.elbTags(desired.tags().get(port)));
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

    /** The listeners this pass observed; null before the load balancer has any. */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
