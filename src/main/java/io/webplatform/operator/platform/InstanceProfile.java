package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.IamRoles;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The instance profile that hands the app role to the instances; named like the role, holding only it. */
public class InstanceProfile extends RepairingComponent<PlatformScope> {
    public static final String NAME = "InstanceProfile";

    @Override
    public String name() {
        return NAME;
    }


    /**
     * When the profile and its role were made, as IAM records them: the later CreateDate of the two.
     * AddRoleToInstanceProfile has no date of its own; on a first run it follows CreateInstanceProfile
     * within the same pass, and a role added back by repair counts from now.
     */
    static Instant madeAt(PlatformScope scope) {
        var profile = scope.observed(NAME).detail(software.amazon.awssdk.services.iam.model.InstanceProfile.class);
        if (profile.roles().stream().noneMatch(r -> InstanceRole.roleName(scope).equals(r.roleName()))) {
            // Observed without its role, so repair added it in this pass (a person had removed it): new again.
            return scope.clock().instant();
        }
        return profile.roles().stream().map(Role::createDate).filter(Objects::nonNull)
                .reduce(profile.createDate(), (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        try {
            var profile = scope.iam().getInstanceProfile(r -> r.instanceProfileName(InstanceRole.roleName(scope))).instanceProfile();
            return Observed.ready(profile.arn(), profile);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void create(PlatformScope scope) {
        String name = InstanceRole.roleName(scope);
        scope.iam().createInstanceProfile(r -> r.instanceProfileName(name).tags(IamRoles.tags(scope.tags(NAME, name))));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        var profile = current.detail(software.amazon.awssdk.services.iam.model.InstanceProfile.class);
        IamClient iam = scope.iam();
        String name = InstanceRole.roleName(scope);
        List<String> changes = new ArrayList<>();
        for (Role role : profile.roles()) {
            if (!name.equals(role.roleName())) {
                iam.removeRoleFromInstanceProfile(r -> r.instanceProfileName(name).roleName(role.roleName()));
                changes.add("removed foreign role " + role.roleName());
            }
        }
        if (profile.roles().stream().noneMatch(r -> name.equals(r.roleName()))) {
            iam.addRoleToInstanceProfile(r -> r.instanceProfileName(name).roleName(name));
            changes.add("role " + name + " added");
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        var profile = current.detail(software.amazon.awssdk.services.iam.model.InstanceProfile.class);
        IamClient iam = scope.iam();
        String name = InstanceRole.roleName(scope);
        profile.roles().forEach(role -> iam.removeRoleFromInstanceProfile(r -> r.instanceProfileName(name).roleName(role.roleName())));
        iam.deleteInstanceProfile(r -> r.instanceProfileName(name));
        return true;
    }
}
