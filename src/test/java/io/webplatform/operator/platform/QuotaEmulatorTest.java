package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Quotas;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.CrashAfterMutation;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.ServiceQuotaAnswers;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.iam.model.SummaryKeyType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AWS's quotas with small defaults, judged before the first write against an account that is not the
 * test bed's raised one: the operator asks Service Quotas (the emulator's vpc answers, and a seam where
 * it has none: {@link ServiceQuotaAnswers}) and counts usage account wide. Each test uses a Region of
 * its own, so that what it counts is what it made.
 */
class QuotaEmulatorTest extends PlatformFixture {
    static final ServiceQuotaAnswers QUOTAS = new ServiceQuotaAnswers();
    static final CrashAfterMutation WRITES = new CrashAfterMutation();
    /** Clients of an account whose quotas are AWS's (no assumed values), with their own ledger and kept limits: one per test. */
    AwsClients account;
    final Map<String, List<String>> zonesByRegion = new HashMap<>();

    @BeforeEach
    void account() {
        account = Emulator.clientsWithQuotas("", QUOTAS, SLOW_NAT, SLOW_DB, TARGETS, ENGINE_VERSIONS, RESTORES, FAIL, WRITES);
        // What AWS answers for a quota's default where the emulator answers a 500.
        for (Quotas.Quota q : Quotas.ALL) {
            QUOTAS.awsDefault(q.serviceCode(), q.quotaCode(), q.documentedDefault());
        }
    }

    @AfterEach
    void idle() {
        WRITES.disarm();
        FAIL.clear();
        QUOTAS.clear();
        account.close();
    }

    WebPlatform platformIn(String region) {
        WebPlatform wp = platform(new WebPlatformSpec());
        wp.getSpec().region = region;
        return wp;
    }

