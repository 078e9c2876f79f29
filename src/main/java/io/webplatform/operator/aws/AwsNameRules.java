package io.webplatform.operator.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * AWS's naming rule for each kind of name the operator derives, from the API references (and the
 * Kubernetes rules for the objects it makes), in one table. Name derivation asks it whether a name
 * that exists today is still fine; the generative name test checks every derived name against it.
 *
 * <p>Columns: pattern (characters, first and last), minimum and maximum length, reserved prefixes
 * and suffixes, forbidden substrings, whether an IP-address form is refused, and the reference.
 */
public enum AwsNameRules {
    S3_BUCKET("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", 3, 63,
            List.of("xn--", "sthree-", "amzn-s3-demo-"), List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"),
            List.of("..", ".-", "-."), true,
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (\".-\" and \"-.\" refused too: they break virtual-hosted TLS)"),
    IAM_ROLE("^[\\w+=,.@-]+$", 1, 64, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName; no Path is set: the default /)"),
    IAM_INSTANCE_PROFILE("^[\\w+=,.@-]+$", 1, 128, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html (InstanceProfileName; default Path /)"),
    IAM_INLINE_POLICY("^[\\w+=,.@-]+$", 1, 128, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html (PolicyName)"),
    KMS_ALIAS("^alias/[a-zA-Z0-9/_-]+$", 1, 256, List.of("alias/aws/"), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (AliasName; alias/aws/ is AWS's)"),
    CLOUDTRAIL_TRAIL("^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$", 3, 128, List.of(), List.of(),
            List.of("..", "._", ".-", "_.", "__", "_-", "-.", "-_", "--"), true,
            "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html (Name: no adjacent . _ -)"),
    RDS_DB_INSTANCE("^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$", 1, 63, List.of(), List.of(), List.of("--"), false,
            "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier)"),
    RDS_DB_SUBNET_GROUP("^(?!default$)[a-zA-Z0-9._ -]+$", 1, 255, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html (DBSubnetGroupName; not \"default\")"),
    RDS_DB_SNAPSHOT("^[a-zA-Z]([a-zA-Z0-9-]*[a-zA-Z0-9])?$", 1, 255, List.of(), List.of(), List.of("--"), false,
            "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html (DBSnapshotIdentifier;"
                    + " DeleteDBInstance's FinalDBSnapshotIdentifier has the same rule)"),
    ELB_LOAD_BALANCER("^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$", 1, 32, List.of("internal-"), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html (Name)"),
    ELB_TARGET_GROUP("^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$", 1, 32, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html (Name: no internal- rule)"),
    EC2_SECURITY_GROUP("^[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]+$", 1, 255, List.of("sg-"), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupName)"),
    /** Not a name, but a text the operator derives under the same kind of rule: what each security-group rule admits. */
    EC2_SECURITY_GROUP_RULE_DESCRIPTION("^[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]*$", 0, 255, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html (Description; UserIdGroupPair, Ipv6Range and"
                    + " PrefixListId have the same constraint)"),
    EC2_CLIENT_TOKEN("^[\\x21-\\x7E]+$", 1, 64, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html (ClientToken: at most 64 ASCII characters;"
                    + " CreateNatGateway and CreateFlowLogs alike)"),
    SNS_TOPIC("^[A-Za-z0-9_-]+$", 1, 256, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name; no dots)"),
    CLOUDWATCH_ALARM("^[^\\p{Cntrl}]+$", 1, 255, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmName: no control characters)"),
    /** The strictest of the services the operator tags (IAM, RDS, ELB...); EC2 and S3 accept more. */
    TAG_KEY("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$", 1, 128, List.of("aws:"), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html (Key)"),
    TAG_VALUE("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", 0, 256, List.of(), List.of(), List.of(), false,
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html (Value)"),
    /** The operator's Kubernetes objects too: the connection Secret, the flow-log SecureBucket. */
    KUBERNETES_NAME("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", 1, 253, List.of(), List.of(), List.of(), false,
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names"),
    KUBERNETES_LABEL_VALUE("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", 0, 63, List.of(), List.of(), List.of(), false,
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set");

    private static final Pattern IP_ADDRESS = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");

    private final Pattern pattern;
    private final int minLength;
    private final int maxLength;
    private final List<String> reservedPrefixes;
    private final List<String> reservedSuffixes;
    private final List<String> forbiddenSubstrings;
    private final boolean refusesIpAddress;
    private final String reference;

    AwsNameRules(String pattern, int minLength, int maxLength, List<String> reservedPrefixes, List<String> reservedSuffixes,
                 List<String> forbiddenSubstrings, boolean refusesIpAddress, String reference) {
        this.pattern = Pattern.compile(pattern);
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.reservedPrefixes = reservedPrefixes;
        this.reservedSuffixes = reservedSuffixes;
        this.forbiddenSubstrings = forbiddenSubstrings;
        this.refusesIpAddress = refusesIpAddress;
        this.reference = reference;
    }

    public int maxLength() {
        return maxLength;
    }

    public String reference() {
        return reference;
    }

    public boolean accepts(String name) {
        return violations(name).isEmpty();
    }

    /** What is wrong with {@code name} for this kind, one line a rule; empty when AWS accepts it. */
    public List<String> violations(String name) {
        List<String> problems = new ArrayList<>();
        if (name == null) {
            problems.add("missing");
            return problems;
        }
        if (name.length() < minLength || name.length() > maxLength) {
            problems.add(name.length() + " characters, not " + minLength + "-" + maxLength);
        }
        if (!pattern.matcher(name).matches()) {
            problems.add("does not match " + pattern.pattern());
        }
        reservedPrefixes.stream().filter(name::startsWith).forEach(p -> problems.add("starts with the reserved " + p));
        reservedSuffixes.stream().filter(name::endsWith).forEach(s -> problems.add("ends with the reserved " + s));
        forbiddenSubstrings.stream().filter(name::contains).forEach(s -> problems.add("contains " + s));
        if (refusesIpAddress && IP_ADDRESS.matcher(name).matches()) {
            problems.add("is formatted as an IP address");
        }
        return problems;
    }
}
