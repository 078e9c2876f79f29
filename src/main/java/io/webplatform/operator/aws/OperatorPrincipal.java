package io.webplatform.operator.aws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARN AWS puts in {@code aws:PrincipalArn} for the operator's own requests, which a resource policy's exemption
 * must name exactly (IAM global condition keys: "For IAM roles, the request context returns the ARN of the role, not
 * the ARN of the user that assumed the role"; the role's ARN carries its path). For an IAM user (the chart's
 * credentials Secret) STS GetCallerIdentity answers the user's ARN, path included. For a role (IRSA, EKS Pod Identity)
 * it answers the session, {@code arn:<partition>:sts::<account>:assumed-role/<name>/<session>}, which has no path: the
 * role's ARN is read from IAM (GetRole on the name; role names are unique in an account whatever their path). Never
 * guessed nor typed in: a wrong ARN would lock the operator out of what the policy guards, and a Deny in a resource
 * policy holds for the account's root user too. Asked once per partition and remembered: the credentials of a
 * running process do not change.
 */
public class OperatorPrincipal {
    private static final Pattern ASSUMED_ROLE = Pattern.compile("^arn:([a-z-]+):sts::([0-9]{12}):assumed-role/([^/]+)/.+$");
    private static final Pattern USER = Pattern.compile("^arn:([a-z-]+):iam::([0-9]{12}):user/.+$");

    private final AwsClients clients;
    private final Map<String, String> byPartition = new ConcurrentHashMap<>();

    public OperatorPrincipal(AwsClients clients) {
        this.clients = clients;
    }

    /** The operator's aws:PrincipalArn in the region's partition; a UserError when it cannot be known. */
    public String arn(String region) {
        String partition = Partition.of(region).id();
        String known = byPartition.get(partition);
        if (known != null) {
            return known;
        }
        String caller = clients.sts(region).getCallerIdentity().arn();
        String arn = resolve(caller, name -> {
            try {
                return clients.iam(region).getRole(r -> r.roleName(name)).role().arn();
            } catch (RuntimeException e) {
                if (AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR) {
                    throw new UserError("OperatorRoleNotReadable", "the operator runs as " + caller + "; to exempt itself in a resource"
                            + " policy it needs its role's ARN with the role's path, which only IAM knows: grant iam:GetRole on role "
                            + name + " (operator/iam-policy-iam-kms.json grants it on a role named webplatform-operator, as the README's"
                            + " walkthrough makes it; rename it there for another name). " + AwsErrors.message(e));
                }
                throw e;
            }
        });
        byPartition.put(partition, arn);
        return arn;
    }

    /**
     * The aws:PrincipalArn of the identity STS reports: an IAM user's ARN as it is; an assumed role's as IAM answers it
     * for the role's name ({@code roleArnByName}), checked to be that role of that account. Anything else (the root
     * user, a federated user) a resource policy's exemption cannot name as the check and this operator expect.
     */
    static String resolve(String caller, UnaryOperator<String> roleArnByName) {
        if (USER.matcher(caller).matches()) {
            return caller;
        }
        Matcher role = ASSUMED_ROLE.matcher(caller);
        if (!role.matches()) {
            throw new UserError("OperatorPrincipalUnsupported", "the operator runs as " + caller + ", which a resource policy cannot"
                    + " exempt by aws:PrincipalArn as an IAM role or user: run it with an IAM role (IRSA, EKS Pod Identity) or an IAM"
                    + " user (the chart's aws.credentialsSecret)");
        }
        String arn = roleArnByName.apply(role.group(3));
        String expected = "^arn:" + Pattern.quote(role.group(1)) + ":iam::" + role.group(2) + ":role/(.+/)?" + Pattern.quote(role.group(3)) + "$";
        if (arn == null || !arn.matches(expected)) {
            throw new IllegalStateException("IAM answered " + arn + " for role " + role.group(3) + " of session " + caller);
        }
        return arn;
    }
}
