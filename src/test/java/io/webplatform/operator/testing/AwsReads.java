package io.webplatform.operator.testing;

import io.webplatform.operator.aws.AwsErrors;

/** Reading AWS in assertions. */
public final class AwsReads {
    private AwsReads() {
    }

    /** True when the read succeeds, false when AWS says the thing is not there; anything else fails the test. */
    public static boolean exists(Runnable read) {
        try {
            read.run();
            return true;
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
    }
}
