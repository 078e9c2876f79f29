package io.webplatform.operator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.webplatform.operator.plan.PlanCommand;

/**
 * The operator, or with "plan FILE.yaml" the plan of a manifest: that runs before Quarkus starts,
 * so it connects to neither Kubernetes nor AWS.
 */
@QuarkusMain
public final class Main {
    private Main() {
    }

    public static void main(String... args) {
        if (args.length > 0 && "plan".equals(args[0])) {
            System.exit(PlanCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        Quarkus.run(args);
    }
}
