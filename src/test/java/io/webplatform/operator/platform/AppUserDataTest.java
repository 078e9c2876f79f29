package io.webplatform.operator.platform;

import io.webplatform.operator.testing.Emulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in user data: what it renders, and the app in it really serving "/" and "/data" against PostgreSQL. */
class AppUserDataTest {
    private static final AppUserData.DbSettings DB = new AppUserData.DbSettings("wp-demo-shop-abc123.cluster.eu-west-3.rds.amazonaws.com",
            5432, "app", "app", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:rds!db-1234-AbCdEf", "eu-west-3");

    @Test
    void rendersTheSettingsButNeverAPassword() {
        String script = AppUserData.render(null, 8080, DB);
        assertThat(script).startsWith("#!/bin/bash\n").contains("set -euo pipefail")
                .contains("\"host\" : \"wp-demo-shop-abc123.cluster.eu-west-3.rds.amazonaws.com\"", "\"port\" : 5432",
                        "\"passwordSecretArn\" : \"arn:aws:secretsmanager:eu-west-3:123456789012:secret:rds!db-1234-AbCdEf\"",
                        "\"sslmode\" : \"require\"", "--bind 0.0.0.0:8080", AppUserData.PIP_PACKAGES, "@app.route(\"/data\")",
                        "systemctl enable --now webapp.service", "User=webapp")
                .doesNotContainPattern("__[A-Z_]+__").doesNotContain("\"password\" :");
    }

    @Test
    void theUsersOwnUserDataIsUsedAsGiven() {
        assertThat(AppUserData.render("#cloud-config\npackages: [nginx]\n", 80, DB)).isEqualTo("#cloud-config\npackages: [nginx]\n");
        assertThat(AppUserData.render("  ", 80, DB)).startsWith("#!/bin/bash");
    }

    @Test
    void theAppInTheScriptServesBothPathsAgainstARealPostgres(@TempDir Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("user-data.sh");
        Files.writeString(script, AppUserData.render(null, 80, DB));
        Emulator.endpoint(); // the smoke script reads the password from the emulator's Secrets Manager
        Process p = new ProcessBuilder("hack/app-smoke.sh", script.toString()).redirectErrorStream(true).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("user data is valid bash")
                .containsPattern("GET / -> \\{\"instance\":\"[^\"]+\",\"status\":\"running\"\\}")
                .containsPattern("GET /data -> \\{\"now\":\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+\\+00:00\"\\}")
                .contains("GET /data with the database stopped -> 503", "database unavailable");
        System.out.println(out.lines().filter(l -> l.contains("GET")).map(l -> "[measure] app smoke " + l).reduce("", (a, b) -> a + b + "\n"));
    }
}
