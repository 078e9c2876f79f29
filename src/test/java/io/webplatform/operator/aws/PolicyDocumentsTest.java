package io.webplatform.operator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.bucket.BucketPolicies;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyDocumentsTest {

    @Test
    void reformattedPoliciesAreEquivalent() {
        JsonNode desired = BucketPolicies.tlsOnly(Partition.of("eu-west-3"), "b");
        String reordered = """
                {"Statement":[{"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
                 "Action":["s3:*"],"Principal":{"AWS":"*"},"Effect":"Deny","Sid":"DenyInsecureTransport"}],"Version":"2012-10-17"}""";
        assertThat(PolicyDocuments.equivalent(reordered, desired)).isTrue();
        String urlEncoded = URLEncoder.encode(PolicyDocuments.toJson(desired), StandardCharsets.UTF_8);
        assertThat(PolicyDocuments.equivalent(urlEncoded, desired)).isTrue();
    }

    @Test
    void aChangedStatementIsNotEquivalent() {
        JsonNode desired = BucketPolicies.tlsOnly(Partition.of("eu-west-3"), "b");
        String weakened = PolicyDocuments.toJson(desired).replace("\"false\"", "\"true\"");
        assertThat(PolicyDocuments.equivalent(weakened, desired)).isFalse();
        assertThat(PolicyDocuments.equivalent(null, desired)).isFalse();
        assertThat(PolicyDocuments.equivalent("not json", desired)).isFalse();
    }
}
