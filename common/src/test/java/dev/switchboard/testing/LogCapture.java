package dev.switchboard.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines a logger (and the loggers below it) writes while a test runs. Shared by every module's tests. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts capturing what {@code loggerName} logs. */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** Starts capturing every line of the process. */
  public static LogCapture all() {
    return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** A copy of the lines so far, in order. */
  public List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return new ArrayList<>(appender.list);
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
