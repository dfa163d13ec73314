package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

/**
 * TLS for a listener: PEM files for the certificate chain and its private key (PKCS#8 or PKCS#1).
 *
 * @param certPath {@code tls.certPath}
 * @param keyPath  {@code tls.keyPath}
 */
public record TlsConfig(String certPath, String keyPath) {

  /** Null when neither key is set: TLS is off by default. */
  static TlsConfig read(ConfigNode node) {
    String cert = node.string("certPath", "", doc("PEM certificate chain; with `keyPath` set too, TLS is on"));
    String key = node.string("keyPath", "", doc("PEM private key (PKCS#8 or PKCS#1) of `certPath`"));
    node.finish();
    if (cert.isEmpty() && key.isEmpty()) {
      return null;
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw node.conflict(cert.isEmpty() ? "certPath" : "keyPath", "TLS needs both certPath and keyPath");
    }
    return new TlsConfig(cert, key);
  }
}
