package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A self-signed certificate for localhost and 127.0.0.1, made at test time with openssl. */
public record TestCertificates(Path cert, Path key) {

  public static TestCertificates selfSigned(Path dir) throws IOException, InterruptedException {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ChildProcess.Finished openssl = ChildProcess.run(Duration.ofSeconds(30), "openssl", "req", "-x509", "-newkey",
        "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString());
    if (openssl.exitValue() != 0) {
      throw new IllegalStateException("openssl failed: " + openssl.output());
    }
    return new TestCertificates(cert, key);
  }
}
