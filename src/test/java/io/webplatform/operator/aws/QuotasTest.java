package io.webplatform.operator.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The arithmetic of the quota check: what an object still needs against limit − usage − what others reserved. */
class QuotasTest {
    static final String REGION = "eu-west-3";

    /** A clock tests move forward (a check within seconds of the same object's last one stands). */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();
    /** Limits assumed by configuration: no Service Quotas call in these tests. */
    final Quotas quotas = new Quotas(new AwsClients(REGION, Optional.empty(), List.of()), clock, "ec2/L-0263D0A3=5,vpc/L-FE5A380F=5,vpc/L-F678F1CE=5");

    /** The account as the counts see it: items by zone and owner. */
    final List<String[]> addresses = new ArrayList<>();
    final List<String[]> nats = new ArrayList<>();
    final AtomicInteger counted = new AtomicInteger();

    final Function<Quotas.Quota, Quotas.Usage> counter = quota -> {
        counted.incrementAndGet();
        return Quotas.Usage.of(quota.equals(Quotas.ELASTIC_IPS) ? addresses : nats);
    };

    static Quotas.Need perZone(String... zones) {
        Quotas.Need.Builder need = Quotas.Need.builder(REGION).add(Quotas.ELASTIC_IPS, null, zones.length, zones.length + " NAT gateways");
        for (String zone : zones) {
            need.add(Quotas.NAT_GATEWAYS, zone, 1, "NAT");
        }
        return need.build();
    }

    void holds(String owner, int eips) {
        for (int i = 0; i < eips; i++) {
            addresses.add(new String[]{"", owner});
        }
    }

    @Test
    void threePerZonePlatformsOnFiveAddresses_twoPass_theThirdIsRefusedWithTheQuotaNamed() {
        Quotas.Need need = perZone("eu-west-3a", "eu-west-3b");
        quotas.check("a", "this WebPlatform", need, counter);
        quotas.check("b", "this WebPlatform", need, counter);
        assertThatThrownBy(() -> quotas.check("c", "this WebPlatform", need, counter))
                .isInstanceOf(UserError.class)
                .satisfies(e -> assertThat(((UserError) e).reason()).isEqualTo("QuotaExceeded"))
                .hasMessageContaining("quota EC2-VPC Elastic IPs (ec2/L-0263D0A3) in eu-west-3: value 5 (as configured in webplatform.quotas.assumed-limits), 0 in use, 4 reserved by objects being created; this WebPlatform needs 2 more (2 NAT gateways)")
                .hasMessageContaining("aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 6 --region eu-west-3");
    }

    @Test
    void whatAnObjectAlreadyMadeIsNotCountedTwice() {
        Quotas.Need need = perZone("eu-west-3a", "eu-west-3b");
        quotas.check("a", "this WebPlatform", need, counter);
        // a's addresses now exist: the count sees them (tagged a), and a's reservation no longer counts them.
        holds("a", 2);
        quotas.check("b", "this WebPlatform", need, counter);
        holds("b", 1);
        // 3 in use, b still needs 1: 5 − 3 − 1 = 1 free, c needs 2.
        assertThatThrownBy(() -> quotas.check("c", "this WebPlatform", need, counter)).hasMessageContaining("3 in use, 1 reserved");
        // a is deleted with its addresses: c fits.
        quotas.release("a");
        addresses.removeIf(item -> item[1].equals("a"));
        quotas.check("c", "this WebPlatform", need, counter);
    }

    @Test
    void anExistingPlatformNeedsOnlyWhatItDoesNotHold() {
        // Single to PerZone: it holds one address; 4 others are used by someone else.
        holds("a", 1);
        holds("", 3);
        quotas.check("a", "this WebPlatform", perZone("eu-west-3a", "eu-west-3b"), counter);
        holds("", 1);
        assertThatThrownBy(() -> quotas.check("z", "this WebPlatform", perZone("eu-west-3a"), counter))
                .hasMessageContaining("5 in use, 1 reserved by objects being created; this WebPlatform needs 1 more");
    }

    @Test
    void natGatewaysAreJudgedPerZone() {
        for (int i = 0; i < 4; i++) {
            nats.add(new String[]{"eu-west-3a", ""});
        }
        quotas.check("a", "this WebPlatform", perZone("eu-west-3a", "eu-west-3b"), counter);
        assertThatThrownBy(() -> quotas.check("b", "this WebPlatform", perZone("eu-west-3a", "eu-west-3b"), counter))
                .hasMessageContaining("quota NAT gateways per Availability Zone (vpc/L-FE5A380F) in eu-west-3a: value 5")
                .hasMessageContaining("4 in use, 1 reserved");
        // Zone b has room: a Single platform whose NAT is in b passes.
        quotas.check("c", "this WebPlatform", perZone("eu-west-3b"), counter);
    }

    @Test
    void aPlatformWhoseWalkFoundAllItNeedsAsksNothing() {
        Quotas.Need need = perZone("eu-west-3a", "eu-west-3b");
        quotas.check("a", "this WebPlatform", need, counter);
        int first = counted.get();
        assertThat(first).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        quotas.held("a", need);
        quotas.check("a", "this WebPlatform", need, counter);
        assertThat(counted.get()).as("no count once it holds what it needs").isEqualTo(first);
        // Its spec now needs more (a third zone): counted again, only the quotas it lacks.
        clock.advance(Duration.ofMinutes(1));
        quotas.check("a", "this WebPlatform", perZone("eu-west-3a", "eu-west-3b", "eu-west-3c"), counter);
        assertThat(counted.get()).isEqualTo(first + 2);
    }

