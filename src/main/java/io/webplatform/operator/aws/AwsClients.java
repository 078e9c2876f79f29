package io.webplatform.operator.aws;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one place that builds AWS SDK clients: region, the standard credential chain, an optional
 * endpoint override (the emulator, or a VPC endpoint), adaptive retries guarded by {@link RetriedCalls}
 * and the interceptors (API call metrics, and in tests a fault-injecting seam). Clients are cached per region.
 */
public class AwsClients implements AutoCloseable {

    private final String defaultRegion;
    private final Optional<URI> endpoint;
    private final List<ExecutionInterceptor> interceptors;
    private final SdkHttpClient httpClient = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(30))
            .build();
    private final Map<String, Object> clients = new ConcurrentHashMap<>();
    private final Quotas quotas;
    private final OperatorPrincipal operatorPrincipal = new OperatorPrincipal(this);

    public AwsClients(String defaultRegion, Optional<URI> endpoint, List<ExecutionInterceptor> interceptors) {
        this(defaultRegion, endpoint, interceptors, "");
    }

    /** @param assumedQuotaLimits quota values to use instead of Service Quotas' ({@link Quotas}); empty for none */
    public AwsClients(String defaultRegion, Optional<URI> endpoint, List<ExecutionInterceptor> interceptors, String assumedQuotaLimits) {
        // Fails at start-up, with the reason, when the default region's partition is not supported.
        Partition.of(defaultRegion);
        this.defaultRegion = defaultRegion;
        this.endpoint = endpoint;
        // LastCall first: a refused call must be named even when a test's seam refuses it before the others run.
        List<ExecutionInterceptor> all = new java.util.ArrayList<>();
        all.add(new LastCall());
        // Before the others: the SDK calls afterTransmission in reverse order, so it sees an attempt's answer only once
        // every other interceptor (a test's lost-answer seam) let it through.
        all.add(new RetriedCalls());
        all.addAll(interceptors);
        this.interceptors = List.copyOf(all);
        this.quotas = new Quotas(this, java.time.Clock.systemUTC(), assumedQuotaLimits);
    }

    /** The ARN the operator's own requests carry as aws:PrincipalArn, as STS and IAM report it. */
    public OperatorPrincipal operatorPrincipal() {
        return operatorPrincipal;
    }

    /** The account's quotas as this process judges them: one ledger for every object of both kinds. */
    public Quotas quotas() {
        return quotas;
    }

    public String region(String requested) {
        return requested == null || requested.isBlank() ? defaultRegion : requested;
    }

    public Optional<URI> endpoint() {
        return endpoint;
    }

    public S3Client s3(String region) {
        return cached("s3", region, () -> configure(S3Client.builder(), region)
                // Path-style addressing when an endpoint is overridden: the emulator has no virtual hosts.
                .forcePathStyle(endpoint.isPresent())
                .build());
    }

    public KmsClient kms(String region) {
        return cached("kms", region, () -> configure(KmsClient.builder(), region).build());
    }

    public IamClient iam(String region) {
        // IAM is global per partition: aws-global (us-east-1) or aws-us-gov-global, unless the endpoint is overridden.
        return cached("iam", region, () -> configure(IamClient.builder(),
                endpoint.isPresent() ? region : Partition.of(region(region)).iamRegion()).build());
    }

    public CloudTrailClient cloudTrail(String region) {
        return cached("cloudtrail", region, () -> configure(CloudTrailClient.builder(), region).build());
    }

    public Ec2Client ec2(String region) {
        return cached("ec2", region, () -> configure(Ec2Client.builder(), region).build());
    }

    public RdsClient rds(String region) {
        return cached("rds", region, () -> configure(RdsClient.builder(), region).build());
    }

    /** Secrets Manager: only the resource policy of the database's RDS-managed secret. */
    public SecretsManagerClient secretsManager(String region) {
        return cached("secretsmanager", region, () -> configure(SecretsManagerClient.builder(), region).build());
    }

    public ElasticLoadBalancingV2Client elbv2(String region) {
        return cached("elbv2", region, () -> configure(ElasticLoadBalancingV2Client.builder(), region).build());
    }

    public CloudWatchClient cloudWatch(String region) {
        return cached("cloudwatch", region, () -> configure(CloudWatchClient.builder(), region).build());
    }

    public software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient logs(String region) {
        return cached("logs", region, () -> configure(software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient.builder(), region).build());
    }

    public SnsClient sns(String region) {
        return cached("sns", region, () -> configure(SnsClient.builder(), region).build());
    }

    public ResourceGroupsTaggingApiClient tagging(String region) {
        return cached("tagging", region, () -> configure(ResourceGroupsTaggingApiClient.builder(), region).build());
    }

    /** ACM: only read, to judge a listener's certificate before anything is made. */
    public AcmClient acm(String region) {
        return cached("acm", region, () -> configure(AcmClient.builder(), region).build());
    }

    /**
     * Service Quotas in {@code region}. Global quotas (IAM's) are served only in the partition's home
     * region (us-east-1, us-gov-west-1): the caller names it ({@link Quotas}).
     */
    public ServiceQuotasClient serviceQuotas(String region) {
        return cached("servicequotas", region, () -> configure(ServiceQuotasClient.builder(), region).build());
    }

    public StsClient sts(String region) {
        return cached("sts", region, () -> configure(StsClient.builder(), region).build());
    }

    /** Applies what every client shares. Also used for the WebPlatform's service clients. */
    public <B extends AwsClientBuilder<B, C>, C> B configure(B builder, String region) {
        builder.region(Region.of(region(region)))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // ADAPTIVE_V2, except for creates a retry would make twice (Idempotency, RetriedCalls).
                        .retryStrategy(RetriedCalls.strategy())
                        .apiCallTimeout(Duration.ofSeconds(60))
                        .executionInterceptors(interceptors)
                        .build());
        endpoint.ifPresent(builder::endpointOverride);
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClient(httpClient);
        }
        return builder;
    }

    @SuppressWarnings("unchecked")
    public <C> C cached(String service, String region, Supplier<C> factory) {
        return (C) clients.computeIfAbsent(service + "/" + region(region), k -> factory.get());
    }

    @Override
    public void close() {
        clients.values().forEach(c -> {
            if (c instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // closing on shutdown: nothing to do about a failure
                }
            }
        });
        httpClient.close();
    }
}
