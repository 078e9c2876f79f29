package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.engine.Scope;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One pass over a WebPlatform: its spec, the worked-out network plan, AWS clients and the flow-log destination. */
public class PlatformScope extends Scope {
    /** Which of several resources of one component this is: "public-0", "private-1", "nat-0" ... */
    public static final String ROLE_TAG = "webplatform.io/role";

    private final WebPlatform resource;
    private final NetworkPlan plan;
    private final AwsClients clients;
    private final String flowLogBucketArn;
    private final String accountId;
    private Image appImage;

    /** A scope identified by the object's UID, as stacks were before installations had names. */
    public PlatformScope(WebPlatform resource, NetworkPlan plan, AwsClients clients, String accountId, String flowLogBucketArn) {
        this(resource, Identity.ofUid(resource), plan, clients, accountId, flowLogBucketArn);
    }

    public PlatformScope(WebPlatform resource, Identity identity, NetworkPlan plan, AwsClients clients, String accountId, String flowLogBucketArn) {
        this(resource, identity, plan, clients, clients.region(resource.getSpec().region), accountId, flowLogBucketArn);
    }

    /**
     * A plan's scope: no AWS clients (so any AWS call fails), the account and the flow-log bucket as
     * references, and the app image as the plan names it (the preflight that finds it reads AWS).
     */
    public static PlatformScope forPlan(WebPlatform resource, Identity identity, NetworkPlan plan, String region, String accountId,
                                        String flowLogBucketArn, Image appImage) {
        PlatformScope scope = new PlatformScope(resource, identity, plan, null, region, accountId, flowLogBucketArn);
        scope.appImage(appImage);
        return scope;
    }

    private PlatformScope(WebPlatform resource, Identity identity, NetworkPlan plan, AwsClients clients, String region, String accountId,
                          String flowLogBucketArn) {
        super(resource, identity, region);
        this.resource = resource;
        this.plan = plan;
        this.clients = clients;
        this.accountId = accountId;
        this.flowLogBucketArn = flowLogBucketArn;
    }

    public String accountId() {
        return accountId;
    }

    /** The region's partition: every ARN and service principal this WebPlatform writes comes from it. */
    public Partition partition() {
        return Partition.of(region());
    }

    public IamClient iam() {
        return clients.iam(region());
    }

    public RdsClient rds() {
        return clients.rds(region());
    }

    public software.amazon.awssdk.services.kms.KmsClient kms() {
        return clients.kms(region());
    }

    public software.amazon.awssdk.services.sns.SnsClient sns() {
        return clients.sns(region());
    }

    public software.amazon.awssdk.services.cloudwatch.CloudWatchClient cloudWatch() {
        return clients.cloudWatch(region());
    }

    public software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient logs() {
        return clients.logs(region());
    }

    public software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient tagging() {
        return clients.tagging(region());
    }

    public software.amazon.awssdk.services.acm.AcmClient acm() {
        return clients.acm(region());
    }

    public software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secretsManager() {
        return clients.secretsManager(region());
    }

    /**
     * The ARN the operator's own requests carry as aws:PrincipalArn ({@link io.webplatform.operator.aws.OperatorPrincipal}:
     * asked of STS and IAM once, then remembered); in a plan, the template's parameter that stands for it.
     */
    public String operatorPrincipalArn() {
        return clients == null ? io.webplatform.operator.engine.CfnResource.ref(DatabaseSecretPolicy.OPERATOR_PRINCIPAL_PARAMETER)
                : clients.operatorPrincipal().arn(region());
    }

    /** The account's quotas as this process judges them (shared by every object). */
    public io.webplatform.operator.aws.Quotas quotas() {
        return clients.quotas();
    }

    public ElasticLoadBalancingV2Client elbv2() {
        return clients.elbv2(region());
    }

    /** Ownership tags for services that are not EC2 (IAM, RDS, ELB). */
    public Map<String, String> tags(String component, String name) {
        return Ownership.tags(resource, identity(), spec().tags, component, name);
    }

