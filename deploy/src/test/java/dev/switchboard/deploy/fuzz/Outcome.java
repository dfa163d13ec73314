package dev.switchboard.deploy.fuzz;

/**
 * What one input led to: a class for the tables (answered 2xx, error frame, closed by server, ...) and, when the
 * server did something a correct server must not, the violation.
 */
record Outcome(String outcomeClass, String violation) {

  static Outcome of(String outcomeClass) {
    return new Outcome(outcomeClass, null);
  }

  static Outcome violation(String outcomeClass, String violation) {
    return new Outcome(outcomeClass, violation);
  }
}
