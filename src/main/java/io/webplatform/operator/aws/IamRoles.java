package io.webplatform.operator.aws;

import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

import java.util.List;
import java.util.Map;

/** What every IAM role the operator owns needs: tags in IAM's shape, and a delete that removes its policies first. */
public final class IamRoles {
    private IamRoles() {
    }

    public static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    /** A role can only go once it has no policies; this also removes any a person attached. */
    public static void delete(IamClient iam, String roleName) {
        for (String policy : iam.listRolePolicies(r -> r.roleName(roleName)).policyNames()) {
            iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(policy));
        }
        iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies()
                .forEach(p -> iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(p.policyArn())));
        iam.deleteRole(r -> r.roleName(roleName));
    }
}
