package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsNameRules;
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
public class Alarms implements Component<PlatformScope> {
    public static final String NAME = "Alarms";

    private enum Kind { INSTANCE, DATABASE, LOAD_BALANCER }

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

    @Override
    public List<String> dependsOn() {
        return List.of(AlarmTopic.NAME);
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

    private static Kind kind(PlatformScope scope, String name) {
        String rest = name.substring(prefix(scope).length());
        if (rest.startsWith("cpu-") || rest.startsWith("packets-in-")) {
            return Kind.INSTANCE;
        }
        return rest.startsWith("db-") ? Kind.DATABASE : Kind.LOAD_BALANCER;
    }

    @Override
    public Observed observe(PlatformScope scope) {
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
    public void create(PlatformScope scope) {
        repair(scope, new State(Map.of()));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed current) {
        return repair(scope, current.detail(State.class));
    }

    private List<String> repair(PlatformScope scope, State state) {
        Map<Kind, List<AlarmRule>> desired = desired(scope);
        String topic = scope.idOf(AlarmTopic.NAME);
        List<String> changes = new ArrayList<>();
        for (var rules : desired.values()) {
            for (AlarmRule rule : rules) {
                MetricAlarm actual = state.byName().get(rule.name());
                if (actual == null || !rule.matches(actual, topic)) {
                    put(scope, rule, topic);
                    changes.add((actual == null ? "created " : "restored ") + rule.name());
                }
            }
        }
        List<String> stale = state.byName().keySet().stream()
                .filter(name -> desired.containsKey(kind(scope, name)) && desired.get(kind(scope, name)).stream().noneMatch(r -> r.name().equals(name)))
                .toList();
        if (!stale.isEmpty()) {
            scope.cloudWatch().deleteAlarms(r -> r.alarmNames(stale));
            stale.forEach(name -> changes.add("deleted " + name + ": its resource is gone"));
        }
        return changes;
    }

    /** The rules for each kind whose resource this pass observed. */
    static Map<Kind, List<AlarmRule>> desired(PlatformScope scope) {
        var m = scope.spec().monitoring;
        String base = stem(scope);
        Map<Kind, List<AlarmRule>> desired = new LinkedHashMap<>();
        Map<String, String> instances = AppInstances.idsByZone(scope);
        if (instances != null) {
            List<AlarmRule> rules = new ArrayList<>();
            instances.values().forEach(id -> {
                rules.add(AlarmRule.cpu(base, id, m));
                rules.add(AlarmRule.packetsIn(base, id, m));
            });
            desired.put(Kind.INSTANCE, rules);
        }
        var db = Database.of(scope);
        if (db != null) {
            desired.put(Kind.DATABASE, List.of(AlarmRule.dbConnections(base, db.dbInstanceIdentifier(), m),
                    AlarmRule.dbFreeStorage(base, db.dbInstanceIdentifier(), m)));
        }
        if (scope.observed(TargetGroup.NAME) != null && scope.observed(LoadBalancer.NAME) != null) {
            String tg = scope.idOf(TargetGroup.NAME);
            String lb = scope.idOf(LoadBalancer.NAME);
            desired.put(Kind.LOAD_BALANCER, List.of(AlarmRule.unhealthyHosts(base, tg, lb, m), AlarmRule.healthyHosts(base, tg, lb, m)));
        }
        return desired;
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
    public boolean delete(PlatformScope scope, Observed current) {
        List<String> names = List.copyOf(current.detail(State.class).byName().keySet());
        // DeleteAlarms takes at most 100 names per call.
        for (int i = 0; i < names.size(); i += 100) {
            List<String> batch = names.subList(i, Math.min(names.size(), i + 100));
            scope.cloudWatch().deleteAlarms(r -> r.alarmNames(batch));
        }
        return true;
    }

    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : observed.detail(State.class);
    }
}
