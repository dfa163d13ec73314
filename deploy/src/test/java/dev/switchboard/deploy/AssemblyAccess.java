package dev.switchboard.deploy;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.listen.BoundListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts an assembly for tests in other packages (the assembly itself is package-private, as the launcher's). */
public final class AssemblyAccess {

  private final Assembly assembly;

  public AssemblyAccess(Vertx vertx, SwitchboardConfig config, MeterRegistry registry) {
    this.assembly = new Assembly(vertx, config, registry);
  }

  public List<BoundListener> start() throws Exception {
    return assembly.start().await(20, TimeUnit.SECONDS);
  }
}
