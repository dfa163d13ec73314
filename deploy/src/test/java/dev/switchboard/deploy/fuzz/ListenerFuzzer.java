package dev.switchboard.deploy.fuzz;

import java.io.IOException;
import java.util.Random;

/** A generator of inputs for one listener, the way to play them, and a well-formed request to probe it with. */
interface ListenerFuzzer {

  /** The listener's name in the tables: http1, h2c, bridge, echo-line, udp, ... */
  String name();

  /** An input made from this random sequence alone (see {@link FuzzCampaign#inputRandom}): the same sequence, the same input. */
  FuzzInput generate(Random random);

  /** Plays the input against the running target and classifies what happened. */
  Outcome play(FuzzInput input) throws IOException;

  /** A well-formed request, answered correctly within the time limit: null, else what went wrong. */
  String probe(long timeoutMs) throws IOException;
}
