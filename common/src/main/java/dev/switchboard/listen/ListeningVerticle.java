package dev.switchboard.listen;

import java.util.List;

/** A service verticle that opens listeners; once it has started, it tells where they really are. */
public interface ListeningVerticle {

  List<BoundListener> boundListeners();
}
