package io.latchkey.app;

import io.latchkey.core.push.KeyAlgorithm;
import java.net.URI;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * This app activated as a push device of one user on one server (docs/PUSH-PROTOCOL.md §3). The
 * private key never leaves the vault; the server holds only the public key. {@link #toString()}
 * leaves the keys out.
 *
 * @param id the device ID the server gave at activation ({@code Latchkey-Device-Id})
 * @param server the base URL the app reached the server at (from the activation QR code)
 * @param userId the user's ID on that server
 * @param username the user's name on that server
 * @param issuer the server's name for itself; may be empty
 * @param name what this device is called there (e.g. "alice@laptop")
 * @param algorithm the device key's type
 * @param privateKey the device key
 * @param publicKey its public half, as sent at activation
 * @param activatedAt when the server accepted the activation, by this app's clock
 */
record Device(
    String id,
    URI server,
    String userId,
    String username,
    String issuer,
    String name,
    KeyAlgorithm algorithm,
    PrivateKey privateKey,
    PublicKey publicKey,
    Instant activatedAt) {

  Device {
    Objects.requireNonNull(id);
    Objects.requireNonNull(server);
    Objects.requireNonNull(userId);
    Objects.requireNonNull(username);
    Objects.requireNonNull(issuer);
    Objects.requireNonNull(name);
    Objects.requireNonNull(algorithm);
    Objects.requireNonNull(privateKey);
    Objects.requireNonNull(publicKey);
    Objects.requireNonNull(activatedAt);
  }

  /** The signature of {@code payload} with the device key. */
  byte[] sign(byte[] payload) {
    return algorithm.sign(privateKey, payload);
  }

  /** Standard Base64 of the public key's SubjectPublicKeyInfo, as the protocol sends it. */
  String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  /** "alice@laptop (alice at https://mfa.example.com)", for messages. */
  String describe() {
    return "\"" + name + "\" (" + username + " at " + server + ")";
  }

  @Override
  public String toString() {
    return "Device[id=" + id + ", server=" + server + ", user=" + username + ", name=" + name + "]";
  }
}
