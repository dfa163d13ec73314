package dev.switchboard.bus;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The map under a {@link JsonView}: made when first read or written, then every call goes to it, so the view behaves
 * exactly as the JsonObject it stands for, mutations included.
 */
final class LazyJsonMap extends AbstractMap<String, Object> {

  private final Supplier<Map<String, Object>> make;
  private Map<String, Object> made;

  LazyJsonMap(Supplier<Map<String, Object>> make) {
    this.make = make;
  }

  private Map<String, Object> made() {
    if (made == null) {
      made = make.get();
    }
    return made;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return made().entrySet();
  }

  @Override
  public Object get(Object key) {
    return made().get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return made().containsKey(key);
  }

  @Override
  public Object put(String key, Object value) {
    return made().put(key, value);
  }

  @Override
  public Object remove(Object key) {
    return made().remove(key);
  }

  @Override
  public int size() {
    return made().size();
  }

  @Override
  public void clear() {
    made().clear();
  }
}
