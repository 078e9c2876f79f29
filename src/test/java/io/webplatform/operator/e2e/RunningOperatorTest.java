package io.webplatform.operator.e2e;

import io.quarkus.test.common.http.TestHTTPResource;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.testing.EndToEndSuite;
import io.webplatform.operator.testing.Emulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

/**
 * What the end-to-end classes share: SDK clients to check AWS (the emulator) as a user would, the
 * operator's metrics endpoint, and, after each test, a record of the AWS calls the operator made, for
 * AwsPermissionsIT.
 */
@ExtendWith(EndToEndSuite.class)
abstract class RunningOperatorTest {
    protected static AwsClients aws;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @BeforeAll
    static void openClients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void closeClients() {
        aws.close();
    }

    @AfterEach
    void recordAwsCalls() {
        EndToEndSuite.recordCalls(getClass(), metrics);
    }
}
