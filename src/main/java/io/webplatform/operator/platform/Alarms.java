package io.webplatform.operator.platform;

import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CloudWatch alarms, all notifying the alarm topic on ALARM and on OK: CPU and packets in per
 * app instance, connections and free storage of the database, unhealthy and healthy hosts of the
 * target group. Read with one DescribeAlarms per pass (by name prefix), which also gives their states.
 *
 * <p>It waits only for the topic, and is declared after what it watches, so it sees them in the same
 * pass even while they are pending: instance alarms follow the current instances (a replaced
 * instance's alarms are deleted, the new one's made). Alarms of a kind whose resource was not
 * observed in this pass are left as they are.
 */
public class Alarms implements Component<PlatformScope, Alarms.Desired, Alarms.State> {
    public static final String NAME = "Alarms";

    enum Kind { INSTANCE, DATABASE, LOAD_BALANCER }

    /** The alarms found, by name. */
    public record State(Map<String, MetricAlarm> byName) {
        public List<String> firing() {
            return byName.values().stream().filter(a -> a.stateValue() == StateValue.ALARM).map(MetricAlarm::alarmName).toList();
        }
    }

    @Override
    public String name() {
        return NAME;
    }


    /** The longest name an alarm adds to the prefix: packets in of an instance with a 17-digit id. */
    static final String LONGEST_KIND = "packets-in-i-0123456789abcdef0";

    /** The prefix of every alarm name: baseName- while the longest alarm name still fits in 255 characters. */
    static String prefix(PlatformScope scope) {
        String longest = scope.name("", "-" + LONGEST_KIND, AwsNameRules.CLOUDWATCH_ALARM, "\\p{Cntrl}");
        return longest.substring(0, longest.length() - LONGEST_KIND.length());
    }

    /** The stem alarm rules add their kind to (the prefix without its last hyphen). */
    static String stem(PlatformScope scope) {
        String prefix = prefix(scope);
        return prefix.substring(0, prefix.length() - 1);
    }

    /** Names this WebPlatform gives, and no other WebPlatform whose base name starts with ours does. */
    private static Pattern ours(PlatformScope scope) {
        return Pattern.compile("^" + Pattern.quote(prefix(scope))
                + "(cpu-i-[0-9a-f]+|packets-in-i-[0-9a-f]+|db-connections|db-free-storage|unhealthy-hosts|healthy-hosts)$");
    }


    /**
     * The alarms as the operator wants them: the rules of each kind whose resource this pass observed,
     * all notifying the topic. Alarms of a kind missing from {@code rules} are left as they are.
     */
    public record Desired(String prefix, String topicArn, Map<Kind, List<AlarmRule>> rules) {
        Kind kindOf(String alarmName) {
            String rest = alarmName.substring(prefix.length());
            if (rest.startsWith("cpu-") || rest.startsWith("packets-in-")) {
                return Kind.INSTANCE;
            }
            return rest.startsWith("db-") ? Kind.DATABASE : Kind.LOAD_BALANCER;
        }

        AlarmRule rule(String name) {
            return rules.values().stream().flatMap(List::stream).filter(r -> r.name().equals(name)).findFirst().orElse(null);
        }
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        Pattern ours = ours(scope);
        Map<String, MetricAlarm> byName = new LinkedHashMap<>();
        scope.cloudWatch().describeAlarmsPaginator(r -> r.alarmNamePrefix(prefix(scope))).metricAlarms().stream()
                .filter(a -> ours.matcher(a.alarmName()).matches()).forEach(a -> byName.put(a.alarmName(), a));
        if (byName.isEmpty()) {
            return null;
        }
        return Observed.ready(byName.size() + " alarms", new State(byName));
    }

    @Override
    public Desired desired(PlatformScope scope) {
        var m = scope.spec().monitoring;
        String base = stem(scope);
        Map<Kind, List<AlarmRule>> rules = new LinkedHashMap<>();
        Map<String, String> instances = AppInstances.idsByZone(scope);
        if (instances != null) {
            List<AlarmRule> forInstances = new ArrayList<>();
            instances.values().forEach(id -> {
                forInstances.add(AlarmRule.cpu(base, id, m));
                forInstances.add(AlarmRule.packetsIn(base, id, m));
            });
            rules.put(Kind.INSTANCE, forInstances);
        }
        var db = Database.of(scope);
        if (db != null) {
            rules.put(Kind.DATABASE, List.of(AlarmRule.dbConnections(base, db.dbInstanceIdentifier(), m),
                    AlarmRule.dbFreeStorage(base, db.dbInstanceIdentifier(), m)));
        }
        if (scope.observed(TargetGroup.NAME) != null && scope.observed(LoadBalancer.NAME) != null) {
            String tg = scope.idOf(TargetGroup.NAME);
            String lb = scope.idOf(LoadBalancer.NAME);
            rules.put(Kind.LOAD_BALANCER, List.of(AlarmRule.unhealthyHosts(base, tg, lb, m), AlarmRule.healthyHosts(base, tg, lb, m)));
        }
        return new Desired(prefix(scope), scope.idOf(AlarmTopic.NAME), rules);
    }

