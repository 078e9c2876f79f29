package io.webplatform.operator.aws;

/**
 * AWS accepted the request but is not done (or not consistent) yet, e.g. a new IAM role not yet
 * assumable by S3. The engine reports the component as Pending and asks to be called again.
 */
public class StillWorking extends RuntimeException {
    public StillWorking(String waitingFor) {
        super(waitingFor);
    }
}
