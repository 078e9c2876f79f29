package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The alarm topic and alarms against the emulator: wiring, states, following replaced instances, drift, teardown order. */
class MonitoringEmulatorTest extends PlatformFixture {

    private static Map<String, MetricAlarm> alarms(PlatformScope scope) {
        return aws.cloudWatch(Emulator.REGION).describeAlarms(r -> r.alarmNamePrefix(Alarms.prefix(scope))).metricAlarms().stream()
                .collect(Collectors.toMap(MetricAlarm::alarmName, a -> a));
    }

    @Test
    void everyAlarmNotifiesTheEncryptedTopicWhichHasTheSubscriptions() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.monitoring.email = List.of("ops@example.com");
        WebPlatformSpec.Subscription hook = new WebPlatformSpec.Subscription();
        hook.protocol = WebPlatformSpec.SubscriptionProtocol.https;
        hook.endpoint = "https://hooks.example.com/alarms";
        spec.monitoring.subscriptions = List.of(hook);
        WebPlatform wp = platform(spec);
        PlatformScope scope = convergedScope(wp);

        String topic = AlarmTopic.arn(scope);
        var attributes = aws.sns(Emulator.REGION).getTopicAttributes(r -> r.topicArn(topic)).attributes();
        String keyArn = aws.kms(Emulator.REGION).describeKey(r -> r.keyId(AlarmTopicKey.alias(scope))).keyMetadata().arn();
        assertThat(attributes.get("KmsMasterKeyId")).isEqualTo(keyArn);
        String keyPolicy = aws.kms(Emulator.REGION).getKeyPolicy(r -> r.keyId(keyArn).policyName("default")).policy();
        assertThat(keyPolicy).contains("cloudwatch.amazonaws.com", "kms:GenerateDataKey*");
        assertThat(aws.kms(Emulator.REGION).getKeyRotationStatus(r -> r.keyId(keyArn)).keyRotationEnabled()).isTrue();
        assertThat(aws.sns(Emulator.REGION).listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions())
                .extracting(s -> s.protocol() + ":" + s.endpoint())
                .containsExactlyInAnyOrder("email:ops@example.com", "https:https://hooks.example.com/alarms");

        Map<String, MetricAlarm> alarms = alarms(scope);
        Map<String, String> instances = AppInstances.idsByZone(scope);
        String base = scope.baseName();
        List<String> expected = new java.util.ArrayList<>(List.of(base + "-db-connections", base + "-db-free-storage",
                base + "-unhealthy-hosts", base + "-healthy-hosts"));
        instances.values().forEach(id -> expected.addAll(List.of(base + "-cpu-" + id, base + "-packets-in-" + id)));
        assertThat(alarms.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(alarms.values()).allSatisfy(a -> {
            assertThat(a.alarmActions()).containsExactly(topic);
            assertThat(a.okActions()).containsExactly(topic);
            assertThat(a.treatMissingData()).isEqualTo("missing");
        });
        assertThat(alarms.get(base + "-db-free-storage").comparisonOperatorAsString()).isEqualTo("LessThanThreshold");
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void anAlarmInAlarmIsReportedAndAnAlarmDeletedOrEditedByHandIsRestored() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        String base = scope.baseName();
        var cloudWatch = aws.cloudWatch(Emulator.REGION);
        cloudWatch.setAlarmState(r -> r.alarmName(base + "-db-connections").stateValue(StateValue.ALARM).stateReason("test"));
        PlatformScope firing = scope(wp);
        graph.reconcile(firing, new RecordedEvents());
        assertThat(Alarms.of(firing).firing()).containsExactly(base + "-db-connections");

        cloudWatch.deleteAlarms(r -> r.alarmNames(base + "-healthy-hosts"));
        MetricAlarm storage = alarms(scope).get(base + "-db-free-storage");
        // The original mistake, made by hand: free storage compared the wrong way round.
        cloudWatch.putMetricAlarm(r -> r.alarmName(storage.alarmName()).namespace(storage.namespace()).metricName(storage.metricName())
                .dimensions(storage.dimensions()).statistic(storage.statistic()).period(storage.period())
                .evaluationPeriods(storage.evaluationPeriods()).threshold(storage.threshold())
                .comparisonOperator("GreaterThanThreshold").alarmActions(storage.alarmActions()).okActions(storage.okActions()));
        WalkResult repaired = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(repaired.repairs()).contains("Alarms: created " + base + "-healthy-hosts", "Alarms: restored " + base + "-db-free-storage");
        assertThat(alarms(scope).get(base + "-db-free-storage").comparisonOperatorAsString()).isEqualTo("LessThanThreshold");
        assertThat(alarms(scope)).hasSize(8);
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    @Test
    void theAlarmsOfAReplacedInstanceFollowItsReplacement() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        String base = scope.baseName();
        String lost = AppInstances.idsByZone(scope).get(zones.get(0));
        aws.ec2(Emulator.REGION).terminateInstances(r -> r.instanceIds(lost));
        assertThat(converge(wp).allReady()).isTrue();
        PlatformScope after = convergedScope(wp);
        String replacement = AppInstances.idsByZone(after).get(zones.get(0));
        assertThat(replacement).isNotEqualTo(lost);
        assertThat(alarms(after).keySet()).contains(base + "-cpu-" + replacement, base + "-packets-in-" + replacement)
                .doesNotContain(base + "-cpu-" + lost, base + "-packets-in-" + lost).hasSize(8);
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    @Test
    void theSweepRemovesAnAlarmAndATopicNoComponentKnows() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        // Strays carrying the owner tags, as a bug or a person might leave them, with names no component looks for.
        var tags = scope.tags("Stray", "stray");
        String topic = aws.sns(Emulator.REGION).createTopic(r -> r.name("stray-" + System.nanoTime()).tags(tags.entrySet().stream()
                .map(e -> software.amazon.awssdk.services.sns.model.Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())).topicArn();
        String alarm = "stray-alarm-" + System.nanoTime();
        aws.cloudWatch(Emulator.REGION).putMetricAlarm(r -> r.alarmName(alarm).namespace("AWS/EC2").metricName("CPUUtilization")
                .statistic("Average").period(60).evaluationPeriods(1).threshold(1.0).comparisonOperator("GreaterThanThreshold")
                .tags(tags.entrySet().stream().map(e -> software.amazon.awssdk.services.cloudwatch.model.Tag.builder().key(e.getKey())
                        .value(e.getValue()).build()).toList()));
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
        assertThat(aws.cloudWatch(Emulator.REGION).describeAlarms(r -> r.alarmNames(alarm)).metricAlarms()).isEmpty();
        assertThat(io.webplatform.operator.testing.AwsReads.exists(() -> aws.sns(Emulator.REGION).getTopicAttributes(r -> r.topicArn(topic))))
                .isFalse();
    }

    @Test
    void alarmsAndTheTopicGoFirstOnDelete() {
        WebPlatform wp = platform(new WebPlatformSpec());
        convergedScope(wp);
        wp.getMetadata().setDeletionTimestamp(Instant.now().toString());
        RecordedEvents events = new RecordedEvents();
        for (int pass = 0; pass < 12; pass++) {
            graph.delete(scope(wp), events);
        }
        List<String> order = events.normal.stream().filter(e -> e.startsWith("Deleted: ")).map(e -> e.split(" ")[1]).toList();
        assertThat(order.subList(0, 3)).containsExactly(Alarms.NAME, AlarmTopic.NAME, AlarmTopicKey.NAME);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }
}
