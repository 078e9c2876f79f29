package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CloudWatch alarm as the operator wants it: the original set-up's alarms, with its mistakes
 * fixed (free storage alarms when it falls BELOW the threshold; packets per second are converted
 * from the per-period sum CloudWatch reports; the CPU alarms exist).
 */
public record AlarmRule(String name, String namespace, String metric, Map<String, String> dimensions, Statistic statistic,
                        int periodSeconds, int evaluationPeriods, int datapointsToAlarm, double threshold,
                        ComparisonOperator comparison, String treatMissingData, String description) {

    static final double GIB = 1024d * 1024 * 1024;

    /** CPUUtilization average above the threshold for 2 of 3 datapoints (one minute each by default). */
    public static AlarmRule cpu(String base, String instanceId, WebPlatformSpec.Monitoring m) {
        return new AlarmRule(base + "-cpu-" + instanceId, "AWS/EC2", "CPUUtilization", Map.of("InstanceId", instanceId), Statistic.AVERAGE,
                m.periodSeconds, 3, 2, m.cpuPercent, ComparisonOperator.GREATER_THAN_THRESHOLD, missing(m),
                "CPU of " + instanceId + " above " + m.cpuPercent + " % in 2 of 3 periods of " + m.periodSeconds + " s");
    }

    /**
     * NetworkPacketsIn above the rate over one period. CloudWatch reports the packets received in
     * each period (statistic Sum), so the rate threshold is multiplied by the period's seconds.
     */
    public static AlarmRule packetsIn(String base, String instanceId, WebPlatformSpec.Monitoring m) {
        return new AlarmRule(base + "-packets-in-" + instanceId, "AWS/EC2", "NetworkPacketsIn", Map.of("InstanceId", instanceId), Statistic.SUM,
                m.periodSeconds, 1, 1, (double) m.packetsPerSecond * m.periodSeconds, ComparisonOperator.GREATER_THAN_THRESHOLD, missing(m),
                "packets into " + instanceId + " above " + m.packetsPerSecond + "/s (" + (long) m.packetsPerSecond * m.periodSeconds
                        + " in " + m.periodSeconds + " s)");
    }

    /** DatabaseConnections average above the threshold. */
    public static AlarmRule dbConnections(String base, String dbId, WebPlatformSpec.Monitoring m) {
        return new AlarmRule(base + "-db-connections", "AWS/RDS", "DatabaseConnections", Map.of("DBInstanceIdentifier", dbId), Statistic.AVERAGE,
                m.periodSeconds, 1, 1, m.dbConnections, ComparisonOperator.GREATER_THAN_THRESHOLD, missing(m),
                "connections to " + dbId + " above " + m.dbConnections);
    }

    /** FreeStorageSpace (bytes) minimum BELOW the threshold: the original compared it the wrong way round. */
    public static AlarmRule dbFreeStorage(String base, String dbId, WebPlatformSpec.Monitoring m) {
        return new AlarmRule(base + "-db-free-storage", "AWS/RDS", "FreeStorageSpace", Map.of("DBInstanceIdentifier", dbId), Statistic.MINIMUM,
                m.periodSeconds, 1, 1, m.dbFreeStorageGiB * GIB, ComparisonOperator.LESS_THAN_THRESHOLD, missing(m),
                "free storage of " + dbId + " below " + m.dbFreeStorageGiB + " GiB");
    }

    /** Any target of the target group unhealthy. */
    public static AlarmRule unhealthyHosts(String base, String targetGroupArn, String loadBalancerArn, WebPlatformSpec.Monitoring m) {
        return new AlarmRule(base + "-unhealthy-hosts", "AWS/NetworkELB", "UnHealthyHostCount", elbDimensions(targetGroupArn, loadBalancerArn),
                Statistic.MAXIMUM, m.periodSeconds, 1, 1, 0, ComparisonOperator.GREATER_THAN_THRESHOLD, missing(m),
                "a target of the load balancer is unhealthy");
    }

    /** No healthy target left: the app is down for its users. */
    public static AlarmRule healthyHosts(String base, String targetGroupArn, String loadBalancerArn, WebPlatformSpec.Monitoring m) {
        return new AlarmRule(base + "-healthy-hosts", "AWS/NetworkELB", "HealthyHostCount", elbDimensions(targetGroupArn, loadBalancerArn),
                Statistic.MINIMUM, m.periodSeconds, 1, 1, 1, ComparisonOperator.LESS_THAN_THRESHOLD, missing(m),
                "fewer than 1 healthy target: the app is unreachable");
    }

    /**
     * CloudWatch names the load balancer and target group by the end of their ARNs: net/name/id,
     * targetgroup/name/id. In a plan the ARNs are references (${LoadBalancer}), whose full names
     * CloudFormation gives as the attributes LoadBalancerFullName and TargetGroupFullName.
     */
    static Map<String, String> elbDimensions(String targetGroupArn, String loadBalancerArn) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("TargetGroup", planned(targetGroupArn, "TargetGroupFullName")
                .orElseGet(() -> targetGroupArn.substring(targetGroupArn.lastIndexOf(':') + 1)));
        dimensions.put("LoadBalancer", planned(loadBalancerArn, "LoadBalancerFullName")
                .orElseGet(() -> loadBalancerArn.substring(loadBalancerArn.indexOf(":loadbalancer/") + ":loadbalancer/".length())));
        return dimensions;
    }

    /** ${X} → ${X.attribute}; empty for a real ARN. */
    private static java.util.Optional<String> planned(String arn, String attribute) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\$\\{(\\w+)}$").matcher(arn);
        return m.matches() ? java.util.Optional.of("${" + m.group(1) + "." + attribute + "}") : java.util.Optional.empty();
    }

    private static String missing(WebPlatformSpec.Monitoring m) {
        return m.treatMissingData.name();
    }

    /** What the alarm in AWS says differently from this rule (notifying the topic on ALARM and OK included); empty when it matches. */
    public List<String> differences(MetricAlarm actual, String topicArn) {
        Map<String, String> actualDimensions = new LinkedHashMap<>();
        actual.dimensions().forEach(d -> actualDimensions.put(d.name(), d.value()));
        List<String> differing = new ArrayList<>();
        differs(differing, "namespace", namespace, actual.namespace());
        differs(differing, "metric", metric, actual.metricName());
        differs(differing, "dimensions", dimensions, actualDimensions);
        differs(differing, "statistic", statistic, actual.statistic());
        differs(differing, "period", periodSeconds, actual.period());
        differs(differing, "evaluation periods", evaluationPeriods, actual.evaluationPeriods());
        differs(differing, "datapoints to alarm", datapointsToAlarm, actual.datapointsToAlarm() == null ? actual.evaluationPeriods() : actual.datapointsToAlarm());
        if (actual.threshold() == null || Double.compare(threshold, actual.threshold()) != 0) {
            differing.add("threshold " + actual.threshold() + " -> " + threshold);
        }
        differs(differing, "comparison", comparison, actual.comparisonOperator());
        differs(differing, "missing data", treatMissingData, actual.treatMissingData());
        differs(differing, "alarm actions", List.of(topicArn), actual.alarmActions());
        differs(differing, "OK actions", List.of(topicArn), actual.okActions());
        if (Boolean.FALSE.equals(actual.actionsEnabled())) {
            differing.add("actions disabled -> enabled");
        }
        return differing;
    }

    private static void differs(List<String> differing, String field, Object wanted, Object actual) {
        if (!wanted.equals(actual)) {
            differing.add(field + " " + actual + " -> " + wanted);
        }
    }

    /** True when the alarm in AWS says what this rule says, notifying the topic on ALARM and OK. */
    public boolean matches(MetricAlarm actual, String topicArn) {
        return differences(actual, topicArn).isEmpty();
    }
}
