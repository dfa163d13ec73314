package dev.switchboard.wsgi;

import io.vertx.core.json.JsonArray;

/** One response header; a response's headers are an ordered list of these, and names may repeat ({@code Set-Cookie}). */
public record Header(String name, String value) {

  public JsonArray toJson() {
    return new JsonArray().add(name).add(value);
  }
}
