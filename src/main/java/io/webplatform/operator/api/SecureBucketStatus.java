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
        public String region;
        public String bucketName;
        public String bucketArn;
        public String keyArn;
        public String backupBucketName;
        public String backupBucketArn;
        public String replicationRoleArn;
        public String logBucketName;
        public String logBucketArn;
        public String trailArn;
    }
}
