package dev.switchboard.wsgi;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A request's environ, read-only, over a map nobody else holds: {@link WsgiRequest} copies any other map it is given,
 * and takes this one as it is, so the gateway's freshly built environ is not copied once more for every request.
 */
final class Environ extends AbstractMap<String, String> {

  private final Map<String, String> values;

  /** @param owned a map the caller gives up: nothing else may change it afterwards */
  Environ(LinkedHashMap<String, String> owned) {
    this.values = Collections.unmodifiableMap(owned);
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return values.entrySet();
  }

  @Override
  public String get(Object key) {
    return values.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return values.containsKey(key);
  }

  @Override
  public int size() {
    return values.size();
  }
}