    public WebPlatformSpec spec() {
        return resource.getSpec();
    }

    public NetworkPlan plan() {
        return plan;
    }

    public String flowLogBucketArn() {
        return flowLogBucketArn;
    }

    /**
     * The image the app instances boot, found by AppInstances' preflight (a read, cached an hour) and
     * kept here so that their desired value makes no call; null before that preflight.
     */
    public Image appImage() {
        return appImage;
    }

    void appImage(Image image) {
        this.appImage = image;
    }

    public Ec2Client ec2() {
        return clients.ec2(region());
    }

    /** namespace-name-hash, the stem of every name this WebPlatform gives (tags bound it; names use {@link #name}). */
    public String baseName() {
        var m = resource.getMetadata();
        return m.getNamespace() + "-" + m.getName() + "-" + ResourceNames.shortHash(ownerKey());
    }

    /**
     * prefix + baseName + suffix as AWS accepts it for {@code kind}: unchanged where valid, otherwise
     * without the {@code forbidden} characters and shortened, keeping the owner key's hash.
     */
    public String name(String prefix, String suffix, AwsNameRules kind, String forbidden) {
        var m = resource.getMetadata();
        return ResourceNames.derive(prefix, m.getNamespace(), m.getName(), ownerKey(), suffix, kind, forbidden);
    }

    /** Tags set at creation (TagSpecifications), never in a second call. */
    public TagSpecification tagSpec(ResourceType type, String component, String role) {
        String name = baseName() + "-" + (role == null ? component.toLowerCase() : role);
        Map<String, String> tags = Ownership.tags(resource, identity(), spec().tags, component, name);
        if (role != null) {
            tags.put(ROLE_TAG, role);
        }
        List<Tag> ec2Tags = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        return TagSpecification.builder().resourceType(type).tags(ec2Tags).build();
    }

    /** Server-side filters for what this resource's component made. Callers still check tags: not every API honours them. */
    public List<Filter> ownedBy(String component) {
        return List.of(Filter.builder().name("tag:" + Ownership.OWNER_UID).values(ownerKey()).build(),
                Filter.builder().name("tag:" + Ownership.COMPONENT).values(component).build());
    }

    /**
     * This stack's resources of an EC2 kind (a PlatformListings name), as a Describe filtered by the owner
     * tag shows them: from the pass's shared listing of the kind, one for every platform converging at the
     * same time, or, where the pass reads on its own, described. Callers still pick their component's.
     */
    public <T> List<T> described(String kind, Class<T> type, java.util.function.Supplier<List<T>> describe) {
        List<T> listed = sharedListing(kind, type);
        return listed != null ? listed : describe.get();
    }

    public boolean owns(List<Tag> tags, String component) {
        return tag(tags, Ownership.OWNER_UID).equals(ownerKey()) && tag(tags, Ownership.COMPONENT).equals(component);
    }

    /** This component's resources among those described, by their role tag (the first of each role wins). */
    public <T> Map<String, T> byRole(List<T> described, Function<T, List<Tag>> tagsOf, String component) {
        Map<String, T> byRole = new LinkedHashMap<>();
        described.stream().filter(r -> owns(tagsOf.apply(r), component))
                .forEach(r -> byRole.putIfAbsent(tag(tagsOf.apply(r), ROLE_TAG), r));
        return byRole;
    }

    public static String tag(List<Tag> tags, String key) {
        return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst().orElse("");
    }

    /**
     * An idempotency token (at most 64 characters) for APIs that take one: the same for a retry of the
     * same creation, different for anything that differs in {@code what} (a replacement must not get
     * the answer AWS gave for the resource it replaces).
     */
    public String clientToken(String... what) {
        // The object's UID, not the owner key: a token AWS still remembers must not answer for an object of the same name.
        return ResourceNames.shortHash(String.join("/", what)) + "-" + resource.getMetadata().getUid();
    }
}
