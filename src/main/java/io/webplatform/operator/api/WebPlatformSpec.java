package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a WebPlatform declares. Every field has a safe default; nothing secret is ever written here. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.region) == has(oldSelf.region) && (!has(self.region) || self.region == oldSelf.region)",
        message = "region is immutable")
@ValidationRule(value = "!has(oldSelf.database) || !has(oldSelf.database.restore) || (has(self.database) && has(self.database.restore))",
        message = "database.restore cannot be removed once set: a new, empty database would replace the restored one; change it to restore again")
@ValidationRule(value = "!has(self.region) || !has(self.loadBalancer) || !has(self.loadBalancer.certificateArn)"
        + " || self.loadBalancer.certificateArn.contains(':acm:' + self.region + ':')",
        message = "loadBalancer.certificateArn must be a certificate of the WebPlatform's region: a load balancer uses ACM certificates of its own region only")
public class WebPlatformSpec {

    /** The retention values PutRetentionPolicy accepts (CloudWatch Logs API reference), as a CEL list. */
    public static final String LOG_RETENTION_DAYS = "[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,"
            + " 2557, 2922, 3288, 3653]";
    /** MonitoringInterval values CreateDBInstance and ModifyDBInstance take (RDS API reference). */
    public static final String MONITORING_INTERVALS = "[0, 1, 5, 10, 15, 30, 60]";
    /** CEL: CIDRs a and b do not overlap, identical ones included (what is not a CIDR at all, the format rule reports). */
    static final String SUBNETS_APART = "!isCIDR(a) || !isCIDR(b) || (!cidr(a).containsCIDR(b) && !cidr(b).containsCIDR(a))";
    /** CEL, on a list of two CIDRs: they do not overlap. */
    static final String TWO_APART = "!isCIDR(self[0]) || !isCIDR(self[1])"
            + " || (!cidr(self[0]).containsCIDR(self[1]) && !cidr(self[1]).containsCIDR(self[0]))";

    @JsonPropertyDescription(SecureBucketSpec.REGION_DESCRIPTION)
    @Pattern(SecureBucketSpec.REGION_PATTERN)
    @ValidationRule(value = SecureBucketSpec.REGION_RULE, message = SecureBucketSpec.REGION_MESSAGE)
    @Size(max = 32)
    public String region;

    @JsonPropertyDescription(ManagementPolicy.DESCRIPTION)
    @Default("Manage")
    public ManagementPolicy managementPolicy = ManagementPolicy.Manage;

    @JsonPropertyDescription("The VPC, its subnets over two availability zones, NAT and flow logs.")
    public Network network = new Network();

    @JsonPropertyDescription("The internet-facing Network Load Balancer.")
    public LoadBalancer loadBalancer = new LoadBalancer();

    @JsonPropertyDescription("The pair of app instances, one per availability zone.")
    public App app = new App();

    @JsonPropertyDescription("RDS PostgreSQL in the private subnets.")
    public Database database = new Database();

    @JsonPropertyDescription("The SNS topic and CloudWatch alarms.")
    public Monitoring monitoring = new Monitoring();

