/**
 * Every place where Switchboard reaches past Vert.x's public API: the Netty channel under a socket or connection,
 * Netty user events, Vert.x's HTTP/1.x decoder, the TCP bridge's protocol handler, the clustered event bus's node
 * choice, a context on an event loop of its own, and names Vert.x reserves ({@code __vertx.*}). Vert.x 5.0 offers no
 * public way to do any of these; each class says what it needs and why.
 *
 * <p>A Vert.x upgrade can break any of them without a compile error. {@code VertxAccessCompatibilityTest} exercises
 * each one, so that it fails by name; at run time, an access that finds a Vert.x object of another class than it
 * expects, or a reflected member missing, fails with an {@link java.lang.IllegalStateException} naming itself.
 * docs/vertx-access.md says what to do then.
 */
package dev.switchboard.access;
