package dev.switchboard.net;

import java.util.List;
import java.util.regex.Pattern;

/** Event-bus addresses matched against patterns where {@code *} stands for any run of characters: {@code wsgi.*}. */
public final class AddressPatterns {

  private final List<String> patterns;
  private final List<Pattern> compiled;

  public AddressPatterns(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    this.compiled = patterns.stream().map(AddressPatterns::compile).toList();
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }

  public boolean matches(String address) {
    return address != null && compiled.stream().anyMatch(p -> p.matcher(address).matches());
  }

  /** The patterns as regular expressions, for APIs that take those. */
  public List<String> regexes() {
    return compiled.stream().map(Pattern::pattern).toList();
  }

  public List<String> patterns() {
    return patterns;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AddressPatterns p && p.patterns.equals(patterns);
  }

  @Override
  public int hashCode() {
    return patterns.hashCode();
  }

  @Override
  public String toString() {
    return patterns.toString();
  }
}
