package io.webplatform.operator.testing;

import io.webplatform.operator.aws.ApiCallMetrics;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS calls an operator process made, as its own metrics say ({@code webplatform_aws_api_calls_total} on
 * /q/metrics): attempts by {@code service:Operation}, whatever their outcome (a create that failed was
 * still tried). Cumulative since the process started; {@link #since} gives what happened in between.
 */
public record ApiCallCounts(Map<String, Long> byCall) {
    private static final Pattern SERIES = Pattern.compile("^webplatform_aws_api_calls_total\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE);

    /**
     * Operations that bring a new AWS resource into existence (by the API references' "Creates ..."): every
     * Create* but EC2 CreateTags (it tags an existing resource), and these, named otherwise: RunInstances
     * (instances and their root volumes), AllocateAddress (an Elastic IP), RequestCertificate (ACM),
     * RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime (a new DB instance), CopyDBSnapshot,
     * Subscribe (an SNS subscription) and PutMetricAlarm ("Creates or updates an alarm": it creates one
     * whenever the name is new). Configuration writes on an existing resource (Put*Policy, Put*Configuration,
     * Modify*, Authorize*, Attach*, Associate*, Register*) are mutating but not creating.
     */
    private static final Set<String> CREATING_BY_OTHER_NAMES = Set.of("RunInstances", "AllocateAddress", "RequestCertificate",
            "RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceToPointInTime", "CopyDBSnapshot", "Subscribe", "PutMetricAlarm");
    /** Operations that remove or unwire something: an adoption must make none. */
    private static final Pattern DESTROYING = Pattern.compile(
            "(Delete|Terminate|Release|Remove|Detach|Disassociate|Revoke|Deregister|Unsubscribe|Stop|Disable|ScheduleKeyDeletion).*");
    /** Operations that only write tags on an existing resource. */
    private static final Set<String> TAGGING = Set.of("CreateTags", "AddTags", "TagResource", "TagRole", "TagInstanceProfile",
            "AddTagsToResource", "PutBucketTagging", "DeleteTags", "RemoveTags", "UntagResource", "UntagRole",
            "UntagInstanceProfile", "RemoveTagsFromResource", "DeleteBucketTagging");

    public static ApiCallCounts scrape(int httpPort) {
        String body = LocalHttp.get(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"));
        Map<String, Long> counts = new TreeMap<>();
        Matcher m = SERIES.matcher(body);
        while (m.find()) {
            counts.merge(label(m.group(1), "service") + ":" + label(m.group(1), "operation"),
                    (long) Double.parseDouble(m.group(2)), Long::sum);
        }
        return new ApiCallCounts(counts);
    }

    public static boolean isCreating(String call) {
        String op = operation(call);
        return (op.startsWith("Create") && !op.equals("CreateTags")) || CREATING_BY_OTHER_NAMES.contains(op);
    }

    public static boolean isDestroying(String call) {
        return !TAGGING.contains(operation(call)) && DESTROYING.matcher(operation(call)).matches();
    }

    public static boolean isTagging(String call) {
        return TAGGING.contains(operation(call));
    }

    /** What was called after {@code earlier} was read (of the same process). */
    public ApiCallCounts since(ApiCallCounts earlier) {
        Map<String, Long> delta = new TreeMap<>();
        byCall.forEach((call, n) -> {
            long d = n - earlier.byCall.getOrDefault(call, 0L);
            if (d > 0) {
                delta.put(call, d);
            }
        });
        return new ApiCallCounts(delta);
    }

    public Map<String, Long> creating() {
        return filtered(ApiCallCounts::isCreating);
    }

    /** Every call that is not a read (Get, Describe, List, Head: {@link ApiCallMetrics#isReadOnly}). */
    public Map<String, Long> mutating() {
        return filtered(c -> !ApiCallMetrics.isReadOnly(c));
    }

    public Map<String, Long> destroying() {
        return filtered(ApiCallCounts::isDestroying);
    }

    public long total() {
        return sum(byCall);
    }

    public static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> filtered(Predicate<String> which) {
        Map<String, Long> out = new TreeMap<>();
        byCall.forEach((call, n) -> {
            if (which.test(call)) {
                out.put(call, n);
            }
        });
        return out;
    }

    private static String operation(String call) {
        return call.substring(call.indexOf(':') + 1);
    }

    private static String label(String labels, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(labels);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " label in " + labels);
        }
        return m.group(1);
    }
}