    /** One alarm per rule, notifying the topic on ALARM and on OK. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        for (var rules : desired.rules().values()) {
            for (AlarmRule rule : rules) {
                Map<String, Object> alarm = new LinkedHashMap<>();
                alarm.put("AlarmName", rule.name());
                alarm.put("AlarmDescription", rule.description());
                alarm.put("Namespace", rule.namespace());
                alarm.put("MetricName", rule.metric());
                alarm.put("Dimensions", rule.dimensions().entrySet().stream().map(d -> Map.of("Name", d.getKey(), "Value", d.getValue())).toList());
                alarm.put("Statistic", rule.statistic().toString());
                alarm.put("Period", rule.periodSeconds());
                alarm.put("EvaluationPeriods", rule.evaluationPeriods());
                alarm.put("DatapointsToAlarm", rule.datapointsToAlarm());
                alarm.put("Threshold", rule.threshold());
                alarm.put("ComparisonOperator", rule.comparison().toString());
                alarm.put("TreatMissingData", rule.treatMissingData());
                alarm.put("ActionsEnabled", true);
                alarm.put("AlarmActions", List.of(desired.topicArn()));
                alarm.put("OKActions", List.of(desired.topicArn()));
                resources.add(CfnResource.of(CfnResource.logicalId("Alarm", rule.name().substring(desired.prefix().length())),
                        "AWS::CloudWatch::Alarm", alarm));
            }
        }
        return resources;
    }

    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        return Observed.ready(desired.rules().values().stream().mapToInt(List::size).sum() + " alarms", new State(Map.of()));
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (var rules : desired.rules().values()) {
            for (AlarmRule rule : rules) {
                MetricAlarm alarm = actual.byName().get(rule.name());
                if (alarm == null) {
                    changes.add(Change.missing(rule.name(), rule.description(), "created " + rule.name()));
                } else {
                    List<String> differing = rule.differences(alarm, desired.topicArn());
                    if (!differing.isEmpty()) {
                        changes.add(Change.described(rule.name(), String.join(", ", differing), rule.description(), "restored " + rule.name()));
                    }
                }
            }
        }
        actual.byName().keySet().stream()
                .filter(name -> desired.rules().containsKey(desired.kindOf(name)) && desired.rule(name) == null)
                .forEach(name -> changes.add(Change.unwanted(name, "alarm", "deleted " + name + ": its resource is gone")));
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        write(scope, desired, diff(new State(Map.of()), desired));
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        write(scope, desired, changes);
        // status.alarms and Degraded read the alarms as they now are.
        Observed<State> now = observe(scope);
        if (now != null) {
            scope.record(NAME, now);
        }
    }

    /** Puts each missing or drifted alarm, deletes the stale ones. */
    private static void write(PlatformScope scope, Desired desired, List<Change> changes) {
        List<String> stale = new ArrayList<>();
        for (Change change : changes) {
            AlarmRule rule = desired.rule(change.field());
            if (rule != null) {
                put(scope, rule, desired.topicArn());
            } else {
                stale.add(change.field());
            }
        }
        deleteInBatches(scope, stale);
    }

    private static void put(PlatformScope scope, AlarmRule rule, String topic) {
        scope.cloudWatch().putMetricAlarm(r -> r.alarmName(rule.name())
                .alarmDescription(rule.description())
                .namespace(rule.namespace())
                .metricName(rule.metric())
                .dimensions(rule.dimensions().entrySet().stream().map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList())
                .statistic(rule.statistic())
                .period(rule.periodSeconds())
                .evaluationPeriods(rule.evaluationPeriods())
                .datapointsToAlarm(rule.datapointsToAlarm())
                .threshold(rule.threshold())
                .comparisonOperator(rule.comparison())
                .treatMissingData(rule.treatMissingData())
                .actionsEnabled(true)
                .alarmActions(topic)
                .okActions(topic)
                .tags(scope.tags(NAME, rule.name()).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        deleteInBatches(scope, List.copyOf(current.detail().byName().keySet()));
        return true;
    }

    /** DeleteAlarms takes at most 100 names per call. */
    private static void deleteInBatches(PlatformScope scope, List<String> names) {
        for (int i = 0; i < names.size(); i += 100) {
            List<String> batch = names.subList(i, Math.min(names.size(), i + 100));
            scope.cloudWatch().deleteAlarms(r -> r.alarmNames(batch));
        }
    }

    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
