package io.webplatform.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.PolicyDocuments;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.AssociateKmsKeyRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateLogGroupRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DeleteLogGroupRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * CloudWatch Logs' use of a customer managed KMS key as AWS enforces it, played through the SDK where the emulator
 * differs. moto accepts any kmsKeyId at CreateLogGroup, even a key that does not exist, and does not implement
 * AssociateKmsKey (it answers 500). AWS, per "Encrypt log data in CloudWatch Logs using AWS KMS" and the API reference:
 * <ul>
 *   <li>CreateLogGroup with a key and AssociateKmsKey are refused unless the key policy lets the Region's CloudWatch Logs
 *   principal (logs.&lt;region&gt;.amazonaws.com) use the key for that group: AccessDeniedException "The specified KMS key
 *   does not exist or is not allowed to be used with Arn '&lt;group ARN&gt;'"; the encryption-context condition
 *   (kms:EncryptionContext:aws:logs:arn) is evaluated against the group's ARN;</li>
 *   <li>a key that is disabled or pending deletion: InvalidParameterException ("If you attempt to associate a KMS key
 *   with a log group but the KMS key does not exist or the KMS key is disabled");</li>
 *   <li>AssociateKmsKey on a group that does not exist: ResourceNotFoundException;</li>
 *   <li>an associated key is what DescribeLogGroups reports as the group's kmsKeyId afterwards.</li>
 * </ul>
 * The key and group are read from the emulator with clients of its own, which neither pass through the seams nor count
 * as the operator's calls. AssociateKmsKey is sent on to the emulator as a read of the group (so it reaches it, counted and
 * crashable like any call), and the association is kept here for the group as it then existed (its creation time): a
 * group deleted and made again by anyone is a new group, without it.
 */
public class LogGroupKeysAsAws implements ExecutionInterceptor {
    private static final String CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn";
    /** The statement's actions must cover what CloudWatch Logs calls to write and read a group's events. */
    private static final List<String> NEEDED_ACTIONS = List.of("kms:GenerateDataKey", "kms:Decrypt");

    /** A group's association, for the group made at creationTime. */
    private record Association(long creationTime, String kmsKeyArn) {
    }

    private static final ExecutionAttribute<Association> ASSOCIATING = new ExecutionAttribute<>("LogGroupKeysAsAws.associating");

    private final Map<String, Association> associations = new ConcurrentHashMap<>();
    private volatile AwsClients backstage;

    private AwsClients backstage() {
        if (backstage == null) {
            synchronized (this) {
                if (backstage == null) {
                    backstage = new AwsClients(Emulator.REGION, Optional.of(Emulator.endpoint()), List.of(), Emulator.RAISED_QUOTAS);
                }
            }
        }
        return backstage;
    }

