package io.webplatform.operator.aws;

import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

import java.util.List;
import java.util.Map;

/** What every IAM role the operator owns needs: tags in IAM's shape, its policies read, and a delete that removes its policies first. */
public final class IamRoles {
    private IamRoles() {
    }

    public static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    /**
     * A role can only go once it has no policies; this also removes any a person attached (the role is
     * the operator's). An instance profile made outside the operator that holds the role blocks it until
     * a person removes the role from it: the operator's own profile is named after the role and deleted first.
     */
    public static void delete(IamClient iam, String roleName) {
        for (String policy : iam.listRolePolicies(r -> r.roleName(roleName)).policyNames()) {
            DeleteFailures.call("role " + roleName, () -> iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(policy)));
        }
        iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies()
                .forEach(p -> DeleteFailures.call("role " + roleName, () -> iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(p.policyArn()))));
        DeleteFailures.call("role " + roleName, () -> iam.deleteRole(r -> r.roleName(roleName)),
                () -> iam.listInstanceProfilesForRole(r -> r.roleName(roleName)).instanceProfiles().stream()
                        .filter(profile -> !profile.instanceProfileName().equals(roleName))
                        .map(profile -> "instance profile " + profile.instanceProfileName()).toList());
    }

    /** The role's inline policy of that name; null when it has none. */
    public static String inlinePolicy(IamClient iam, String roleName, String policyName) {
        try {
            return iam.getRolePolicy(r -> r.roleName(roleName).policyName(policyName)).policyDocument();
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
            return null;
        }
    }

    /** A policy document as a person reads it: IAM returns documents URL-encoded. */
    public static String readable(String document) {
        var parsed = PolicyDocuments.parse(document);
        return parsed == null ? document : PolicyDocuments.toJson(parsed);
    }
}