    @Test
    void aCountTakenBeforeAnotherObjectRecordedWhatItMadeStillSeesIt() {
        Quotas.Need need = perZone("eu-west-3a", "eu-west-3b");
        quotas.check("a", "this WebPlatform", need, counter);
        quotas.check("b", "this WebPlatform", need, counter);
        // c counts (outside the ledger's lock); meanwhile a's walk makes its two addresses and records them.
        Function<Quotas.Quota, Quotas.Usage> countedBeforeAsWalk = quota -> {
            Quotas.Usage usage = counter.apply(quota);
            if (quota.equals(Quotas.ELASTIC_IPS)) {
                holds("a", 2);
                quotas.held("a", need);
            }
            return usage;
        };
        assertThatThrownBy(() -> quotas.check("c", "this WebPlatform", need, countedBeforeAsWalk))
                .isInstanceOf(UserError.class).hasMessageContaining("L-0263D0A3");
    }

    @Test
    void theSamePassJudgingTwiceCountsOnce() {
        Quotas.Need need = perZone("eu-west-3a");
        quotas.check("a", "this WebPlatform", need, counter);
        quotas.check("a", "this WebPlatform", need, counter);
        assertThat(counted.get()).isEqualTo(2);
    }

    @Test
    void aReservationLapsesWhenItsObjectIsNoLongerJudged() {
        Quotas.Need need = perZone("eu-west-3a", "eu-west-3b");
        quotas.check("a", "this WebPlatform", need, counter);
        quotas.check("b", "this WebPlatform", need, counter);
        clock.advance(Quotas.ENTRY_LAPSES.plusMinutes(1));
        quotas.check("c", "this WebPlatform", need, counter);
    }

    @Test
    void aNonAdjustableQuotaSaysSo() {
        assertThat(Quotas.howToRaise(Quotas.Key.of(Quotas.TRAILS, REGION, null), "6")).contains("not adjustable");
        assertThat(Quotas.howToRaise(Quotas.Key.of(Quotas.IAM_ROLES, REGION, null), "1001")).contains("--region us-east-1");
    }

    static AwsServiceException error(String service, String code, int status) {
        return (AwsServiceException) AwsServiceException.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName(service).errorCode(code).errorMessage("refused").build()).build();
    }

    @Test
    void awsRefusalsOfAQuotaAreMappedToTheQuota() {
        Map<AwsServiceException, String> mapped = Map.of(
                error("Ec2", "AddressLimitExceeded", 400), "EC2-VPC Elastic IPs (ec2/L-0263D0A3)",
                error("Ec2", "VpcLimitExceeded", 400), "VPCs per Region (vpc/L-F678F1CE)",
                error("Ec2", "InternetGatewayLimitExceeded", 400), "Internet gateways per Region (vpc/L-A4707A72)",
                error("Ec2", "NatGatewayLimitExceeded", 400), "NAT gateways per Availability Zone (vpc/L-FE5A380F)",
                error("Rds", "InstanceQuotaExceeded", 400), "DB instances (rds/L-7B6409FD)",
                error("S3", "TooManyBuckets", 400), "General purpose buckets (s3/L-DC2B2D3D)",
                error("CloudTrail", "MaximumNumberOfTrailsExceededException", 400), "Trails per region (cloudtrail)");
        mapped.forEach((e, quota) -> assertThat(Quotas.refusal(e, REGION, null)).as(quota).isNotNull()
                .satisfies(u -> assertThat(u.reason()).isEqualTo("QuotaExceeded"))
                .extracting(Throwable::getMessage).asString().contains(quota).contains("refused"));
        // IAM's LimitExceeded is the roles quota only when CreateRole is refused (a policy's size answers the same code).
        assertThat(Quotas.refusal(error("Iam", "LimitExceeded", 409), REGION, "iam:CreateRole").getMessage())
                .contains("Roles per account (iam/L-FE177D64) in the account").contains("AWS refused iam:CreateRole");
        assertThat(Quotas.refusal(error("Iam", "LimitExceeded", 409), REGION, "iam:PutRolePolicy")).isNull();
        assertThat(Quotas.refusal(error("Kms", "LimitExceededException", 400), REGION, "kms:CreateKey").getMessage())
                .contains("Customer managed keys");
        // Another service's code of the same name is not EC2's; an unrelated code maps to nothing.
        assertThat(Quotas.refusal(error("Rds", "AddressLimitExceeded", 400), REGION, null)).isNull();
        assertThat(Quotas.refusal(error("Ec2", "InvalidParameterValue", 400), REGION, null)).isNull();
    }

    @Test
    void assumedLimitsAreParsed() {
        assertThat(Quotas.parseAssumed("*=100000")).containsEntry("*", 100000);
        assertThat(Quotas.parseAssumed(" vpc/L-F678F1CE=20 , ec2/L-0263D0A3=10")).containsEntry("vpc/L-F678F1CE", 20).containsEntry("ec2/L-0263D0A3", 10);
        assertThatThrownBy(() -> Quotas.parseAssumed("vpc/L-F678F1CE")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReadmeTableIsTheTable() throws java.io.IOException {
        java.nio.file.Path readme = java.nio.file.Path.of("README.md");
        String text = java.nio.file.Files.readString(readme);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(<!-- generated from Quotas by QuotasTest -->\n)(.*?)(\n<!-- end of Quotas -->)",
                java.util.regex.Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("README has the generated table of quotas").isTrue();
        if (Boolean.getBoolean("readme.update")) {
            java.nio.file.Files.writeString(readme, text.substring(0, m.start(2)) + Quotas.markdown().strip() + text.substring(m.end(2)));
            return;
        }
        assertThat(m.group(2)).as("the README's table of quotas (rerun with -Dreadme.update=true)").isEqualTo(Quotas.markdown().strip());
    }
}
