package dev.switchboard.config;

import static dev.switchboard.config.KeyDoc.doc;

import dev.switchboard.net.SourceRateLimiter;

/**
 * A token bucket per source address ({@code rateLimit.*} of the UDP service and of the gateway).
 *
 * @param perSecond  tokens a second; 0 turns the limit off ({@code perSecond})
 * @param burst      bucket size; defaults to {@code perSecond} ({@code burst})
 * @param maxSources buckets kept at most, the least recently used forgotten first
 */
public record RateLimitConfig(int perSecond, int burst, int maxSources) {

  public static final int DEFAULT_MAX_SOURCES = 10_000;

  public static RateLimitConfig off() {
    return new RateLimitConfig(0, 0, DEFAULT_MAX_SOURCES);
  }

  /** The limiter, or null when the limit is off. */
  public SourceRateLimiter newLimiter() {
    return perSecond > 0 ? new SourceRateLimiter(perSecond, burst, maxSources) : null;
  }

  /**
   * @param maxSourcesKey what the bound on tracked sources is called here ({@code maxSources}, {@code maxClients})
   * @param what          what is limited, as the reference says it ({@code datagrams}, {@code requests})
   */
  static RateLimitConfig read(ConfigNode node, String maxSourcesKey, String what) {
    int perSecond = node.integer("perSecond", 0, 0, 10_000_000,
        doc(what + " per second per source address; `0` = no limit"));
    int burst = node.integer("burst", perSecond, 0, 10_000_000,
        doc("how many above the rate may come at once: the bucket's size; at least 1 when `perSecond` is set")
            .defaultShownAs("= `perSecond`"));
    int maxSources = node.integer(maxSourcesKey, DEFAULT_MAX_SOURCES, 1, 10_000_000,
        doc("sources tracked; the least recent is forgotten first"));
    node.finish();
    if (perSecond > 0 && burst < 1) {
      throw node.conflict("burst", "must be at least 1 when perSecond is set");
    }
    return new RateLimitConfig(perSecond, burst, maxSources);
  }
}
