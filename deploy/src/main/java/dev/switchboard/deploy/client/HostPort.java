package dev.switchboard.deploy.client;

/** {@code host:port}, {@code [v6]:port}, or a host alone when a default port applies. */
record HostPort(String host, int port) {

  static HostPort parse(String text, int defaultPort) throws ClientException {
    String host = text;
    String port = null;
    if (text.startsWith("[")) {
      int end = text.indexOf(']');
      if (end < 0) {
        throw ClientException.usage("bad address " + text);
      }
      host = text.substring(1, end);
      port = text.length() > end + 1 && text.charAt(end + 1) == ':' ? text.substring(end + 2) : null;
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = text.substring(text.indexOf(':') + 1);
    }
    if (port == null) {
      if (defaultPort < 0) {
        throw ClientException.usage("address " + text + " needs a port (HOST:PORT)");
      }
      return new HostPort(host, defaultPort);
    }
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw ClientException.usage("bad port in " + text);
    }
    return new HostPort(host, Integer.parseInt(port));
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