    private static String region(ExecutionAttributes attributes) {
        return attributes.getAttribute(AwsExecutionAttribute.AWS_REGION).id();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof CreateLogGroupRequest create && create.kmsKeyId() != null) {
            String region = region(attributes);
            KeyMetadata key = usableKey(region, create.kmsKeyId());
            judge(region, key, create.kmsKeyId(), groupArn(key, region, create.logGroupName()));
        } else if (context.request() instanceof AssociateKmsKeyRequest associate) {
            String region = region(attributes);
            LogGroup group = group(region, associate.logGroupName());
            if (group == null) {
                throw error(400, "ResourceNotFoundException", "The specified log group does not exist.");
            }
            KeyMetadata key = usableKey(region, associate.kmsKeyId());
            judge(region, key, associate.kmsKeyId(), group.logGroupArn());
            attributes.putAttribute(ASSOCIATING, new Association(group.creationTime(), key.arn()));
        } else if (context.request() instanceof DeleteLogGroupRequest delete) {
            associations.remove(region(attributes) + "|" + delete.logGroupName());
        }
    }

    /** Kept once the call has succeeded: a call refused later (another seam, the network) associates nothing. */
    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Association association = attributes.getAttribute(ASSOCIATING);
        if (association != null && context.request() instanceof AssociateKmsKeyRequest associate) {
            associations.put(region(attributes) + "|" + associate.logGroupName(), association);
        }
    }

    /** AssociateKmsKey reaches the emulator as a read of the group (same body: DescribeLogGroups ignores what it does not take). */
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        if (context.request() instanceof AssociateKmsKeyRequest) {
            return context.httpRequest().toBuilder().putHeader("X-Amz-Target", "Logs_20140328.DescribeLogGroups").build();
        }
        return context.httpRequest();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof DescribeLogGroupsResponse response) || associations.isEmpty()) {
            return context.response();
        }
        String region = region(attributes);
        List<LogGroup> groups = new ArrayList<>();
        for (LogGroup group : response.logGroups()) {
            Association association = associations.get(region + "|" + group.logGroupName());
            groups.add(association != null && association.creationTime() == group.creationTime()
                    ? group.toBuilder().kmsKeyId(association.kmsKeyArn()).build() : group);
        }
        return response.toBuilder().logGroups(groups).build();
    }

    private LogGroup group(String region, String name) {
        return backstage().logs(region).describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups().stream()
                .filter(g -> g.logGroupName().equals(name)).findFirst().orElse(null);
    }

    /** The group's ARN in the key's account and partition (CloudWatch Logs uses a key of the group's account here). */
    private static String groupArn(KeyMetadata key, String region, String name) {
        String partition = key.arn().split(":", 3)[1];
        return "arn:" + partition + ":logs:" + region + ":" + key.awsAccountId() + ":log-group:" + name;
    }

    /** The key, enabled; AWS's answers for one that does not exist or cannot be used. */
    private KeyMetadata usableKey(String region, String keyId) {
        KeyMetadata key;
        try {
            key = backstage().kms(region).describeKey(r -> r.keyId(keyId)).keyMetadata();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                throw error(400, "AccessDeniedException", "The specified KMS key does not exist or is not allowed to be used with " + keyId);
            }
            throw e;
        }
        if (key.keyState() != KeyState.ENABLED) {
            throw error(400, "InvalidParameterException", "The specified KMS key " + keyId + " is " + key.keyStateAsString()
                    + ": CloudWatch Logs cannot use a KMS key that is not enabled");
        }
        return key;
    }

    /** Refused unless a statement of the key policy allows the Region's CloudWatch Logs to use the key for the group. */
    private void judge(String region, KeyMetadata key, String keyId, String groupArn) {
        String policy = backstage().kms(region).getKeyPolicy(r -> r.keyId(key.keyId()).policyName("default")).policy();
        if (!allowsLogs(PolicyDocuments.parse(policy), "logs." + region + ".amazonaws.com", groupArn)) {
            throw error(400, "AccessDeniedException", "The specified KMS key does not exist or is not allowed to be used with Arn '"
                    + groupArn + "'");
        }
    }

    /** Pure: does an Allow statement grant the principal CloudWatch Logs' actions with a context condition the group meets? */
    public static boolean allowsLogs(JsonNode policy, String principal, String groupArn) {
        JsonNode statements = policy.path("Statement");
        List<JsonNode> all = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(all::add);
        } else if (statements.isObject()) {
            all.add(statements);
        }
        return all.stream().anyMatch(s -> "Allow".equals(s.path("Effect").asText())
                && values(s.path("Principal").path("Service")).contains(principal)
                && NEEDED_ACTIONS.stream().allMatch(needed -> values(s.path("Action")).stream()
                        .anyMatch(a -> wildcard(a.toLowerCase()).matcher(needed.toLowerCase()).matches()))
                && conditionMet(s.path("Condition"), groupArn));
    }

    /**
     * No condition, or only conditions on the encryption context that the group's ARN meets (ArnEquals/StringEquals:
     * equal to one value; ArnLike/StringLike: matching one pattern). Any other condition key: not judged here, so not met.
     */
    private static boolean conditionMet(JsonNode condition, String groupArn) {
        if (condition.isMissingNode()) {
            return true;
        }
        var operators = condition.fields();
        while (operators.hasNext()) {
            var operator = operators.next();
            var keys = operator.getValue().fields();
            while (keys.hasNext()) {
                var key = keys.next();
                if (!key.getKey().equalsIgnoreCase(CONTEXT_KEY)) {
                    return false;
                }
                List<String> allowed = values(key.getValue());
                boolean met = switch (operator.getKey()) {
                    case "ArnEquals", "StringEquals" -> allowed.contains(groupArn);
                    case "ArnLike", "StringLike" -> allowed.stream().anyMatch(p -> wildcard(p).matcher(groupArn).matches());
                    default -> false;
                };
                if (!met) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<String> values(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asText()));
        } else if (node.isTextual()) {
            values.add(node.asText());
        }
        return values;
    }

    /** IAM's wildcards: "*" any run of characters, "?" one character. */
    private static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }

    private static AwsServiceException error(int status, String code, String message) {
        return (AwsServiceException) AwsServiceException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("CloudWatchLogs").build())
                .build();
    }
}
