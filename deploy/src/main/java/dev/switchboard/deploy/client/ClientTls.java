package dev.switchboard.deploy.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How a client command speaks TLS ({@code --tls}): the server's certificate is checked against the JDK's trusted
 * authorities, or against the PEM certificates of {@code --cafile FILE}, and must name the host connected to; or,
 * with {@code --insecure}, it is not checked at all (for a self-signed test server).
 */
record ClientTls(Path caFile, boolean insecure) {

  /** Puts TLS over a connected socket and completes the handshake. */
  SSLSocket wrap(Socket socket, HostPort target) throws IOException {
    SSLSocket secure = (SSLSocket) context().getSocketFactory().createSocket(socket, target.host(), target.port(), true);
    if (!insecure) {
      SSLParameters parameters = secure.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secure.setSSLParameters(parameters);
    }
    secure.startHandshake();
    return secure;
  }

  private SSLContext context() throws IOException {
    try {
      if (caFile == null && !insecure) {
        return SSLContext.getDefault();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, insecure ? new TrustManager[] {new TrustingEveryone()} : trustManagers(caFile), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
  }

  /** Checks the arguments before anything connects: the CA file must hold at least one certificate. */
  void check() throws ClientException {
    if (caFile != null) {
      try {
        trustManagers(caFile);
      } catch (IOException | GeneralSecurityException e) {
        throw ClientException.usage("--cafile " + caFile + ": " + e.getMessage());
      }
    }
  }

  private static TrustManager[] trustManagers(Path caFile) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(caFile)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new IOException("no such file");
    }
    if (certificates.isEmpty()) {
      throw new IOException("no PEM certificate in it");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (Certificate certificate : certificates) {
      store.setCertificateEntry("ca-" + i++, certificate);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  /** {@code --insecure}: any certificate, as {@code curl -k} does. */
  private static final class TrustingEveryone implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // not a server
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // --insecure: accepted unchecked, by request
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