    @JsonPropertyDescription("Tags added to every AWS resource, besides the operator's ownership tags.")
    @Size(max = 40)
    @ValidationRule(value = "self.all(k, !k.startsWith('aws:') && !k.startsWith('webplatform.io/') && size(k) <= 128 && size(self[k]) <= 256)",
            message = "tag keys may not start with aws: or webplatform.io/ (reserved); keys are at most 128 and values 256 characters")
    public Map<String, String> tags = new LinkedHashMap<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.publicSubnetCidrs) || self.publicSubnetCidrs.all(c, cidr(self.vpcCidr).containsCIDR(c))",
            message = "every public subnet must lie inside vpcCidr")
    @ValidationRule(value = "!has(self.privateSubnetCidrs) || self.privateSubnetCidrs.all(c, cidr(self.vpcCidr).containsCIDR(c))",
            message = "every private subnet must lie inside vpcCidr")
    @ValidationRule(value = "!has(self.publicSubnetCidrs) || !has(self.privateSubnetCidrs) || self.publicSubnetCidrs.all(a, self.privateSubnetCidrs.all(b, "
            + SUBNETS_APART + "))",
            message = "subnets must not overlap: a public subnet overlaps a private one")
    @ValidationRule(value = "self.vpcCidr == oldSelf.vpcCidr", message = "vpcCidr is immutable: a VPC's primary CIDR cannot change")
    public static class Network {
        @JsonPropertyDescription("The VPC's IPv4 CIDR, /16 to /24. Immutable.")
        @Default("10.0.0.0/16")
        @Size(max = 18)
        @ValidationRule(value = "isCIDR(self) && cidr(self).ip().family() == 4 && cidr(self).prefixLength() >= 16 && cidr(self).prefixLength() <= 24",
                message = "vpcCidr must be an IPv4 CIDR between /16 and /24, e.g. 10.0.0.0/16")
        public String vpcCidr = "10.0.0.0/16";

        @JsonPropertyDescription("Exactly two availability zones; the region's first two available zones when omitted.")
        @Size(min = 2, max = 2)
        @ValidationRule(value = "self[0] != self[1]", message = "the two availability zones must differ")
        @ValidationRule(value = "self.all(z, " + SecureBucketSpec.ZONE_RULE + ")", message = SecureBucketSpec.REGION_MESSAGE)
        public List<@Size(max = 32) @Pattern("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}[a-z]$") String> availabilityZones;

        @JsonPropertyDescription("Two public subnet CIDRs, one per zone; carved from vpcCidr when omitted.")
        @Size(min = 2, max = 2)
        @ValidationRule(value = "self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)", message = "each subnet must be an IPv4 CIDR, e.g. 10.0.0.0/24")
        @ValidationRule(value = "size(self) != 2 || " + TWO_APART, message = "the two public subnets must not overlap")
        public List<@Size(max = 18) String> publicSubnetCidrs;

        @JsonPropertyDescription("Two private subnet CIDRs, one per zone; carved from vpcCidr when omitted.")
        @Size(min = 2, max = 2)
        @ValidationRule(value = "self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)", message = "each subnet must be an IPv4 CIDR, e.g. 10.0.2.0/24")
        @ValidationRule(value = "size(self) != 2 || " + TWO_APART, message = "the two private subnets must not overlap")
        public List<@Size(max = 18) String> privateSubnetCidrs;

        @JsonPropertyDescription("PerZone (default, HA): one NAT gateway per zone. Single: one shared NAT gateway, cheaper.")
        @Default("PerZone")
        public NatGateways natGateways = NatGateways.PerZone;

        @JsonPropertyDescription("VPC flow logs of rejected traffic, delivered to S3.")
        public FlowLogs flowLogs = new FlowLogs();
    }

    public enum NatGateways { PerZone, Single }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class FlowLogs {
        @JsonPropertyDescription("Name of a SecureBucket in this namespace that receives the flow logs; the WebPlatform makes its own bucket when omitted.")
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        public String bucketRef;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.allowedCidrs) || size(self.allowedCidrs) * (has(self.ports) ? size(self.ports) : 1) <= 34",
            message = "allowedCidrs times ports may be at most 34: each pair is a rule of the public network ACL, which AWS"
                    + " limits to 40 rules a direction at the highest quota (5 are the platform's own, 1 is AWS's default deny)")
    @ValidationRule(value = "!has(self.ports) || !self.ports.exists(p, p == 443) || has(self.certificateArn)",
            message = "port 443 needs certificateArn: the load balancer terminates TLS with that ACM certificate and forwards plain HTTP to the app")
    @ValidationRule(value = "!has(self.certificateArn) || (has(self.ports) && self.ports.exists(p, p == 443))",
            message = "certificateArn is used only by the TLS listener on port 443: add 443 to ports, or remove certificateArn")
    public static class LoadBalancer {
        /** AWS's recommended policy for TLS listeners (TLS 1.3 and 1.2, hybrid post-quantum key exchange). */
        public static final String DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

        @JsonPropertyDescription("IPv4 CIDRs allowed to reach the load balancer. Each is a network ACL rule per listener port:"
                + " at most 31, and 34 CIDRs times ports, fit AWS's highest quota of 40 rules per ACL and direction; the default"
                + " quota (20) holds about half, which the operator judges before any write.")
        @Size(min = 1, max = 31)
        @ValidationRule(value = "self.all(c, isCIDR(c) && cidr(c).ip().family() == 4)", message = "each allowed CIDR must be an IPv4 CIDR, e.g. 203.0.113.0/24")
        public List<@Size(max = 18) String> allowedCidrs = new ArrayList<>(List.of("0.0.0.0/0"));

        @JsonPropertyDescription("Listener ports: 80 (plain TCP to the app), and 443 (TLS terminated at the load balancer with"
                + " certificateArn, then plain TCP to the app).")
        @Size(min = 1, max = 2)
        @ValidationRule(value = "self.all(p, p == 80 || p == 443)", message = "ports may be 80 and 443 only")
        @ValidationRule(value = "self.size() < 2 || self[0] != self[1]", message = "ports must not repeat")
        public List<Integer> ports = new ArrayList<>(List.of(80));

        @JsonPropertyDescription("ACM certificate the TLS listener on port 443 presents, in the WebPlatform's region and account,"
                + " issued (e.g. arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-...). Required with port 443, and only"
                + " then. Point your domain (the certificate's name) at the load balancer's DNS name. Changing it swaps the"
                + " certificate in place.")
        @Size(max = 256)
        @Pattern("^arn:aws[a-z-]*:acm:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        public String certificateArn;

        @JsonPropertyDescription("Security policy of the TLS listener: a TLS 1.3 policy whose minimum is TLS 1.2 or 1.3."
                + " Default " + DEFAULT_SSL_POLICY + ", what AWS recommends.")
        @Default(DEFAULT_SSL_POLICY)
        @Size(max = 128)
        @ValidationRule(value = "self.matches('^ELBSecurityPolicy-TLS13-1-[23]-([A-Za-z0-9]+-)*[0-9]{4}-[0-9]{2}$')",
                message = "sslPolicy must be a TLS 1.3 security policy with TLS 1.2 or 1.3 as its minimum, e.g. " + DEFAULT_SSL_POLICY)
        public String sslPolicy = DEFAULT_SSL_POLICY;

        @JsonPropertyDescription("Access logs (default true) into the flow-log bucket, under AWSLogs/<account>/elasticloadbalancing/:"
                + " a Network Load Balancer writes them for its TLS listener (port 443) only. No charge beyond S3 storage.")
        @Default("true")
        public boolean accessLogs = true;

        @JsonPropertyDescription("Deletion protection at the AWS level (default true): ELB refuses DeleteLoadBalancer from anyone, so"
                + " the load balancer (and its DNS name) cannot be deleted outside the operator. The operator lifts it itself only when"
                + " the WebPlatform is deleted.")
        @Default("true")
        public boolean deletionProtection = true;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class App {
        @JsonPropertyDescription("EC2 instance type, e.g. t3.micro.")
        @Default("t3.micro")
        @Pattern("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.(nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal(-[0-9]+xl)?)$")
        public String instanceType = "t3.micro";

        @JsonPropertyDescription("The port the app listens on.")
        @Default("80")
        @Min(1)
        @Max(65535)
        public int port = 80;

        @JsonPropertyDescription("AMI id; the latest Amazon Linux 2023 when omitted.")
        @Pattern("^ami-[0-9a-f]{8,17}$")
        public String amiId;

        @JsonPropertyDescription("Root volume size in GiB (encrypted gp3).")
        @Default("8")
        @Min(8)
        @Max(1024)
        public int rootVolumeGiB = 8;

        @JsonPropertyDescription("KMS key (id, ARN or alias/name) for the encrypted root volumes; the account's EBS default key when omitted.")
        @Size(max = 2048)
        public String volumeKmsKeyId;

        @JsonPropertyDescription("Your own user data; the built-in Flask app when omitted.")
        @Size(max = 16384)
        public String userData;
    }

    /**
     * Master user names RDS for PostgreSQL refuses ("can't be a reserved word for the chosen database
     * engine", CreateDBInstance): PostgreSQL's reserved key words, reserved ones that may name a function
     * or type included (Appendix C, "SQL Key Words"; src/include/parser/kwlist.h); the role names
     * PostgreSQL keeps for itself (public, none); and the roles RDS makes in every instance.
     */
    static final String RESERVED_MASTER_USERNAMES = "['all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric',"
            + " 'authorization', 'binary', 'both', 'case', 'cast', 'check', 'collate', 'collation', 'column', 'concurrently',"
            + " 'constraint', 'create', 'cross', 'current_catalog', 'current_date', 'current_role', 'current_schema', 'current_time',"
            + " 'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',"
            + " 'false', 'fetch', 'for', 'foreign', 'freeze', 'from', 'full', 'grant', 'group', 'having', 'ilike', 'in', 'initially',"
            + " 'inner', 'intersect', 'into', 'is', 'isnull', 'join', 'lateral', 'leading', 'left', 'like', 'limit', 'localtime',"
            + " 'localtimestamp', 'natural', 'none', 'not', 'notnull', 'null', 'offset', 'on', 'only', 'or', 'order', 'outer',"
            + " 'overlaps', 'placing', 'primary', 'public', 'references', 'returning', 'right', 'select', 'session_user', 'similar',"
            + " 'some', 'symmetric', 'system_user', 'table', 'tablesample', 'then', 'to', 'trailing', 'true', 'union', 'unique',"
            + " 'user', 'using', 'variadic', 'verbose', 'when', 'where', 'window', 'with', 'rdsadmin', 'rdsrepladmin', 'rdstopmgr']";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.backupRetentionDays) || self.backupRetentionDays != 0"
            + " || (has(self.acceptNoPointInTimeRecovery) && self.acceptNoPointInTimeRecovery)",
            message = "backupRetentionDays: 0 turns automated backups off, and with them point-in-time recovery (the platform's RPO of"
                    + " 5 minutes); set acceptNoPointInTimeRecovery: true to accept that")
    public static class Database {
        @JsonPropertyDescription("PostgreSQL major version, e.g. \"16\" (AWS applies minor upgrades in the maintenance window), or a pinned"
                + " minor, e.g. \"16.4\" (automatic minor upgrades off). RDS never downgrades: a running version newer than this is kept"
                + " and reported in the Database component's status.")
        @Default("16")
        @Pattern("^[0-9]{2}(\\.[0-9]+)?$")
        public String engineVersion = "16";

        @JsonPropertyDescription("RDS instance class.")
        @Default("db.t4g.micro")
        @Pattern("^db\\.[a-z0-9]+\\.[a-z0-9]+$")
        public String instanceClass = "db.t4g.micro";

        @JsonPropertyDescription("Allocated storage in GiB (encrypted gp3).")
        @Default("20")
        @Min(20)
        @Max(65536)
        public int storageGiB = 20;

        @JsonPropertyDescription("A synchronous standby in the second zone, with automatic failover (default). RDS's SLA is 99.95 %"
                + " for Multi-AZ and 99.5 % for a single instance: set false only where a zone's outage may take the database down.")
        @Default("true")
        public boolean multiAZ = true;

        @JsonPropertyDescription("Days of automated backups, 1 to 35: point-in-time recovery to within about 5 minutes."
                + " 0 turns them off, and needs acceptNoPointInTimeRecovery: true.")
        @Default("7")
        @Min(0)
        @Max(35)
        public int backupRetentionDays = 7;

        @JsonPropertyDescription("Set to true to allow backupRetentionDays: 0, accepting a database without automated backups:"
                + " no point-in-time recovery, so the platform's RPO of 5 minutes is not met (only manual snapshots remain).")
        @Default("false")
        public boolean acceptNoPointInTimeRecovery;

        @JsonPropertyDescription("Deletion protection at the AWS level (default true): RDS refuses DeleteDBInstance from anyone, so the"
                + " database cannot be deleted outside the operator (console, CLI, another tool). The operator lifts it itself only to"
                + " delete the instance: when the WebPlatform is deleted and deletionPolicy is Snapshot or Delete, or when a restore"
                + " retires the instance it replaced. Retain keeps it on.")
        @Default("true")
        public boolean deletionProtection = true;

        @JsonPropertyDescription("IAM database authentication (default true): users and apps may connect with a short-lived IAM token"
                + " instead of the password, which still works. It costs nothing; false turns it off.")
        @Default("true")
        public boolean iamAuthentication = true;

        @JsonPropertyDescription("PostgreSQL logs RDS exports to CloudWatch Logs, into log groups the operator makes"
                + " (/aws/rds/instance/<id>/<type>, logRetentionDays) and deletes with the database: postgresql (the server log),"
                + " upgrade, iam-db-auth-error (where the engine version offers it). Default [postgresql, upgrade]; [] opts out"
                + " (CloudWatch Logs bills ingestion and storage; see the README).")
        @Size(max = 3)
        @ValidationRule(value = "self.all(t, t in ['postgresql', 'upgrade', 'iam-db-auth-error'])",
                message = "logExports may hold postgresql, upgrade and iam-db-auth-error")
        @ValidationRule(value = "self.all(t, self.exists_one(u, u == t))", message = "logExports must not repeat")
        public List<@Size(max = 32) String> logExports = new ArrayList<>(List.of("postgresql", "upgrade"));

        @JsonPropertyDescription("Days CloudWatch Logs keeps the exported database logs, one of CloudWatch Logs' retention"
                + " values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
                + " Default 365, what CIS and AWS's security checks ask at least.")
        @Default("365")
        @ValidationRule(value = "self in " + LOG_RETENTION_DAYS, message = "logRetentionDays must be one of CloudWatch Logs' retention values: "
                + LOG_RETENTION_DAYS)
        public int logRetentionDays = 365;

        @JsonPropertyDescription("Seconds between the operating-system metrics RDS Enhanced Monitoring collects, one of the"
                + " values CreateDBInstance takes (0, 1, 5, 10, 15, 30, 60). Default 60; 0 opts out (Security Hub RDS.6 then"
                + " reports it), and the monitoring role is removed. CloudWatch Logs bills the metrics (RDSOSMetrics) as"
                + " ingestion; see the README.")
        @Default("60")
        @ValidationRule(value = "self in " + MONITORING_INTERVALS, message = "monitoringIntervalSeconds must be one of "
                + MONITORING_INTERVALS)
        public int monitoringIntervalSeconds = 60;

        @JsonPropertyDescription("Snapshot (default): final snapshot, then delete. Delete. Retain.")
        @Default("Snapshot")
        public DatabaseDeletionPolicy deletionPolicy = DatabaseDeletionPolicy.Snapshot;

        @JsonPropertyDescription("The database the app uses.")
        @Default("app")
        @Pattern("^[a-zA-Z][a-zA-Z0-9_]{0,62}$")
        public String databaseName = "app";

        @JsonPropertyDescription("Make the database from a snapshot, or from a point in time of a DB instance. Setting or changing it"
                + " makes a new DB instance, moves the app and the connection Secret to it, then retires the previous one by deletionPolicy.")
        public Restore restore;

        @JsonPropertyDescription("The master user; its password is managed by AWS Secrets Manager, never written here. 1 to 16"
                + " letters, digits and underscores, starting with a letter; not a word PostgreSQL reserves (user, select...),"
                + " a role RDS makes (rdsadmin...), nor starting with pg_ or rds_.")
        @Default("app")
        @Size(max = 16)
        @Pattern("^[a-zA-Z][a-zA-Z0-9_]{0,15}$")
        @ValidationRule(value = "!(self.lowerAscii() in " + RESERVED_MASTER_USERNAMES + ") && !self.lowerAscii().startsWith('pg_')"
                + " && !self.lowerAscii().startsWith('rds_')",
                message = "masterUsername is a name PostgreSQL or RDS reserves (a reserved SQL key word such as user or select, a role"
                        + " RDS makes such as rdsadmin, or a name starting with pg_ or rds_); choose another")
        public String masterUsername = "app";

        @JsonPropertyDescription("Who may use the master-password secret RDS keeps in Secrets Manager (rds!db-...).")
        public SecretAccess secretAccess = new SecretAccess();
    }

    /**
     * An IAM role or user ARN, path included, as aws:PrincipalArn carries it; no wildcard (StringNotEquals compares it as text).
     * Names and path segments: the characters the IAM user guide allows ("IAM name requirements").
     */
    public static final String PRINCIPAL_ARN_PATTERN = "^arn:aws(-us-gov)?:iam::[0-9]{12}:(role|user)/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$";
    /** "arn:aws-us-gov:iam::&lt;account&gt;:role", a path of at most 512 characters and a name of at most 64 (IAM API: pathType, roleNameType). */
    public static final int PRINCIPAL_ARN_MAX = 37 + 512 + 64;

    public static class SecretAccess {
        @JsonPropertyDescription("true puts a resource policy on the secret that denies every Secrets Manager action to every"
                + " principal but the app's instance role, RDS's service-linked role (AWSServiceRoleForRDS, which rotates it), the"
                + " operator's own role or user, and principals (prowler secretsmanager_has_restrictive_resource_policy). Off by"
                + " default: the deny covers the account's administrators, auditors and root user too, who can then neither read"
                + " nor change nor remove the policy unless listed in principals. While true the operator owns the whole policy"
                + " and puts it back if edited or removed; false removes the policy it put. Removed also when the WebPlatform is"
                + " deleted, deletionPolicy Retain included (no operator would look after it any more).")
        @Default("false")
        public boolean restricted;

        @JsonPropertyDescription("With restricted: IAM role or user ARNs, path included (arn:aws:iam::<account>:role/<path/><name>),"
                + " that keep access: people, a break-glass role, the auditor's or scanner's role (prowler reads the policy with"
                + " GetResourcePolicy and reports a denied read as a failure). An assumed-role session ARN (arn:aws:sts::...) is"
                + " not an aws:PrincipalArn value: give the role's ARN. At most 20.")
        @Size(max = 20)
        @ValidationRule(value = "self.all(p, self.exists_one(q, q == p))", message = "principals must not repeat")
        public List<@Size(max = PRINCIPAL_ARN_MAX) @Pattern(PRINCIPAL_ARN_PATTERN) String> principals = new ArrayList<>();
    }

    public enum DatabaseDeletionPolicy { Snapshot, Delete, Retain }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.fromSnapshot) != has(self.fromInstance)", message = "restore needs exactly one of fromSnapshot and fromInstance")
    @ValidationRule(value = "!has(self.toTime) || has(self.fromInstance)", message = "toTime is a point in time of fromInstance")
    public static class Restore {
        @JsonPropertyDescription("A DB snapshot identifier or ARN (manual or automated) to make the database from.")
        @Size(max = 1024)
        @Pattern("^(arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:snapshot:)?(rds:)?[a-zA-Z][a-zA-Z0-9-]{0,254}$")
        public String fromSnapshot;

        @JsonPropertyDescription("A DB instance identifier (this WebPlatform's own, typically) whose point in time to restore.")
        @Size(max = 63)
        @Pattern("^[a-zA-Z][a-zA-Z0-9-]{0,62}$")
        public String fromInstance;

        @JsonPropertyDescription("With fromInstance: the time to restore to (RFC 3339, UTC), within its backup retention; its latest restorable time when omitted.")
        @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$")
        public String toTime;
    }

    public enum MissingData { missing, notBreaching, breaching, ignore }

    public enum SubscriptionProtocol { https, sqs, lambda, sms }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.protocol != 'https' || self.endpoint.startsWith('https://')", message = "an https subscription needs an https:// URL")
    @ValidationRule(value = "self.protocol != 'sqs' || self.endpoint.matches('^arn:aws(-us-gov)?:sqs:')", message = "an sqs subscription needs a queue ARN")
    @ValidationRule(value = "self.protocol != 'lambda' || self.endpoint.matches('^arn:aws(-us-gov)?:lambda:')", message = "a lambda subscription needs a function ARN")
    @ValidationRule(value = "self.protocol != 'sms' || self.endpoint.matches('^\\\\+[1-9][0-9]{6,14}$')", message = "an sms subscription needs a phone number in E.164 form, e.g. +33612345678")
    public static class Subscription {
        @JsonPropertyDescription("https, sqs, lambda or sms (e-mail addresses go in monitoring.email).")
        @io.fabric8.generator.annotation.Required
        public SubscriptionProtocol protocol;

        @JsonPropertyDescription("The URL, ARN or phone number.")
        @io.fabric8.generator.annotation.Required
        @Size(max = 2048)
        public String endpoint;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Monitoring {
        @JsonPropertyDescription("E-mail addresses subscribed to the alarm topic (each confirms by e-mail).")
        @Size(max = 20)
        public List<@Size(max = 254) @Pattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$") String> email = new ArrayList<>();

        @JsonPropertyDescription("Other subscriptions to the alarm topic: an HTTPS endpoint, an SQS queue or Lambda function ARN, an SMS number.")
        @Size(max = 20)
        public List<Subscription> subscriptions = new ArrayList<>();

        @JsonPropertyDescription("Length of one alarm datapoint in seconds, a multiple of 60.")
        @Default("60")
        @Min(60)
        @Max(86400)
        @ValidationRule(value = "self % 60 == 0", message = "periodSeconds must be a multiple of 60")
        public int periodSeconds = 60;

        @JsonPropertyDescription("How alarms treat missing datapoints: missing (default), notBreaching, breaching or ignore.")
        @Default("missing")
        public MissingData treatMissingData = MissingData.missing;

        @JsonPropertyDescription("CPU alarm threshold in percent.")
        @Default("80")
        @Min(1)
        @Max(100)
        public int cpuPercent = 80;

        @JsonPropertyDescription("NetworkPacketsIn alarm threshold in packets per second.")
        @Default("1000")
        @Min(1)
        public int packetsPerSecond = 1000;

        @JsonPropertyDescription("DatabaseConnections alarm threshold.")
        @Default("20")
        @Min(1)
        public int dbConnections = 20;

        @JsonPropertyDescription("Alarm when free database storage falls BELOW this many GiB.")
        @Default("5")
        @Min(1)
        public int dbFreeStorageGiB = 5;
    }
}
