package io.webplatform.operator.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The app instances' user data: the user's own, or the built-in bootstrap that installs the Flask
 * app (resources app/app.py) and runs it with gunicorn as a systemd service on the app port.
 *
 * <p>The database settings are rendered in (host, port, database, user, region) together with the
 * ARN of the RDS-managed secret; the password is not. The app reads it from Secrets Manager with the
 * instance role, so it never appears in user data, which anyone with ec2:DescribeInstanceAttribute
 * can read. A new endpoint (a restored database) changes the user data, which rolls the instances.
 */
public final class AppUserData {
    /** Pinned so every instance runs the same code; all have wheels for Amazon Linux 2023's Python 3.9. */
    static final String PIP_PACKAGES = "flask==3.0.3 gunicorn==23.0.0 psycopg2-binary==2.9.10 boto3==1.35.99";
    private static final ObjectMapper JSON = new ObjectMapper();
    // Read once: every pass renders the user data to compare its hash.
    private static final String SCRIPT = resource("app/user-data.sh");
    private static final String APP = resource("app/app.py").stripTrailing();

    private AppUserData() {
    }

    /** The database settings the app needs, none of them secret. */
    public record DbSettings(String host, int port, String database, String user, String passwordSecretArn, String region) {
    }

    public static String render(String userOwn, int appPort, DbSettings db) {
        if (userOwn != null && !userOwn.isBlank()) {
            return userOwn;
        }
        return SCRIPT
                .replace("__PIP_PACKAGES__", PIP_PACKAGES)
                .replace("__APP_PY__", APP)
                .replace("__DB_JSON__", dbJson(db))
                .replace("__PORT__", String.valueOf(appPort));
    }

    static String dbJson(DbSettings db) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("host", db.host());
        cfg.put("port", db.port());
        cfg.put("database", db.database());
        cfg.put("user", db.user());
        cfg.put("sslmode", "require");
        cfg.put("region", db.region());
        cfg.put("passwordSecretArn", db.passwordSecretArn());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String path) {
        try (InputStream in = AppUserData.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the operator's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