    PlatformScope scopeIn(WebPlatform wp) {
        String region = wp.getSpec().region;
        List<String> zones = zonesByRegion.computeIfAbsent(region, r -> new AvailabilityZones(account).of(r));
        return new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, zones.subList(0, 2)), account, "123456789012", flowLogBucketArn);
    }

    WalkResult convergeIn(WebPlatform wp) {
        WalkResult result = null;
        for (int pass = 0; pass < 16; pass++) {
            result = graph.reconcile(scopeIn(wp), new RecordedEvents());
            if (result.allReady() || result.stalled()) {
                return result;
            }
        }
        return result;
    }

    /** One pass with every mutating call recorded: what a stalled pass wrote. */
    WalkResult passCountingWrites(WebPlatform wp, List<String> writes) {
        WRITES.arm(Integer.MAX_VALUE);
        try {
            return graph.reconcile(scopeIn(wp), new RecordedEvents());
        } finally {
            writes.addAll(WRITES.mutations());
            WRITES.disarm();
        }
    }

    @Test
    void threePerZonePlatformsOnFiveElasticIps_twoConverge_theThirdStallsBeforeAnyWrite() {
        String region = "eu-central-1";
        QUOTAS.applied("ec2", "L-0263D0A3", 5);
        WebPlatform a = platformIn(region);
        WebPlatform b = platformIn(region);
        WebPlatform c = platformIn(region);
        // Applied at once: all three are judged before any of them writes; a and b reserve 2 addresses each.
        assertThat(graph.preflight(scopeIn(a)).stalled()).isFalse();
        assertThat(graph.preflight(scopeIn(b)).stalled()).isFalse();
        List<String> writes = new java.util.ArrayList<>();
        WalkResult third = passCountingWrites(c, writes);
        assertThat(third.stalledReason()).as(third.stalledMessage() + third.failures()).isEqualTo("QuotaExceeded");
        assertThat(third.stalledMessage()).contains("quota EC2-VPC Elastic IPs (ec2/L-0263D0A3) in eu-central-1: value 5 (applied value, Service Quotas),"
                        + " 0 in use, 4 reserved by objects being created;")
                .contains("this WebPlatform needs 2 more (one address per NAT gateway: 2 NAT gateways (natGateways PerZone))")
                .contains("aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 6 --region eu-central-1");
        assertThat(writes).as("mutating calls of the third platform").isEmpty();
        System.out.printf("[measure] third PerZone platform on 5 Elastic IPs: Stalled %s after %d writes: %s%n", third.stalledReason(),
                writes.size(), third.stalledMessage());

        assertThat(convergeIn(a).allReady()).isTrue();
        assertThat(convergeIn(b).allReady()).isTrue();
        WalkResult again = graph.reconcile(scopeIn(c), new RecordedEvents());
        assertThat(again.stalledMessage()).contains("4 in use; this WebPlatform needs 2 more");

        // A converged platform's resync asks no quota question: no limit, and no account-wide count.
        List<io.webplatform.operator.testing.FailCalls.Watch> questions = quotaQuestions();
        List<String> calls = ApiCallMetrics.startRecording();
        try {
            assertThat(graph.reconcile(scopeIn(a), new RecordedEvents()).allReady()).isTrue();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(calls).as("a converged resync").noneMatch(call -> call.startsWith("ServiceQuotas:"));
        assertThat(questions).as("account-wide counts in a converged resync").allMatch(w -> w.count() == 0);
        System.out.printf("[measure] converged resync in a quota-checked account: %d read calls, 0 quota questions%n", calls.size());
    }

    /** Watches the account-wide counts of the quota check (unfiltered Describe calls, IAM's summary) and Service Quotas. */
    static List<io.webplatform.operator.testing.FailCalls.Watch> quotaQuestions() {
        return List.of(
                FAIL.watch("DescribeAddresses", r -> ((software.amazon.awssdk.services.ec2.model.DescribeAddressesRequest) r).filters().isEmpty()),
                FAIL.watch("DescribeVpcs", r -> ((software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest) r).filters().isEmpty()
                        && ((software.amazon.awssdk.services.ec2.model.DescribeVpcsRequest) r).vpcIds().isEmpty()),
                FAIL.watch("DescribeInternetGateways", r -> ((software.amazon.awssdk.services.ec2.model.DescribeInternetGatewaysRequest) r).filters().isEmpty()),
                FAIL.watch("DescribeNatGateways", r -> ((software.amazon.awssdk.services.ec2.model.DescribeNatGatewaysRequest) r).filter().stream()
                        .allMatch(f -> f.name().equals("state"))),
                // RetiredDatabases lists every DB instance too, at each resync: the count's own request asks pages of 100.
                FAIL.watch("DescribeDBInstances", r -> Integer.valueOf(100).equals(((software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest) r).maxRecords())),
                FAIL.watch("GetAccountSummary", r -> true),
                FAIL.watch("GetServiceQuota", r -> true),
                FAIL.watch("GetAWSDefaultServiceQuota", r -> true));
    }

    @Test
    void fiveVpcsInTheRegionStallANewPlatform() {
        String region = "ca-central-1";
        var ec2 = account.ec2(region);
        // The emulator answers vpc/L-F678F1CE itself: 5, AWS's default. The default VPC counts.
        int existing = ec2.describeVpcs().vpcs().size();
        for (int i = existing; i < 5; i++) {
            int octet = 100 + i;
            ec2.createVpc(r -> r.cidrBlock("10." + octet + ".0.0/16"));
        }
        WebPlatform wp = platformIn(region);
        List<String> writes = new java.util.ArrayList<>();
        WalkResult result = passCountingWrites(wp, writes);
        assertThat(result.stalledReason()).as(result.stalledMessage() + result.failures()).isEqualTo("QuotaExceeded");
        assertThat(result.stalledMessage()).contains("quota VPCs per Region (vpc/L-F678F1CE) in ca-central-1: value 5 (applied value, Service Quotas), 5 in use;"
                + " this WebPlatform needs 1 more (its VPC)");
        assertThat(writes).isEmpty();
    }

    @Test
    void theDbInstancesQuotaStallsANewPlatform() {
        String region = "ap-southeast-2";
        account.rds(region).createDBInstance(r -> r.dbInstanceIdentifier("someone-elses").engine("postgres").dbInstanceClass("db.t4g.micro")
                .allocatedStorage(20).masterUsername("admin1").masterUserPassword("password-123"));
        QUOTAS.applied("rds", "L-7B6409FD", 1);
        WebPlatform wp = platformIn(region);
        List<String> writes = new java.util.ArrayList<>();
        WalkResult result = passCountingWrites(wp, writes);
        assertThat(result.stalledReason()).as(result.stalledMessage() + result.failures()).isEqualTo("QuotaExceeded");
        assertThat(result.stalledMessage()).contains("quota DB instances (rds/L-7B6409FD) in ap-southeast-2: value 1 (applied value, Service Quotas), 1 in use;"
                + " this WebPlatform needs 1 more (its database)").contains("--service-code rds --quota-code L-7B6409FD --desired-value 2");
        assertThat(writes).isEmpty();
    }

    @Test
    void theIamRolesQuotaStallsANewPlatform() {
        String region = "us-west-2";
        int roles = account.iam(region).getAccountSummary().summaryMap().get(SummaryKeyType.ROLES);
        QUOTAS.applied("iam", "L-FE177D64", roles);
        WebPlatform wp = platformIn(region);
        List<String> writes = new java.util.ArrayList<>();
        WalkResult result = passCountingWrites(wp, writes);
        assertThat(result.stalledReason()).as(result.stalledMessage() + result.failures()).isEqualTo("QuotaExceeded");
        assertThat(result.stalledMessage()).contains("quota Roles per account (iam/L-FE177D64) in the account: value " + roles
                + " (applied value, Service Quotas), " + roles + " in use; this WebPlatform needs 1 more (its instances' role)")
                .contains("--region us-east-1 (us-gov-west-1 in GovCloud)");
        assertThat(writes).isEmpty();
    }

    /**
     * 12 client CIDRs: 20 inbound rules in the private NACL and AWS's default deny, which the quota counts: 21, over the
     * default 20 (Service Quotas asked only then): no write.
     */
    @Test
    void rulesPerNetworkAclStallASpecWithMoreCidrsThanTheQuotaHolds() {
        String region = "eu-north-1";
        WebPlatform wp = platformIn(region);
        wp.getSpec().loadBalancer.allowedCidrs = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            wp.getSpec().loadBalancer.allowedCidrs.add("198.18." + i + ".0/24");
        }
        QUOTAS.applied("vpc", "L-2AEEBF1A", 20);
        List<String> writes = new java.util.ArrayList<>();
        WalkResult result = passCountingWrites(wp, writes);
        assertThat(result.stalledReason()).as(result.stalledMessage() + result.failures()).isEqualTo("QuotaExceeded");
        assertThat(result.stalledMessage()).contains("the network ACLs would need 21 rules in one direction")
                .contains("quota \"Rules per network ACL\" of 20 (applied value, Service Quotas)")
                .contains("--quota-code L-2AEEBF1A --desired-value 21");
        assertThat(writes).isEmpty();
        assertThat(NetworkAcls.mostRulesPerDirection(wp.getSpec(), NetworkPlan.of(wp.getSpec().network, List.of("a", "b")))).isEqualTo(20);
        assertThat(NetworkAcls.quotaTaken(wp.getSpec(), NetworkPlan.of(wp.getSpec().network, List.of("a", "b")))).isEqualTo(21);
    }

    @Test
    void theLimitFallsBackToAwsDefaultThenToTheDocumentedOne() {
        Quotas quotas = new Quotas(account, java.time.Clock.systemUTC(), "");
        Quotas.Key vpcs = new Quotas.Key(Quotas.VPCS, "sa-east-1", "");
        assertThat(quotas.limit(vpcs)).isEqualTo(new Quotas.Limit(5, "applied value, Service Quotas"));
        // The emulator has no applied value for ec2 (NoSuchResourceException, as AWS for a quota it cannot serve).
        Quotas.Key eips = new Quotas.Key(Quotas.ELASTIC_IPS, "sa-east-1", "");
        assertThat(quotas.limit(eips).source()).isEqualTo("AWS default from Service Quotas; the applied value could not be read: NoSuchResourceException");
        // The operator's role may not read Service Quotas at all: AWS's documented default, said so.
        FAIL.answer("GetServiceQuota", "AccessDeniedException", 400, "User is not authorized to perform: servicequotas:GetServiceQuota");
        FAIL.answer("GetAWSDefaultServiceQuota", "AccessDeniedException", 400, "User is not authorized to perform: servicequotas:GetAWSDefaultServiceQuota");
        Quotas denied = new Quotas(account, java.time.Clock.systemUTC(), "");
        assertThat(denied.limit(new Quotas.Key(Quotas.DB_INSTANCES, "sa-east-1", ""))).isEqualTo(new Quotas.Limit(40,
                "documented default; Service Quotas could not be read: AccessDeniedException, then AccessDeniedException"));
        // Kept: asked once.
        int asked = FAIL.seen("GetServiceQuota");
        denied.limit(new Quotas.Key(Quotas.DB_INSTANCES, "sa-east-1", ""));
        assertThat(FAIL.seen("GetServiceQuota")).isEqualTo(asked);
    }

    /**
     * AWS's refusals of a create for a quota, with AWS's codes, statuses and messages (EC2: "Error codes for
     * the Amazon EC2 API", the messages as AWS answers them in public reports; RDS CreateDBInstance, IAM
     * CreateRole (409), KMS CreateKey: each API reference's Errors): the emulator enforces none of them.
     */
    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("AllocateAddress", "AddressLimitExceeded", 400, "The maximum number of addresses has been reached.",
                        "EC2-VPC Elastic IPs (ec2/L-0263D0A3)"),
                Arguments.of("CreateVpc", "VpcLimitExceeded", 400, "The maximum number of VPCs has been reached.", "VPCs per Region (vpc/L-F678F1CE)"),
                Arguments.of("CreateInternetGateway", "InternetGatewayLimitExceeded", 400, "The maximum number of internet gateways has been reached.",
                        "Internet gateways per Region (vpc/L-A4707A72)"),
                Arguments.of("CreateNatGateway", "NatGatewayLimitExceeded", 400, "The maximum number of NAT Gateways has been reached.",
                        "NAT gateways per Availability Zone (vpc/L-FE5A380F)"),
                Arguments.of("CreateDBInstance", "InstanceQuotaExceeded", 400,
                        "The request would result in the user exceeding the allowed number of DB instances.", "DB instances (rds/L-7B6409FD)"),
                Arguments.of("CreateRole", "LimitExceeded", 409, "Cannot exceed quota for RolesPerAccount: 1000.", "Roles per account (iam/L-FE177D64)"),
                Arguments.of("CreateKey", "LimitExceededException", 400, "The request was rejected because a quota was exceeded.",
                        "Customer managed keys (kms/L-C2F1777E)"));
    }

    @ParameterizedTest(name = "{0} refused with {1}")
    @MethodSource("refusals")
    void awsRefusingACreateForAQuotaStallsWithTheQuotaNamed_thenConvergesOnceItAccepts(String operation, String code, int status, String message,
                                                                                      String quota) {
        WebPlatform wp = platform(new WebPlatformSpec());
        var refusal = FAIL.answer(operation, code, status, message);
        WalkResult result = converge(wp);
        assertThat(result.stalledReason()).as(result.stalledMessage() + result.failures()).isEqualTo("QuotaExceeded");
        assertThat(result.stalledMessage()).contains("quota " + quota).contains("is reached: AWS refused").contains(code + ": " + message)
                .contains("aws service-quotas request-service-quota-increase");
        assertThat(refusal.answered()).isPositive();
        refusal.release();
        WalkResult after = converge(wp);
        assertThat(after.allReady()).as(after.waitingSummary() + after.failures() + after.stalledMessage()).isTrue();
        assertThat(deleteFully(wp).allGone()).isTrue();
    }
}
