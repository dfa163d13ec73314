package dev.switchboard.config;

/**
 * What the configuration reference says about a key, written where the key is read so that name, default, range and
 * meaning are stated once ({@link ConfigReference} makes README's table and the example file from them).
 *
 * @param meaning      one sentence; Markdown code spans are allowed
 * @param shownDefault the default in words, for a default that is computed at start-up ({@code heap / 8}) or taken
 *                     from another key; null when the default value says it. A key with such a default is written
 *                     commented out in the example file, since no one value is right there
 */
public record KeyDoc(String meaning, String shownDefault) {

  public static KeyDoc doc(String meaning) {
    return new KeyDoc(meaning, null);
  }

  public KeyDoc defaultShownAs(String words) {
    return new KeyDoc(meaning, words);
  }
}
