package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.IamRoles;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The instance profile that hands the app role to the instances; named like the role, holding only it. */
public class InstanceProfile implements Component<PlatformScope, InstanceProfile.Desired,
        software.amazon.awssdk.services.iam.model.InstanceProfile> {
    public static final String NAME = "InstanceProfile";

    /** The profile as CreateInstanceProfile makes it, and the one role it holds. */
    public record Desired(String name, Map<String, String> tags, String roleName) {
    }

    static final String ROLE = "role ";

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
        var profile = of(scope);
        if (profile.roles().stream().noneMatch(r -> InstanceRole.roleName(scope).equals(r.roleName()))) {
            // Observed without its role, so apply added it in this pass (a person had removed it): new again.
            return scope.clock().instant();
        }
        return profile.roles().stream().map(Role::createDate).filter(Objects::nonNull)
                .reduce(profile.createDate(), (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String name = InstanceRole.roleName(scope);
        return new Desired(name, scope.tags(NAME, name), name);
    }

    @Override
    public Observed<software.amazon.awssdk.services.iam.model.InstanceProfile> observe(PlatformScope scope) {
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

    /** Each foreign role to remove (a profile holds one role at most), then the app role when it is missing. */
    @Override
    public List<Change> diff(software.amazon.awssdk.services.iam.model.InstanceProfile actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (Role role : actual.roles()) {
            if (!desired.roleName().equals(role.roleName())) {
                changes.add(Change.unwanted(ROLE + role.roleName(), role.roleName(), "removed foreign role " + role.roleName()));
            }
        }
        if (actual.roles().stream().noneMatch(r -> desired.roleName().equals(r.roleName()))) {
            changes.add(Change.missing(ROLE + desired.roleName(), desired.roleName(), "role " + desired.roleName() + " added"));
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        scope.iam().createInstanceProfile(r -> r.instanceProfileName(desired.name()).tags(IamRoles.tags(desired.tags())));
    }

    @Override
    public void apply(PlatformScope scope, Observed<software.amazon.awssdk.services.iam.model.InstanceProfile> current, Desired desired,
                      List<Change> changes) {
        IamClient iam = scope.iam();
        for (Change change : changes) {
            String role = change.field().substring(ROLE.length());
            if (Change.ABSENT.equals(change.desired())) {
                iam.removeRoleFromInstanceProfile(r -> r.instanceProfileName(desired.name()).roleName(role));
            } else {
                iam.addRoleToInstanceProfile(r -> r.instanceProfileName(desired.name()).roleName(role));
            }
        }
    }

    /**
     * The profile holding the app role, which CreateInstanceProfile then apply's AddRoleToInstanceProfile
     * make. AWS::IAM::InstanceProfile takes no Tags, so its ownership tags cannot be planned: only the
     * operator's create sets them. The role is named, not referred to: the graph's edge orders it after the role.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("InstanceProfileName", desired.name());
        profile.put("Roles", List.of(desired.roleName()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::IAM::InstanceProfile", profile));
    }

    /** Ref of an AWS::IAM::InstanceProfile is its name, Fn::GetAtt Arn its ARN: the instances name the profile by ARN. */
    @Override
    public Observed<software.amazon.awssdk.services.iam.model.InstanceProfile> planned(PlatformScope scope, Desired desired) {
        String arn = CfnResource.attribute(CfnResource.logicalId(NAME), "Arn");
        return Observed.ready(arn, software.amazon.awssdk.services.iam.model.InstanceProfile.builder().instanceProfileName(desired.name())
                .arn(arn).roles(Role.builder().roleName(desired.roleName()).build()).tags(IamRoles.tags(desired.tags())).build());
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<software.amazon.awssdk.services.iam.model.InstanceProfile> current) {
        IamClient iam = scope.iam();
        String name = InstanceRole.roleName(scope);
        current.detail().roles().forEach(role -> iam.removeRoleFromInstanceProfile(r -> r.instanceProfileName(name).roleName(role.roleName())));
        iam.deleteInstanceProfile(r -> r.instanceProfileName(name));
        return true;
    }

    /** What this pass observed; null when absent. */
    public static software.amazon.awssdk.services.iam.model.InstanceProfile of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (software.amazon.awssdk.services.iam.model.InstanceProfile) observed.detail();
    }
}
