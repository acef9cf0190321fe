package shop;

import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.web.client.RestTemplate;

public class Clients {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public String bare() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://a.example/x")).GET().build(); // expect: SAF-002
        return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    public String bounded() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://a.example/x")).timeout(Duration.ofSeconds(3)).build(); // ok: SAF-002
        return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    public RestTemplate plain() {
        return new RestTemplate(); // expect: SAF-002
    }

    public RestTemplate built(RestTemplateBuilder builder) {
        return builder.setConnectTimeout(Duration.ofSeconds(2)).setReadTimeout(Duration.ofSeconds(5)).build(); // ok: SAF-002
    }

    public OkHttpClient ok() {
        return new OkHttpClient(); // ok: SAF-002
    }

    public int legacy(URL url) throws Exception {
        HttpURLConnection conn = (HttpURLConnection) url.openConnection(); // expect: SAF-002
        return conn.getResponseCode();
    }

    public int legacyConnectOnly(URL url) throws Exception {
        HttpURLConnection conn = (HttpURLConnection) url.openConnection(); // expect: SAF-002
        conn.setConnectTimeout(1000);
        return conn.getResponseCode();
    }

    public int legacyBounded(URL url) throws Exception {
        HttpURLConnection conn = (HttpURLConnection) url.openConnection(); // ok: SAF-002
        conn.setConnectTimeout(1000);
        conn.setReadTimeout(5000);
        return conn.getResponseCode();
    }

    public String resource() throws Exception {
        return getClass().getResource("/x.txt").openConnection().getContentType(); // ok: SAF-002
    }
}
