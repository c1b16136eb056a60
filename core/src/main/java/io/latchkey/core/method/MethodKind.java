package io.latchkey.core.method;

/** The kinds of authenticator. Each kind is one package implementing {@link CodeMethod} or more. */
public enum MethodKind {
  TOTP,
  PUSH
}
