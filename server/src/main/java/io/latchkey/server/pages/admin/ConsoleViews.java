package io.latchkey.server.pages.admin;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.method.Method;
import io.latchkey.core.user.User;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What the console's templates show, as plain values: times in UTC to the second, enumerations as
 * their wire names. User-supplied text stays as it was; the templates escape it and isolate its
 * direction.
 */
final class ConsoleViews {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private ConsoleViews() {}

  static String at(Instant instant) {
    return instant == null ? null : SECONDS.format(instant);
  }

  record UserRow(
      String username,
      String displayName,
      String status,
      boolean admin,
      int methods,
      String created) {
    static UserRow of(User user, int methods) {
      return new UserRow(
          user.username().value(),
          user.displayName(),
          user.status().wireName(),
          user.admin(),
          methods,
          at(user.createdAt()));
    }
  }

  record MethodRow(
      String kind, String label, String registered, String ip, String userAgent, String lastUsed) {
    static MethodRow of(Method method) {
      return new MethodRow(
          method.kind().name(),
          method.label(),
          at(method.createdAt()),
          method.registeredIp(),
          method.registeredUserAgent(),
          at(method.lastUsedAt()));
    }
  }

  record EventRow(
      String at,
      String type,
      boolean success,
      String correlationId,
      String flowId,
      String username,
      String actor,
      String ip,
      String userAgent,
      String reason,
      String detail) {
    static EventRow of(AuditEvent event) {
      return new EventRow(
          ConsoleViews.at(event.at()),
          event.type().wireName(),
          event.success(),
          event.correlationId() == null ? null : event.correlationId().value(),
          event.flowId() == null ? null : event.flowId().toString(),
          event.username(),
          event.actor(),
          event.ip(),
          event.userAgent(),
          event.reason(),
          event.detail());
    }
  }

  record AlertRow(
      String id, String raised, String kind, String username, String detail, String cause) {
    static AlertRow of(Alert alert) {
      return new AlertRow(
          alert.id().toString(),
          at(alert.raisedAt()),
          alert.kind().toLowerCase(Locale.ROOT),
          alert.username(),
          alert.detail(),
          alert.cause() == null ? null : alert.cause().value());
    }
  }
}
