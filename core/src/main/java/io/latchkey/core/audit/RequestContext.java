package io.latchkey.core.audit;

/**
 * Who asked, from where, under which correlation ID: passed into every domain operation so that the
 * audit record it writes carries the same evidence the admin will need.
 *
 * @param correlationId this request's ID
 * @param ip the client address as the server sees it
 * @param userAgent the client's User-Agent, possibly empty
 * @param actor who acts: a username, {@code api-key:NAME}, or {@code system}
 */
public record RequestContext(
    CorrelationId correlationId, String ip, String userAgent, String actor) {
  public RequestContext {
    ip = ip == null ? "" : ip;
    userAgent = userAgent == null ? "" : userAgent;
    actor = actor == null ? "" : actor;
  }

  public RequestContext as(String newActor) {
    return new RequestContext(correlationId, ip, userAgent, newActor);
  }
}
