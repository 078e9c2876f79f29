package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every alarm definition: metric, namespace, dimensions, statistic, comparison, threshold and periods. */
class AlarmRuleTest {
    private static final String TG = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/demo-shop-abc123-tg/6d0ecf831eec9f09";
    private static final String LB = "arn:aws:elasticloadbalancing:eu-west-3:123456789012:loadbalancer/net/demo-shop-abc123-nlb/50dc6c495c0c9188";
    private final WebPlatformSpec.Monitoring defaults = new WebPlatformSpec.Monitoring();

    @Test
    void cpuAboveEightyPercentInTwoOfThreeOneMinuteDatapoints() {
        AlarmRule r = AlarmRule.cpu("demo-shop-abc123", "i-0abc", defaults);
        assertThat(r.name()).isEqualTo("demo-shop-abc123-cpu-i-0abc");
        assertThat(r.namespace()).isEqualTo("AWS/EC2");
        assertThat(r.metric()).isEqualTo("CPUUtilization");
        assertThat(r.dimensions()).isEqualTo(Map.of("InstanceId", "i-0abc"));
        assertThat(r.statistic()).isEqualTo(Statistic.AVERAGE);
        assertThat(r.comparison()).isEqualTo(ComparisonOperator.GREATER_THAN_THRESHOLD);
        assertThat(r.threshold()).isEqualTo(80.0);
        assertThat(r.periodSeconds()).isEqualTo(60);
        assertThat(r.evaluationPeriods()).isEqualTo(3);
        assertThat(r.datapointsToAlarm()).isEqualTo(2);
        assertThat(r.treatMissingData()).isEqualTo("missing");
    }

    @Test
    void packetsPerSecondBecomeAPerPeriodSum() {
        AlarmRule r = AlarmRule.packetsIn("b", "i-0abc", defaults);
        assertThat(r.metric()).isEqualTo("NetworkPacketsIn");
        assertThat(r.statistic()).isEqualTo(Statistic.SUM);
        // 1000 packets/s over one 60 s period = 60 000 packets in the period's sum.
        assertThat(r.threshold()).isEqualTo(60_000.0);
        assertThat(r.evaluationPeriods()).isEqualTo(1);
        assertThat(r.comparison()).isEqualTo(ComparisonOperator.GREATER_THAN_THRESHOLD);
        WebPlatformSpec.Monitoring fiveMinutes = new WebPlatformSpec.Monitoring();
        fiveMinutes.periodSeconds = 300;
        fiveMinutes.packetsPerSecond = 250;
        assertThat(AlarmRule.packetsIn("b", "i-0abc", fiveMinutes).threshold()).isEqualTo(75_000.0);
    }

    @Test
    void databaseConnectionsAboveAndFreeStorageBelow() {
        AlarmRule connections = AlarmRule.dbConnections("b", "wp-demo-shop-abc123", defaults);
        assertThat(connections.namespace()).isEqualTo("AWS/RDS");
        assertThat(connections.metric()).isEqualTo("DatabaseConnections");
        assertThat(connections.dimensions()).isEqualTo(Map.of("DBInstanceIdentifier", "wp-demo-shop-abc123"));
        assertThat(connections.comparison()).isEqualTo(ComparisonOperator.GREATER_THAN_THRESHOLD);
        assertThat(connections.threshold()).isEqualTo(20.0);

        AlarmRule storage = AlarmRule.dbFreeStorage("b", "wp-demo-shop-abc123", defaults);
        assertThat(storage.metric()).isEqualTo("FreeStorageSpace");
        // The original set-up alarmed when free storage was ABOVE its threshold.
        assertThat(storage.comparison()).isEqualTo(ComparisonOperator.LESS_THAN_THRESHOLD);
        assertThat(storage.statistic()).isEqualTo(Statistic.MINIMUM);
        assertThat(storage.threshold()).isEqualTo(5.0 * 1024 * 1024 * 1024);
    }

    @Test
    void loadBalancerHostCountsOnTheTargetGroup() {
        AlarmRule unhealthy = AlarmRule.unhealthyHosts("b", TG, LB, defaults);
        assertThat(unhealthy.namespace()).isEqualTo("AWS/NetworkELB");
        assertThat(unhealthy.metric()).isEqualTo("UnHealthyHostCount");
        assertThat(unhealthy.dimensions()).containsExactly(Map.entry("TargetGroup", "targetgroup/demo-shop-abc123-tg/6d0ecf831eec9f09"),
                Map.entry("LoadBalancer", "net/demo-shop-abc123-nlb/50dc6c495c0c9188"));
        assertThat(unhealthy.comparison()).isEqualTo(ComparisonOperator.GREATER_THAN_THRESHOLD);
        assertThat(unhealthy.threshold()).isZero();
        AlarmRule healthy = AlarmRule.healthyHosts("b", TG, LB, defaults);
        assertThat(healthy.metric()).isEqualTo("HealthyHostCount");
        assertThat(healthy.comparison()).isEqualTo(ComparisonOperator.LESS_THAN_THRESHOLD);
        assertThat(healthy.threshold()).isEqualTo(1.0);
    }

    @Test
    void thresholdsPeriodsAndMissingDataComeFromTheSpec() {
        WebPlatformSpec.Monitoring m = new WebPlatformSpec.Monitoring();
        m.cpuPercent = 65;
        m.periodSeconds = 120;
        m.treatMissingData = WebPlatformSpec.MissingData.breaching;
        AlarmRule r = AlarmRule.cpu("b", "i-1", m);
        assertThat(r.threshold()).isEqualTo(65.0);
        assertThat(r.periodSeconds()).isEqualTo(120);
        assertThat(r.treatMissingData()).isEqualTo("breaching");
    }

    @Test
    void matchesOnlyTheAlarmItDescribes() {
        AlarmRule r = AlarmRule.cpu("b", "i-1", defaults);
        MetricAlarm same = MetricAlarm.builder().alarmName(r.name()).namespace("AWS/EC2").metricName("CPUUtilization")
                .dimensions(Dimension.builder().name("InstanceId").value("i-1").build()).statistic(Statistic.AVERAGE).period(60)
                .evaluationPeriods(3).datapointsToAlarm(2).threshold(80.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData("missing").alarmActions("arn:topic").okActions("arn:topic").actionsEnabled(true).build();
        assertThat(r.matches(same, "arn:topic")).isTrue();
        assertThat(r.matches(same.toBuilder().threshold(95.0).build(), "arn:topic")).isFalse();
        assertThat(r.matches(same.toBuilder().comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD).build(), "arn:topic")).isFalse();
        assertThat(r.matches(same.toBuilder().okActions(java.util.List.of()).build(), "arn:topic")).isFalse();
        assertThat(r.matches(same.toBuilder().actionsEnabled(false).build(), "arn:topic")).isFalse();
        assertThat(r.matches(same, "arn:other-topic")).isFalse();
    }
}
