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

    @JsonPropertyDescription("Each CloudWatch alarm and its state (OK, ALARM, INSUFFICIENT_DATA).")
    private List<AlarmState> alarms;

    @JsonPropertyDescription("Manual DB snapshots taken on request (annotation webplatform.io/db-snapshot), with their state.")
    private List<SnapshotState> snapshots;

    public List<SnapshotState> getSnapshots() { return snapshots; }
    public void setSnapshots(List<SnapshotState> snapshots) { this.snapshots = snapshots; }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SnapshotState {
        @JsonPropertyDescription("The DB snapshot identifier.")
        public String name;
        @JsonPropertyDescription("creating, available ...")
        public String state;
        @JsonPropertyDescription("When AWS took it (RFC 3339).")
        public String createdAt;

        public SnapshotState() {
        }

        public SnapshotState(String name, String state, String createdAt) {
            this.name = name;
            this.state = state;
            this.createdAt = createdAt;
        }
    }

    public Outputs getOutputs() { return outputs; }
    public void setOutputs(Outputs outputs) { this.outputs = outputs; }
    public List<AlarmState> getAlarms() { return alarms; }
    public void setAlarms(List<AlarmState> alarms) { this.alarms = alarms; }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AlarmState {
        @JsonPropertyDescription("The alarm's name.")
        public String name;
        @JsonPropertyDescription("OK, ALARM or INSUFFICIENT_DATA.")
        public String state;
        @JsonPropertyDescription("The metric it watches, namespace/name.")
        public String metric;

        public AlarmState() {
        }

        public AlarmState(String name, String state, String metric) {
            this.name = name;
            this.state = state;
            this.metric = metric;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Outputs {
        @JsonPropertyDescription("The AWS region everything is in.")
        public String region;
        @JsonPropertyDescription("The VPC.")
        public String vpcId;
        @JsonPropertyDescription("Public subnet id by availability zone.")
        public Map<String, String> publicSubnetIds;
        @JsonPropertyDescription("Private subnet id by availability zone.")
        public Map<String, String> privateSubnetIds;
        @JsonPropertyDescription("Security group id by tier: lb, app, db.")
        public Map<String, String> securityGroupIds;
        @JsonPropertyDescription("The NAT gateways, comma-separated.")
        public String natGatewayIds;
        @JsonPropertyDescription("The VPC flow log.")
        public String flowLogId;
        @JsonPropertyDescription("The S3 bucket ARN the flow logs go to.")
        public String flowLogDestination;
        @JsonPropertyDescription("The DB subnet group over the private subnets.")
        public String dbSubnetGroup;
        @JsonPropertyDescription("The instance profile the app instances run with.")
        public String instanceProfileArn;
        @JsonPropertyDescription("App instance id by availability zone.")
        public Map<String, String> instanceIds;
        @JsonPropertyDescription("The load balancer's DNS name: where users reach the app.")
        public String loadBalancerDnsName;
        @JsonPropertyDescription("The app's URL through the load balancer: https:// when port 443 is served (clients verify the"
                + " certificate against your domain, pointed at loadBalancerDnsName), else http://.")
        public String appUrl;
        @JsonPropertyDescription("The database's host name.")
        public String databaseEndpoint;
        @JsonPropertyDescription("The database's port.")
        public Integer databasePort;
        @JsonPropertyDescription("The PostgreSQL version the database runs (AWS may have upgraded the minor).")
        public String databaseEngineVersion;
        @JsonPropertyDescription("The Kubernetes Secret with the app's database connection details.")
        public String connectionSecret;
        @JsonPropertyDescription("The SNS topic the alarms notify.")
        public String alarmTopicArn;
    }
}
