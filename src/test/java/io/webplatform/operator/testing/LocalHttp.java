package io.webplatform.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * GETs from the operator's own endpoints (metrics, health) as Prometheus and the kubelet do: over
 * HTTP/1.1. The JDK client otherwise offers an h2c upgrade on every plain-HTTP request, and Vert.x can
 * close the upgraded stream before a large body (the metrics page) is sent, which the client reports
 * as "EOF reached while reading" (eclipse-vertx/vert.x#4652).
 */
public final class LocalHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LocalHttp() {
    }

    public static String get(URI uri) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            // A 404 or 503 page would otherwise read as "no calls".
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
