package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The alarm topic and alarms against the emulator: wiring, states, following replaced instances, drift, teardown order.
 * And the database's Enhanced Monitoring with its role: on by default, repaired, opted out, refused while IAM propagates.
 */
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

    private static DBInstance db(PlatformScope scope) {
        return aws.rds(Emulator.REGION).describeDBInstances(r -> r.dbInstanceIdentifier(DatabaseNames.instanceId(scope))).dbInstances().get(0);
    }

    private static boolean roleExists(PlatformScope scope) {
        return io.webplatform.operator.testing.AwsReads.exists(() -> aws.iam(Emulator.REGION)
                .getRole(r -> r.roleName(DatabaseMonitoringRole.roleName(scope))));
    }

    @Test
    void enhancedMonitoringIsOnByDefaultWithItsOwnRoleAndTurningItOffByHandIsRepaired() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        var iam = aws.iam(Emulator.REGION);
        String roleName = DatabaseMonitoringRole.roleName(scope);
        var role = iam.getRole(r -> r.roleName(roleName)).role();
        assertThat(db(scope).monitoringInterval()).isEqualTo(60);
        assertThat(db(scope).monitoringRoleArn()).isEqualTo(role.arn());
        String dbArn = "arn:aws:rds:" + Emulator.REGION + ":123456789012:db:" + DatabaseNames.baseId(scope);
        assertThat(URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8)).contains("monitoring.rds.amazonaws.com",
                "\"aws:SourceAccount\":\"123456789012\"", "\"" + dbArn + "\"", "\"" + dbArn + "-r*\"");
        assertThat(iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies()).extracting(AttachedPolicy::policyArn)
                .containsExactly("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
        assertThat(role.tags()).anyMatch(t -> t.key().equals("webplatform.io/owner-uid"));
        assertThat(PlatformControls.evaluate(scope)).filteredOn(f -> f.getId().equals("RDS.6")).singleElement()
                .satisfies(f -> assertThat(f.failed()).as(f.getMessage()).isFalse());

        // A person turns monitoring off and detaches the role's policy: both come back in one pass.
        aws.rds(Emulator.REGION).modifyDBInstance(r -> r.dbInstanceIdentifier(DatabaseNames.instanceId(scope)).monitoringInterval(0)
                .applyImmediately(true));
        iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(DatabaseMonitoringRole.managedPolicy(scope.partition())));
        assertThat(db(scope).monitoringInterval()).isZero();
        WalkResult repaired = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(repaired.repairs()).contains("Database: Enhanced Monitoring every 60 s with " + role.arn(),
                "DatabaseMonitoringRole: attached arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
        assertThat(db(scope).monitoringInterval()).isEqualTo(60);
        assertThat(db(scope).monitoringRoleArn()).isEqualTo(role.arn());
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();

        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(roleExists(scope)).isFalse();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void anIntervalOfZeroTurnsMonitoringOffThenRemovesTheRoleAndTheFindingSaysSo() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        assertThat(roleExists(scope)).isTrue();

        wp.getSpec().database.monitoringIntervalSeconds = 0;
        WalkResult off = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(off.repairs()).contains("Database: Enhanced Monitoring turned off");
        assertThat(off.component(DatabaseMonitoringRole.NAME).getMessage()).contains("kept until the database stops using it");
        assertThat(roleExists(scope)).as("the role outlives the instance's use of it").isTrue();
        assertThat(db(scope).monitoringInterval()).isZero();

        WalkResult removed = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(removed.repairs()).containsExactly("DatabaseMonitoringRole: removed: spec.database.monitoringIntervalSeconds is 0"
                + " and the database no longer uses it");
        assertThat(roleExists(scope)).isFalse();
        PlatformScope optedOut = scope(wp);
        WalkResult steady = graph.reconcile(optedOut, new RecordedEvents());
        assertThat(steady.allReady()).as(steady.waitingSummary()).isTrue();
        assertThat(steady.repairs()).isEmpty();
        assertThat(PlatformControls.evaluate(optedOut)).filteredOn(Finding::failed).extracting(Finding::getId, Finding::getOptedOutBy)
                .containsExactly(tuple("RDS.6", "spec.database.monitoringIntervalSeconds: 0"),
                        tuple("secretsmanager_has_restrictive_resource_policy", "spec.database.secretAccess.restricted: false"),
                        tuple("elbv2_nlb_tls_termination_enabled", "spec.loadBalancer.certificateArn: none (port 443 with a certificate adds a TLS listener)"));

        // Back on: the role is made again before the database uses it.
        wp.getSpec().database.monitoringIntervalSeconds = 15;
        PlatformScope back = convergedScope(wp);
        assertThat(db(back).monitoringInterval()).isEqualTo(15);
        assertThat(db(back).monitoringRoleArn()).isEqualTo(back.idOf(DatabaseMonitoringRole.NAME));
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    /**
     * RDS refuses a role IAM has not propagated: within two minutes of the role's making the database is Pending (no
     * Stalled, no warning); refused longer, Stalled with RDS's message; accepted, it converges.
     */
    @Test
    void aNewMonitoringRoleRdsRefusesIsStillWorkingForTwoMinutesThenStalls() {
        WebPlatform wp = platform(new WebPlatformSpec());
        String role = DatabaseMonitoringRole.roleName(scope(wp));
        String invalid = "IAM role ARN value is invalid or does not include the required permissions for: ENHANCED_MONITORING";
        FailCalls.Failure notYetPropagated = FAIL.answer("CreateDBInstance", "InvalidParameterValue", 400, invalid)
                .when(r -> r instanceof CreateDbInstanceRequest create && create.monitoringRoleArn() != null
                        && create.monitoringRoleArn().endsWith("/" + role));
        RecordedEvents events = new RecordedEvents();
        try {
            WalkResult pass = null;
            for (int i = 0; i < 10 && notYetPropagated.answered() == 0; i++) {
                pass = graph.reconcile(scope(wp), events);
            }
            assertThat(notYetPropagated.answered()).as("CreateDBInstance reached").isEqualTo(1);
            assertThat(pass.stalled()).as(pass.stalledMessage()).isFalse();
            assertThat(pass.component(Database.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
            assertThat(pass.component(Database.NAME).getMessage()).startsWith("monitoring role " + role + " is new")
                    .contains("InvalidParameterValue");
            assertThat(events.warnings).as("no warning while IAM propagates").isEmpty();

            PlatformScope late = scope(wp);
            late.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(3)));
            WalkResult stalled = graph.reconcile(late, new RecordedEvents());
            assertThat(stalled.stalled()).isTrue();
            assertThat(stalled.stalledReason()).isEqualTo("MonitoringRoleNotUsable");
            assertThat(stalled.stalledMessage()).contains(invalid).contains("longer than the 120 s").contains("iam:PassRole");
        } finally {
            notYetPropagated.release();
        }
        WalkResult converged = converge(wp);
        assertThat(converged.allReady()).as(converged.waitingSummary() + converged.stalledMessage()).isTrue();
        assertThat(db(scope(wp)).monitoringInterval()).isEqualTo(60);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }
}
