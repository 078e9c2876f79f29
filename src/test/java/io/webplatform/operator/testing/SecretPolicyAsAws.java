package io.webplatform.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.secretsmanager.model.DeleteResourcePolicyRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutResourcePolicyRequest;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * STS and Secrets Manager as AWS answers an operator that runs under an IAM role, played through the SDK where the
 * emulator differs. STS: GetCallerIdentity answers the role's session, {@code arn:aws:sts::<account>:assumed-role/<name>/<session>},
 * as under IRSA or EKS Pod Identity (the emulator answers its own {@code arn:aws:sts::<account>:user/moto}). Secrets
 * Manager: a secret's resource policy is evaluated for each request on the secret as IAM evaluates its Deny statements
 * (policy evaluation logic: an explicit deny in a resource-based policy wins over every allow), where the emulator stores
 * the policy and evaluates nothing; a denied request fails with AccessDeniedException, "... with an explicit deny in a
 * resource-based policy". The caller's aws:PrincipalArn is the operator's role ARN with its path, or whoever a test acts
 * as ({@link #as}). Only what the operator writes is played: Deny statements of Principal "*" with Action, Resource and
 * at most StringEquals / StringNotEquals on aws:PrincipalArn; any other form fails the test rather than be misjudged.
 * Allow statements are not evaluated: every principal here is taken to hold the identity permissions it needs. Idle
 * (the emulator's answers pass unchanged) until {@link #operatorRunsAs}.
 */
public class SecretPolicyAsAws implements ExecutionInterceptor {
    private static final ObjectMapper JSON = new ObjectMapper();
    private volatile String operatorRole;
    private volatile String operatorSession;
    private final ThreadLocal<String> actingAs = new ThreadLocal<>();
    /** Each secret's policy as the last PutResourcePolicy or DeleteResourcePolicy through these clients left it, by secret ARN. */
    private final Map<String, String> policies = new ConcurrentHashMap<>();

    /** From now on the operator is this role (its ARN, path included) in session {@code session}. */
    public void operatorRunsAs(String roleArn, String session) {
        String account = roleArn.split(":")[4];
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        this.operatorSession = "arn:aws:sts::" + account + ":assumed-role/" + name + "/" + session;
        this.operatorRole = roleArn;
    }

    /** Back to the emulator's own answers. */
    public void stop() {
        operatorRole = null;
        operatorSession = null;
        policies.clear();
    }

    /** Makes the calls as another principal (its aws:PrincipalArn): a person, RDS's service-linked role, the app's role. */
    public <T> T as(String principalArn, Supplier<T> calls) {
        actingAs.set(principalArn);
        try {
            return calls.get();
        } finally {
            actingAs.remove();
        }
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (operatorRole == null || !(context.request() instanceof SecretsManagerRequest request)) {
            return;
        }
        String secret = request.getValueForField("SecretId", String.class).orElse(null);
        String policy = secret == null ? null : policies.get(secret);
        if (policy == null) {
            return;
        }
        String action = "secretsmanager:" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String caller = actingAs.get() != null ? actingAs.get() : operatorRole;
        if (denies(read(policy), action, secret, caller)) {
            String who = actingAs.get() != null ? caller : operatorSession;
            String message = "User: " + who + " is not authorized to perform: " + action + " on resource: " + secret
                    + " with an explicit deny in a resource-based policy";
            throw AwsServiceException.builder().statusCode(400).message(message)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").errorMessage(message)
                            .serviceName("SecretsManager").build())
                    .build();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (operatorRole == null) {
            return;
        }
        if (context.request() instanceof PutResourcePolicyRequest put) {
            policies.put(put.secretId(), put.resourcePolicy());
        } else if (context.request() instanceof DeleteResourcePolicyRequest delete) {
            policies.remove(delete.secretId());
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (operatorRole != null && context.response() instanceof GetCallerIdentityResponse identity) {
            return identity.toBuilder().arn(operatorSession).build();
        }
        return context.response();
    }

    private static JsonNode read(String policy) {
        try {
            return JSON.readTree(policy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when a Deny statement of the policy covers the call by this caller. */
    static boolean denies(JsonNode policy, String action, String secret, String caller) {
        List<JsonNode> statements = new ArrayList<>();
        if (policy.path("Statement").isArray()) {
            policy.path("Statement").forEach(statements::add);
        } else {
            statements.add(policy.path("Statement"));
        }
        for (JsonNode s : statements) {
            if (!"Deny".equals(s.path("Effect").asText())) {
                continue;
            }
            if (s.has("NotAction") || s.has("NotResource") || s.has("NotPrincipal") || !s.has("Action") || !s.has("Resource")
                    || !everyone(s.path("Principal"))) {
                throw new IllegalStateException("this seam plays Deny statements of Principal \"*\" with Action and Resource only: " + s);
            }
            if (strings(s.path("Action")).stream().noneMatch(a -> matches(a.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT)))
                    || strings(s.path("Resource")).stream().noneMatch(r -> r.equals("*") || r.equals(secret))) {
                continue;
            }
            if (conditionHolds(s.path("Condition"), caller)) {
                return true;
            }
        }
        return false;
    }

    private static boolean everyone(JsonNode principal) {
        return principal.isTextual() && principal.asText().equals("*") || principal.path("AWS").asText().equals("*");
    }

    /** IAM's action matching: case-insensitive, * any run of characters. */
    private static boolean matches(String pattern, String action) {
        return action.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }

    /** Every operator holds (AND); a key absent from the request makes StringNotEquals true and StringEquals false. */
    private static boolean conditionHolds(JsonNode condition, String caller) {
        for (Iterator<Map.Entry<String, JsonNode>> operators = condition.fields(); operators.hasNext(); ) {
            Map.Entry<String, JsonNode> operator = operators.next();
            for (Iterator<Map.Entry<String, JsonNode>> keys = operator.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> key = keys.next();
                if (!key.getKey().equalsIgnoreCase("aws:PrincipalArn")) {
                    throw new IllegalStateException("this seam plays conditions on aws:PrincipalArn only: " + key.getKey());
                }
                boolean listed = strings(key.getValue()).contains(caller);
                boolean holds = switch (operator.getKey()) {
                    case "StringEquals" -> listed;
                    case "StringNotEquals" -> !listed;
                    default -> throw new IllegalStateException("this seam plays StringEquals and StringNotEquals only: " + operator.getKey());
                };
                if (!holds) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }
}
