package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Partition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BucketPoliciesTest {
    private static final Partition AWS = Partition.of("eu-west-3");

    @Test
    void tlsOnlyDeniesEveryActionWithoutTlsOnBucketAndObjects() {
        JsonNode s = BucketPolicies.tlsOnly(AWS, "data").get("Statement").get(0);
        assertThat(s.get("Effect").asText()).isEqualTo("Deny");
        assertThat(s.get("Principal").asText()).isEqualTo("*");
        assertThat(s.get("Action").asText()).isEqualTo("s3:*");
        assertThat(texts(s.get("Resource"))).containsExactly("arn:aws:s3:::data", "arn:aws:s3:::data/*");
        assertThat(s.at("/Condition/Bool/aws:SecureTransport").asText()).isEqualTo("false");
    }

    /**
     * The NLB guide's access-log bucket policy (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html):
     * delivery.logs.amazonaws.com writes bucket[/prefix]/AWSLogs/&lt;account&gt;/elasticloadbalancing/&lt;region&gt;/... with
     * bucket-owner-full-control, aws:SourceAccount and aws:SourceArn arn:aws:logs:&lt;region&gt;:&lt;account&gt;:* (not the load
     * balancer's ARN), and checks the ACL first; its key must let that principal encrypt. The flow-log bucket's policy is that
     * policy, so the load balancer logs there without a prefix. The emulator checks none of it.
     */
    @Test
    void theLogDeliveryPolicyOfAFlowLogBucketIsTheOneAnNlbNeedsForItsAccessLogs() {
        JsonNode doc = BucketPolicies.dataBucket(AWS, "flow-logs", true, "111122223333", "eu-west-3");
        JsonNode write = statement(doc, "AWSLogDeliveryWrite");
        assertThat(write.at("/Principal/Service").asText()).isEqualTo("delivery.logs.amazonaws.com");
        assertThat(write.get("Action").asText()).isEqualTo("s3:PutObject");
        String key = "AWSLogs/111122223333/elasticloadbalancing/eu-west-3/2026/12/04/111122223333_elasticloadbalancing_eu-west-3_net.lb.x.log.gz";
        assertThat(globMatches(write.get("Resource").asText(), "arn:aws:s3:::flow-logs/" + key)).isTrue();
        assertThat(write.at("/Condition/StringEquals/s3:x-amz-acl").asText()).isEqualTo("bucket-owner-full-control");
        assertThat(write.at("/Condition/StringEquals/aws:SourceAccount").asText()).isEqualTo("111122223333");
        assertThat(write.at("/Condition/ArnLike/aws:SourceArn").asText()).isEqualTo("arn:aws:logs:eu-west-3:111122223333:*");
        JsonNode acl = statement(doc, "AWSLogDeliveryAclCheck");
        assertThat(texts(acl.get("Action"))).contains("s3:GetBucketAcl");
        assertThat(acl.get("Resource").asText()).isEqualTo("arn:aws:s3:::flow-logs");
        JsonNode key2 = statement(BucketPolicies.keyPolicy(AWS, "111122223333", true), "AllowLogDeliveryToEncrypt");
        assertThat(key2.at("/Principal/Service").asText()).isEqualTo("delivery.logs.amazonaws.com");
        assertThat(texts(key2.get("Action"))).contains("kms:GenerateDataKey*", "kms:Decrypt");
    }

    private static JsonNode statement(JsonNode doc, String sid) {
        for (JsonNode s : doc.get("Statement")) {
            if (sid.equals(s.path("Sid").asText())) {
                return s;
            }
        }
        throw new AssertionError("no statement " + sid + " in " + doc);
    }

    /** IAM's resource matching: * matches any run of characters, ? one. */
    private static boolean globMatches(String pattern, String arn) {
        return arn.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
    }

    /**
     * AWS's statement for server access log delivery (enable-server-access-logging.html): the logging service principal,
     * PutObject, aws:SourceArn = the source buckets (ArnLike), aws:SourceAccount; the TLS deny kept. No members, no statement.
     */
    @Test
    void accessLogBucketPolicyAdmitsTheLoggingServiceForItsSourcesOnly() {
        List<String> sources = List.of("arn:aws:s3:::data", "arn:aws:s3:::data-backup");
        JsonNode doc = BucketPolicies.accessLogBucket(AWS, "access-logs", "111122223333", sources);
        assertThat(doc.get("Statement")).hasSize(2);
        JsonNode delivery = doc.get("Statement").get(0);
        assertThat(delivery.get("Sid").asText()).isEqualTo(BucketPolicies.ACCESS_LOG_DELIVERY);
        assertThat(delivery.get("Effect").asText()).isEqualTo("Allow");
        // A string: the emulator's PutBucketLogging check (and AWS's example) has the single principal as a string.
        assertThat(delivery.at("/Principal/Service").isTextual()).isTrue();
        assertThat(delivery.at("/Principal/Service").asText()).isEqualTo("logging.s3.amazonaws.com");
        assertThat(delivery.get("Action").asText()).isEqualTo("s3:PutObject");
        assertThat(delivery.get("Resource").asText()).isEqualTo("arn:aws:s3:::access-logs/*");
        assertThat(texts(delivery.at("/Condition/ArnLike/aws:SourceArn"))).containsExactlyElementsOf(sources);
        assertThat(delivery.at("/Condition/StringEquals/aws:SourceAccount").asText()).isEqualTo("111122223333");
        JsonNode deny = doc.get("Statement").get(1);
        assertThat(deny.get("Sid").asText()).isEqualTo(BucketPolicies.DENY_INSECURE_TRANSPORT);
        assertThat(BucketPolicies.accessLogSources(doc.toString())).containsExactlyElementsOf(sources);

        JsonNode empty = BucketPolicies.accessLogBucket(AWS, "access-logs", "111122223333", List.of());
        assertThat(empty.get("Statement")).hasSize(1);
        assertThat(BucketPolicies.accessLogSources(empty.toString())).isEmpty();
        // A single source written as a string by someone else is still read.
        assertThat(BucketPolicies.accessLogSources(doc.toString().replace("[\"arn:aws:s3:::data\",\"arn:aws:s3:::data-backup\"]", "\"arn:aws:s3:::data\"")))
                .containsExactly("arn:aws:s3:::data");
        assertThat(BucketPolicies.accessLogSources(null)).isEmpty();
    }

    @Test
    void trailBucketPolicyLetsOnlyThisTrailWriteWithBucketOwnerControl() {
        JsonNode doc = BucketPolicies.trailLogBucket(AWS, "logs", "111122223333", "eu-west-3", "t1");
        assertThat(doc.get("Statement")).hasSize(3);
        JsonNode acl = doc.get("Statement").get(1);
        assertThat(acl.get("Action").asText()).isEqualTo("s3:GetBucketAcl");
        assertThat(acl.at("/Principal/Service").asText()).isEqualTo("cloudtrail.amazonaws.com");
        JsonNode write = doc.get("Statement").get(2);
        assertThat(write.get("Action").asText()).isEqualTo("s3:PutObject");
        assertThat(write.get("Resource").asText()).isEqualTo("arn:aws:s3:::logs/AWSLogs/111122223333/*");
        assertThat(write.at("/Condition/StringEquals/s3:x-amz-acl").asText()).isEqualTo("bucket-owner-full-control");
        assertThat(write.at("/Condition/StringEquals/aws:SourceArn").asText())
                .isEqualTo("arn:aws:cloudtrail:eu-west-3:111122223333:trail/t1");
    }

    @Test
    void replicationRoleIsLeastPrivilege() {
        JsonNode doc = BucketPolicies.replicationPermissions(AWS, "src", "dst", "arn:aws:kms:eu-west-3:1:key/k", "eu-west-3");
        List<String> resources = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        doc.get("Statement").forEach(s -> {
            assertThat(s.get("Effect").asText()).isEqualTo("Allow");
            resources.add(s.get("Resource").asText());
            actions.addAll(texts(s.get("Action")));
        });
        // Nothing wildcarded beyond objects of the two buckets; writes only into the backup.
        assertThat(actions).noneMatch(a -> a.endsWith("*"));
        assertThat(resources).containsExactlyInAnyOrder("arn:aws:s3:::src", "arn:aws:s3:::src/*", "arn:aws:s3:::dst/*",
                "arn:aws:kms:eu-west-3:1:key/k", "arn:aws:kms:eu-west-3:1:key/k");
        JsonNode write = doc.get("Statement").get(2);
        assertThat(texts(write.get("Action"))).containsExactly("s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags");
        assertThat(write.get("Resource").asText()).isEqualTo("arn:aws:s3:::dst/*");
        JsonNode trust = BucketPolicies.replicationTrust(AWS).get("Statement").get(0);
        assertThat(trust.at("/Principal/Service").asText()).isEqualTo("s3.amazonaws.com");
    }

    /**
     * Cross-Region Replication (S3 guide, "Replicating encrypted objects", its example policy): S3 decrypts the source
     * with the source's key through S3 of the source's region, and encrypts replicas with a key of the destination's
     * region through S3 there. A ViaService of the wrong region matches no request: replication would fail silently.
     */
    @Test
    void crossRegionReplicationUsesEachKeyThroughS3OfItsOwnRegion() {
        JsonNode doc = BucketPolicies.replicationPermissions(AWS, "src", "arn:aws:kms:eu-west-3:1:key/source", "eu-west-3",
                "dst", "arn:aws:kms:eu-central-1:1:key/replica", "eu-central-1");
        JsonNode decrypt = doc.get("Statement").get(3);
        assertThat(decrypt.get("Resource").asText()).isEqualTo("arn:aws:kms:eu-west-3:1:key/source");
        assertThat(decrypt.at("/Condition/StringEquals/kms:ViaService").asText()).isEqualTo("s3.eu-west-3.amazonaws.com");
        JsonNode encrypt = doc.get("Statement").get(4);
        assertThat(encrypt.get("Resource").asText()).isEqualTo("arn:aws:kms:eu-central-1:1:key/replica");
        assertThat(encrypt.at("/Condition/StringEquals/kms:ViaService").asText()).isEqualTo("s3.eu-central-1.amazonaws.com");
        assertThat(texts(encrypt.at("/Condition/StringLike/kms:EncryptionContext:aws:s3:arn")))
                .containsExactly("arn:aws:s3:::dst", "arn:aws:s3:::dst/*");
    }

    /**
     * S3 guide, "Replicating encrypted objects": with an S3 Bucket Key (which our buckets use) the
     * encryption context is the bucket ARN; without one, the object ARN. Both must be allowed, or
     * replication fails for every object while PutBucketReplication still answers 200.
     */
    @Test
    void replicationKeyConditionsMatchTheEncryptionContextWithAndWithoutABucketKey() {
        JsonNode doc = BucketPolicies.replicationPermissions(AWS, "src", "dst", "arn:aws:kms:eu-west-3:1:key/k", "eu-west-3");
        JsonNode decrypt = doc.get("Statement").get(3);
        assertThat(decrypt.get("Sid").asText()).isEqualTo("DecryptSourceObjects");
        assertThat(texts(decrypt.get("Action"))).containsExactly("kms:Decrypt");
        assertThat(decrypt.at("/Condition/StringEquals/kms:ViaService").asText()).isEqualTo("s3.eu-west-3.amazonaws.com");
        assertThat(texts(decrypt.at("/Condition/StringLike/kms:EncryptionContext:aws:s3:arn")))
                .containsExactly("arn:aws:s3:::src", "arn:aws:s3:::src/*");
        JsonNode encrypt = doc.get("Statement").get(4);
        assertThat(encrypt.get("Sid").asText()).isEqualTo("EncryptReplicas");
        // Decrypt on the replica key: S3 checks the destination's Bucket Key with it.
        assertThat(texts(encrypt.get("Action"))).containsExactly("kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt");
        assertThat(encrypt.at("/Condition/StringEquals/kms:ViaService").asText()).isEqualTo("s3.eu-west-3.amazonaws.com");
        assertThat(texts(encrypt.at("/Condition/StringLike/kms:EncryptionContext:aws:s3:arn")))
                .containsExactly("arn:aws:s3:::dst", "arn:aws:s3:::dst/*");

        // The contexts S3 sends, with the Bucket Key and without it, each match exactly one side.
        for (String context : List.of("arn:aws:s3:::src", "arn:aws:s3:::src/reports/2026/a.csv")) {
            assertThat(stringLike(decrypt, context)).as(context).isTrue();
            assertThat(stringLike(encrypt, context)).as(context).isFalse();
        }
        for (String context : List.of("arn:aws:s3:::dst", "arn:aws:s3:::dst/reports/2026/a.csv")) {
            assertThat(stringLike(encrypt, context)).as(context).isTrue();
            assertThat(stringLike(decrypt, context)).as(context).isFalse();
        }
        assertThat(stringLike(decrypt, "arn:aws:s3:::src-other")).isFalse();
    }

    /** IAM's StringLike: * matches any run of characters, ? one; a list matches when any value does. */
    private static boolean stringLike(JsonNode statement, String context) {
        return texts(statement.at("/Condition/StringLike/kms:EncryptionContext:aws:s3:arn")).stream()
                .anyMatch(p -> context.matches(java.util.regex.Pattern.quote(p).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q")));
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else {
            out.add(node.asText());
        }
        return out;
    }
}
