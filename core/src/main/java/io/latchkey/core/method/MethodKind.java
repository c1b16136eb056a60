package io.latchkey.core.method;

/** The kinds of authenticator. Each kind is one package implementing {@link CodeMethod} or more. */
public enum MethodKind {
  TOTP,
  PUSH,
  /** One-time backup codes: a way back in, never a registered authenticator of its own. */
  BACKUP_CODE
}
