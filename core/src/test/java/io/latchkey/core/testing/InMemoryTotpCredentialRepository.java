package io.latchkey.core.testing;

import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.totp.TotpCredentialRepository;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TOTP credentials in memory, honouring the contract of {@link TotpCredentialRepository}: {@link
 * #markStepUsedIfNewer} is a compare-and-set under the lock, so of any number of racing calls with
 * the same step exactly one gets true, as with the store's conditional {@code UPDATE}.
 */
public final class InMemoryTotpCredentialRepository implements TotpCredentialRepository {
  private final Map<MethodId, Method> methods = new LinkedHashMap<>();
  private final Map<MethodId, TotpCredential> credentials = new LinkedHashMap<>();

  /** The methods stored, in insertion order, with their last use. */
  public synchronized List<Method> methods() {
    return List.copyOf(methods.values());
  }

  /** The credential of a method as stored now. */
  public synchronized TotpCredential get(MethodId id) {
    TotpCredential credential = credentials.get(id);
    if (credential == null) {
      throw new IllegalStateException("no credential " + id);
    }
    return credential;
  }

  @Override
  public synchronized void insert(Method method, TotpCredential credential) {
    if (!method.id().equals(credential.methodId())
        || !method.userId().equals(credential.userId())) {
      throw new IllegalArgumentException("the credential does not belong to the method");
    }
    if (methods.containsKey(method.id())) {
      throw new IllegalArgumentException("duplicate method id " + method.id());
    }
    methods.put(method.id(), method);
    credentials.put(method.id(), credential);
  }

  @Override
  public synchronized List<TotpCredential> findByUser(UserId userId) {
    return credentials.values().stream().filter(c -> c.userId().equals(userId)).toList();
  }

  @Override
  public synchronized boolean markStepUsedIfNewer(
      MethodId methodId, long step, int drift, Instant at) {
    TotpCredential c = credentials.get(methodId);
    if (c == null || c.lastUsedStep() >= step) {
      return false;
    }
    credentials.put(
        methodId,
        new TotpCredential(c.methodId(), c.userId(), c.secret(), c.parameters(), step, drift));
    Method m = methods.get(methodId);
    methods.put(
        methodId,
        new Method(
            m.id(),
            m.userId(),
            m.kind(),
            m.label(),
            m.createdAt(),
            m.registeredIp(),
            m.registeredUserAgent(),
            at));
    return true;
  }
}
