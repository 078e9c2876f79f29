package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.MutationsByNamespace;
import io.webplatform.operator.testing.ServiceQuotaAnswers;
import io.webplatform.operator.testing.TestBed;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DomainType;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A quota as a user meets it, with the limit asked of Service Quotas (not assumed, as the rest of the
 * suite does on an emulator that enforces none): 4 of the Region's 5 Elastic IPs in use, the sample
 * WebPlatform (a NAT gateway, so an address, per zone) is Stalled QuotaExceeded before any write,
 * says which quota and how to raise it, and is deleted without an AWS call.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
@TestProfile(QuotaEndToEndTest.AskServiceQuotas.class)
class QuotaEndToEndTest extends RunningOperatorTest {
    /** A Region no other test uses: the count is account wide. */
    static final String REGION = "ap-northeast-1";

    /** Service Quotas (with the documented default behind it) for the network quotas; only the others assumed. */
    public static class AskServiceQuotas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("webplatform.quotas.assumed-limits", "rds/L-7B6409FD=100000,iam/L-FE177D64=100000");
        }
    }

    /**
     * moto has no Service Quotas value for EC2's codes and answers GetAWSDefaultServiceQuota with a 500;
     * AWS answers that quota's documented default (5) where no applied value exists. Answers only what a
     * test sets, so the rest of the suite never sees it.
     */
    @jakarta.inject.Singleton
    public static class AwsDefaults extends ServiceQuotaAnswers {
    }

    @Inject
    MutationsByNamespace mutations;
    @Inject
    AwsDefaults defaults;

    @Test
    void aPlatformPastTheElasticIpQuotaIsStalledBeforeAnyWriteAndSaysHowToRaiseIt() throws IOException {
        String ns = Kubectl.newNamespace("e2e-quota");
        Ec2Client ec2 = aws.ec2(REGION);
        defaults.awsDefault("ec2", "L-0263D0A3", 5);
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            taken.add(ec2.allocateAddress(r -> r.domain(DomainType.VPC)).allocationId());
        }
        try {
            String platform = sample("webplatform.yaml", ns).replace("region: eu-west-3", "region: " + REGION)
                    .replaceAll("(?m)^    flowLogs:\\n      bucketRef: app-logs\\n", "");
            Kubectl.apply(ns, platform).ok();
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(jsonpath(ns, "webplatform", "shop",
                    ".status.conditions[?(@.type==\"Stalled\")].reason")).as(jsonpath(ns, "webplatform", "shop", ".status.conditions"))
                    .isEqualTo("QuotaExceeded"));
            String message = jsonpath(ns, "webplatform", "shop", ".status.conditions[?(@.type==\"Stalled\")].message");
            assertThat(message).contains("EC2-VPC Elastic IPs").contains("ec2/L-0263D0A3").contains("4 in use").contains("needs 2 more")
                    .contains("aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3");
            assertThat(mutations.of(ns)).as("nothing made").isEmpty();
            assertThat(jsonpath(ns, "webplatform", "shop", ".status.wroteToAws")).isEqualTo("false");

            Kubectl.run("delete", "webplatform", "shop", "-n", ns, "--timeout=60s").ok();
            assertThat(mutations.of(ns)).as("deleted without a write").isEmpty();
        } finally {
            taken.forEach(id -> ec2.releaseAddress(r -> r.allocationId(id)));
            defaults.clear();
        }
    }
}
