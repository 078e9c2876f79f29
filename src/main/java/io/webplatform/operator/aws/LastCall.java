package io.webplatform.operator.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;

/**
 * The AWS operation this thread called last and did not complete, as the IAM action it needs
 * ({@code ec2:DeleteNatGateway}): an AWS error does not name the operation it answers, and a refused
 * delete must say which action to grant. Clients are synchronous, so the call that just failed is the
 * last one this thread started; a call that succeeds gives the name back to the one around it (a call
 * made while another is in flight, from an interceptor). Runs before every other interceptor (a
 * test's fault seam refuses in beforeExecution, where no later interceptor sees the failure).
 */
public final class LastCall implements ExecutionInterceptor {
    private static final ThreadLocal<String> ACTION = new ThreadLocal<>();

    /** The SDK's service names that are not the IAM prefix lower-cased. */
    private static final Map<String, String> PREFIX = Map.of(
            "ElasticLoadBalancingV2", "elasticloadbalancing",
            "ResourceGroupsTaggingApi", "tag");

    /** S3 operations whose permission has another name (Service Authorization Reference, Amazon S3). */
    private static final Map<String, String> S3_PERMISSION = Map.of(
            "ListObjectVersions", "s3:ListBucketVersions",
            "DeleteObjects", "s3:DeleteObjectVersion",
            "DeleteBucketReplication", "s3:PutReplicationConfiguration",
            "GetBucketReplication", "s3:GetReplicationConfiguration",
            "GetBucketEncryption", "s3:GetEncryptionConfiguration",
            "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock",
            "HeadBucket", "s3:ListBucket");

    private static final ExecutionAttribute<String> BEFORE = new ExecutionAttribute<>("webplatform.lastCall.before");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(BEFORE, ACTION.get());
        ACTION.set(iamAction(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String before = attributes.getAttribute(BEFORE);
        if (before == null) {
            ACTION.remove();
        } else {
            ACTION.set(before);
        }
    }

    /** The IAM action of the operation this thread called last; null before any call. */
    public static String action() {
        return ACTION.get();
    }

    /** Forgets the last call (for a caller about to judge a failure that may not come from AWS). */
    public static void forget() {
        ACTION.remove();
    }

    static String iamAction(String service, String operation) {
        if ("S3".equals(service) && S3_PERMISSION.containsKey(operation)) {
            return S3_PERMISSION.get(operation);
        }
        return PREFIX.getOrDefault(service, service.toLowerCase()) + ":" + operation;
    }
}
