package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.StillWorking;

/** EC2 deletes: a resource already gone is deleted; one still in use by something AWS is releasing is pending. */
final class Ec2Deletion {
    private Ec2Deletion() {
    }

    static void delete(String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e) || AwsErrors.errorCode(e).endsWith(".NotFound")) {
                return;
            }
            if ("DependencyViolation".equals(AwsErrors.errorCode(e)) || "InvalidIPAddress.InUse".equals(AwsErrors.errorCode(e))) {
                throw new StillWorking(what + " is still in use by something AWS is releasing");
            }
            throw e;
        }
    }
}
