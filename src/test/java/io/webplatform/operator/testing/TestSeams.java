package io.webplatform.operator.testing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * SDK seams for the in-process operator of the end-to-end tests: the operator's client producer
 * adds every ExecutionInterceptor bean. Idle unless a test turns one on.
 */
public class TestSeams {

    @Produces
    @Singleton
    SlowNatGateways slowNatGateways() {
        return new SlowNatGateways();
    }

    @Produces
    @Singleton
    SlowDatabases slowDatabases() {
        return new SlowDatabases();
    }

    @Produces
    @Singleton
    EngineVersions engineVersions() {
        return new EngineVersions();
    }

    /** Always on: AWS's behaviour, which the emulator lacks. */
    @Produces
    @Singleton
    RestoresWithoutManagedPassword restoresWithoutManagedPassword() {
        return new RestoresWithoutManagedPassword();
    }

    /** Always on: AWS's way with security-group rule descriptions, which the emulator lacks. */
    @Produces
    @Singleton
    SecurityGroupRulesAsAws securityGroupRulesAsAws() {
        return new SecurityGroupRulesAsAws();
    }

    /** Always on: CloudWatch Logs judging a log group's KMS key, and AssociateKmsKey, which the emulator lacks. */
    @Produces
    @Singleton
    LogGroupKeysAsAws logGroupKeysAsAws() {
        return new LogGroupKeysAsAws();
    }

    @Produces
    @Singleton
    MutationsByNamespace mutationsByNamespace() {
        return new MutationsByNamespace();
    }

    /**
     * AWS's errors and refusals the emulator never gives (a bucket of another account answers 403 to
     * anyone else, a permission missing, a throttled call): idle until a test arms one.
     */
    @Produces
    @Singleton
    FailCalls failCalls() {
        return new FailCalls();
    }

    @Produces
    @Singleton
    InitialTargets initialTargets() {
        return new InitialTargets();
    }
}
