package dev.switchboard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A heavy test: a cluster of Hazelcast members, a browser, a Python process or a JVM launched, or a payload of a
 * hundred megabytes. Surefire leaves these out, so that {@code mvn test} is the quick unit pass; failsafe runs them
 * in {@code mvn verify} (README, "Tests"). The tag is the whole mechanism: a class or method carrying it moves.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
public @interface IntegrationTest {
}
