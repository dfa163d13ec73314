package dev.switchboard.wsgi;

/** An application that may stream its response body; see {@link WsgiApplications#serveStreaming}. */
@FunctionalInterface
public interface StreamingApplication {

  void handle(WsgiRequest request, ResponseStarter response);
}
