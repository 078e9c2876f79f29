package io.webplatform.operator.plan;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code plan [--region R] [--installation NAME] FILE.yaml|-}: prints the plan of every WebPlatform and SecureBucket in the file, YAML documents separated by ---. */
public final class PlanCommand {
    static final String USAGE = "usage: plan [--region REGION] [--installation NAME] FILE.yaml|-   (the region of objects that name none;"
            + " the operator's installationName, which names derive from; - reads stdin)";

    private PlanCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String region = System.getenv("AWS_REGION");
        String installation = System.getenv().getOrDefault("WEBPLATFORM_INSTALLATION", Plan.DEFAULT_INSTALLATION);
        String file = null;
        for (int i = 0; i < args.length; i++) {
            if ("--region".equals(args[i]) && i + 1 < args.length) {
                region = args[++i];
            } else if ("--installation".equals(args[i]) && i + 1 < args.length) {
                installation = args[++i];
            } else if (file == null && !args[i].startsWith("--")) {
                file = args[i];
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        if (file == null) {
            err.println(USAGE);
            return 2;
        }
        try {
            String manifests = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(file));
            List<String> templates = Plan.of(manifests, region, installation);
            if (templates.isEmpty()) {
                err.println(file + " holds no WebPlatform or SecureBucket");
                return 1;
            }
            out.print(String.join("---\n", templates));
            return 0;
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
