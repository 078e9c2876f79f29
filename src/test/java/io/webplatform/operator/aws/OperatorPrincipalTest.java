package io.webplatform.operator.aws;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's aws:PrincipalArn from what STS reports: an IAM user as it is, a role session through IAM's answer for
 * the role (its path is in no STS answer), anything a resource policy cannot exempt as a role or user refused.
 */
class OperatorPrincipalTest {

    @Test
    void anIamUserIsItsOwnArnPathIncludedAndIamIsNotAsked() {
        List<String> asked = new ArrayList<>();
        assertThat(OperatorPrincipal.resolve("arn:aws:iam::123456789012:user/ops/webplatform-operator", name -> {
            asked.add(name);
            return null;
        })).isEqualTo("arn:aws:iam::123456789012:user/ops/webplatform-operator");
        assertThat(asked).isEmpty();
    }

    @Test
    void aRoleSessionIsTheRolesArnWithThePathIamAnswers() {
        List<String> asked = new ArrayList<>();
        String arn = OperatorPrincipal.resolve("arn:aws-us-gov:sts::123456789012:assumed-role/webplatform-operator/botocore-session-1", name -> {
            asked.add(name);
            return "arn:aws-us-gov:iam::123456789012:role/platform/operators/webplatform-operator";
        });
        assertThat(asked).containsExactly("webplatform-operator");
        assertThat(arn).isEqualTo("arn:aws-us-gov:iam::123456789012:role/platform/operators/webplatform-operator");
        assertThat(OperatorPrincipal.resolve("arn:aws:sts::123456789012:assumed-role/webplatform-operator/eks-pod-identity",
                name -> "arn:aws:iam::123456789012:role/" + name)).isEqualTo("arn:aws:iam::123456789012:role/webplatform-operator");
    }

    @Test
    void anAnswerForAnotherRoleOrAccountIsNeverUsed() {
        String session = "arn:aws:sts::123456789012:assumed-role/webplatform-operator/pod";
        assertThatThrownBy(() -> OperatorPrincipal.resolve(session, name -> "arn:aws:iam::123456789012:role/other"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> OperatorPrincipal.resolve(session, name -> "arn:aws:iam::210987654321:role/webplatform-operator"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> OperatorPrincipal.resolve(session, name -> "arn:aws:iam::123456789012:role/x-webplatform-operator"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theRootUserAFederatedUserAndTheEmulatorsDefaultAreRefused() {
        for (String caller : List.of("arn:aws:iam::123456789012:root", "arn:aws:sts::123456789012:federated-user/bob",
                "arn:aws:sts::123456789012:user/moto")) {
            assertThatThrownBy(() -> OperatorPrincipal.resolve(caller, name -> "arn:aws:iam::123456789012:role/" + name))
                    .isInstanceOf(UserError.class).hasMessageContaining(caller)
                    .satisfies(e -> assertThat(((UserError) e).reason()).isEqualTo("OperatorPrincipalUnsupported"));
        }
    }
}
