package io.webplatform.operator.aws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The AWS account behind the credentials, asked once per region and remembered: it never changes. */
public class AccountIds {
    private final AwsClients clients;
    private final Map<String, String> byRegion = new ConcurrentHashMap<>();

    public AccountIds(AwsClients clients) {
        this.clients = clients;
    }

    public String of(String region) {
        return byRegion.computeIfAbsent(region, r -> clients.sts(r).getCallerIdentity().account());
    }
}
