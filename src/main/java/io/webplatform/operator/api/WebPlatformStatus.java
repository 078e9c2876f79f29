package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.Map;

/** What exists in AWS for a WebPlatform. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebPlatformStatus extends ManagedStatus {
    @JsonPropertyDescription("Endpoints and ids a user needs.")
    private Outputs outputs = new Outputs();

    public Outputs getOutputs() { return outputs; }
    public void setOutputs(Outputs outputs) { this.outputs = outputs; }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Outputs {
        public String region;
        public String vpcId;
        public Map<String, String> publicSubnetIds;
        public Map<String, String> privateSubnetIds;
        public Map<String, String> securityGroupIds;
        public String natGatewayIds;
        public String flowLogId;
        public String flowLogDestination;
        public String instanceProfileArn;
        public Map<String, String> instanceIds;
        public String loadBalancerDnsName;
        public String appUrl;
        public String databaseEndpoint;
        public Integer databasePort;
        public String connectionSecret;
        public String alarmTopicArn;
        public List<String> alarms;
    }
}
