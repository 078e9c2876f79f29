package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What exists in AWS for a SecureBucket. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecureBucketStatus extends ManagedStatus {
    @JsonPropertyDescription("Names and ARNs of what the operator made.")
    private Outputs outputs = new Outputs();
    @JsonPropertyDescription("Replication in one word: Ready, Pending, Disabled or Failed.")
    private String replication;
    @JsonPropertyDescription("The trail in one word: Logging, Pending, Disabled or Failed.")
    private String trail;

    public Outputs getOutputs() { return outputs; }
    public void setOutputs(Outputs outputs) { this.outputs = outputs; }
    public String getReplication() { return replication; }
    public void setReplication(String replication) { this.replication = replication; }
    public String getTrail() { return trail; }
    public void setTrail(String trail) { this.trail = trail; }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Outputs {
        @JsonPropertyDescription("The AWS region everything is in.")
        public String region;
        @JsonPropertyDescription("The bucket's name.")
        public String bucketName;
        @JsonPropertyDescription("The bucket's ARN.")
        public String bucketArn;
        @JsonPropertyDescription("The KMS key that encrypts the data buckets (created or referenced).")
        public String keyArn;
        @JsonPropertyDescription("The backup bucket's name, with replication.")
        public String backupBucketName;
        @JsonPropertyDescription("The backup bucket's ARN, with replication.")
        public String backupBucketArn;
        @JsonPropertyDescription("The IAM role S3 replicates with.")
        public String replicationRoleArn;
        @JsonPropertyDescription("The shared trail's log bucket, with a trail.")
        public String logBucketName;
        @JsonPropertyDescription("The shared trail's log bucket ARN, with a trail.")
        public String logBucketArn;
        @JsonPropertyDescription("The CloudTrail trail recording the bucket's object writes (shared by the SecureBuckets of its destination).")
        public String trailArn;
    }
}
