package io.webplatform.operator.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;

/** Sorts AWS failures into what the operator does about them. */
public final class AwsErrors {

    public enum Kind {
        /** Throttled: back off and try again; never a failure on its own. */
        THROTTLED,
        /** 5xx, timeouts, connection trouble: try again with backoff. */
        RETRYABLE,
        /** The resource is not there. */
        NOT_FOUND,
        /** Needs a person: bad input, missing permission, quota. Becomes a Stalled condition. */
        USER_ERROR,
        /** Anything else the operator cannot explain: retried with backoff and reported. */
        UNKNOWN
    }

    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown",
            "ProvisionedThroughputExceededException", "RequestThrottled", "PriorRequestNotComplete");

    private static final Set<String> NOT_FOUND = Set.of("NoSuchBucket", "NoSuchKey", "NotFoundException",
            "NoSuchEntity", "NoSuchEntityException", "TrailNotFoundException", "NoSuchBucketPolicy",
            "ReplicationConfigurationNotFoundError", "ServerSideEncryptionConfigurationNotFoundError",
            "NoSuchPublicAccessBlockConfiguration", "OwnershipControlsNotFoundError", "NoSuchTagSet",
            "ResourceNotFoundException", "NotFound", "404", "DBSubnetGroupNotFoundFault", "DBInstanceNotFound",
            "DBSnapshotNotFound", "LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound",
            "InvalidInstanceID.NotFound",
            // EC2's own spellings (Amazon EC2 API Reference, "Error codes"), and CloudWatch's DeleteAlarms.
            "InvalidVpcID.NotFound", "InvalidSubnetID.NotFound", "InvalidGroup.NotFound", "InvalidInternetGatewayID.NotFound",
            "InvalidRouteTableID.NotFound", "InvalidAllocationID.NotFound", "InvalidAssociationID.NotFound", "NatGatewayNotFound",
            "InvalidNetworkInterfaceID.NotFound", "InvalidFlowLogId.NotFound", "InvalidPermission.NotFound", "InvalidVolume.NotFound",
            "InvalidNetworkAclID.NotFound", "InvalidNetworkAclEntry.NotFound",
            "ResourceNotFound");

    private static final Set<String> USER = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "InvalidClientTokenId", "UnrecognizedClientException", "InvalidParameterValue", "InvalidParameterCombination",
            "ValidationError", "ValidationException", "MalformedPolicyDocument", "MalformedPolicyDocumentException",
            "InvalidBucketName", "BucketAlreadyExists", "TooManyBuckets", "LimitExceeded", "LimitExceededException",
            "KMSInvalidStateException", "DisabledException", "InvalidArnException", "InvalidRequest",
            "InsufficientS3BucketPolicyException", "InvalidS3BucketNameException", "InvalidTrailNameException",
            "MaximumNumberOfTrailsExceededException", "IllegalArgumentException", "InvalidKeyUsageException",
            "InvalidAMIID.NotFound", "InvalidAMIID.Malformed", "InvalidAMIID.Unavailable", "StorageQuotaExceeded",
            "InstanceQuotaExceeded", "Unsupported",
            // ELB refusing a TLS listener's certificate or security policy: only the spec (or the certificate) can fix it.
            "CertificateNotFound", "UnsupportedCertificate", "SSLPolicyNotFound");

    private AwsErrors() {
    }

    public static Kind classify(Throwable t) {
        if (t instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            int status = e.statusCode();
            if (e.isThrottlingException() || (code != null && THROTTLING.contains(code)) || status == 429) {
                return Kind.THROTTLED;
            }
            if (code != null && NOT_FOUND.contains(code)) {
                return Kind.NOT_FOUND;
            }
            if (code != null && USER.contains(code)) {
                return Kind.USER_ERROR;
            }
            if (status >= 500 || e.retryable()) {
                return Kind.RETRYABLE;
            }
            if (status == 404) {
                return Kind.NOT_FOUND;
            }
            if (status == 403) {
                return Kind.USER_ERROR;
            }
            return Kind.UNKNOWN;
        }
        if (t instanceof SdkClientException || (t instanceof SdkException s && s.retryable())) {
            return Kind.RETRYABLE;
        }
        return Kind.UNKNOWN;
    }

    public static boolean isNotFound(Throwable t) {
        return classify(t) == Kind.NOT_FOUND;
    }

    public static String errorCode(Throwable t) {
        if (t instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            return e.awsErrorDetails().errorCode();
        }
        return t.getClass().getSimpleName();
    }

    /** AWS's own message, without the SDK's request-id suffix, for a person to read in status. */
    public static String message(Throwable t) {
        if (t instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            String m = e.awsErrorDetails().errorMessage();
            return errorCode(t) + ": " + (m == null ? "(no message)" : m);
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
