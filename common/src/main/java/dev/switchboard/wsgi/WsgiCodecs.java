package dev.switchboard.wsgi;

import dev.switchboard.bus.JsonViewCodec;
import io.vertx.core.eventbus.EventBus;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The codecs that let a {@link WsgiRequest}, a {@link WsgiResponse} and a {@link StreamChunk} cross the bus as Java
 * objects between a gateway and an application in the same JVM (no JSON, no base64), and as the JSON of
 * {@code docs/wsgi-over-bus.md} between nodes and to bridge clients. Registered by whatever sends or serves them (the gateway, {@link WsgiApplications}, the
 * launcher), once per event bus.
 */
public final class WsgiCodecs {

  public static final String REQUEST = "switchboard.wsgi.request";
  public static final String RESPONSE = "switchboard.wsgi.response";
  public static final String CHUNK = "switchboard.wsgi.chunk";

  private static final Set<EventBus> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private WsgiCodecs() {
  }

  /** Registers the codecs on {@code bus} unless done before. */
  public static void registerOn(EventBus bus) {
    if (REGISTERED.add(bus)) {
      bus.registerDefaultCodec(WsgiRequest.class, new JsonViewCodec<>(REQUEST, WsgiRequest::toJson));
      bus.registerDefaultCodec(WsgiResponse.class, new JsonViewCodec<>(RESPONSE, WsgiResponse::toJson));
      bus.registerDefaultCodec(StreamChunk.class, new JsonViewCodec<>(CHUNK, StreamChunk::toJson));
    }
  }
}
