package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.UserError;
import software.amazon.awssdk.services.acm.model.CertificateDetail;
import software.amazon.awssdk.services.acm.model.CertificateStatus;

/**
 * The ACM certificate the TLS listener presents. The operator never makes or changes it (the user
 * owns the domain and its validation); it only judges, before any write, that a load balancer in
 * this region and account can use it: ELB takes ACM certificates of its own region and account,
 * and only issued ones.
 */
public final class ListenerCertificate {

    private ListenerCertificate() {
    }

    public static void requireUsable(PlatformScope scope, String arn) {
        String[] parts = arn.split(":");
        if (parts.length < 6 || !parts[3].equals(scope.region())) {
            throw new UserError("CertificateInOtherRegion", "certificate " + arn + " is not in " + scope.region()
                    + ": a load balancer uses ACM certificates of its own region; request or import one there");
        }
        if (scope.accountId() != null && !parts[4].equals(scope.accountId())) {
            throw new UserError("CertificateInOtherAccount", "certificate " + arn + " belongs to account " + parts[4]
                    + ", not " + scope.accountId() + ": a load balancer uses ACM certificates of its own account");
        }
        CertificateDetail certificate;
        try {
            certificate = scope.acm().describeCertificate(r -> r.certificateArn(arn)).certificate();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                throw new UserError("CertificateNotFound", "ACM certificate " + arn + " does not exist in " + scope.region());
            }
            throw e;
        }
        if (certificate.status() != CertificateStatus.ISSUED) {
            throw new UserError("CertificateNotIssued", "ACM certificate " + arn + " (" + certificate.domainName() + ") is "
                    + certificate.statusAsString() + ", not ISSUED" + (certificate.status() == CertificateStatus.PENDING_VALIDATION
                    ? ": complete its domain validation (the CNAME record ACM asks for), then the listener is made" : ""));
        }
    }
}
