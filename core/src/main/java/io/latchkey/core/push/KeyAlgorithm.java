package io.latchkey.core.push;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;
import java.util.Optional;

/**
 * The device key types Latchkey accepts: Ed25519 (what the app makes) and ECDSA on P-256 (what
 * phones' secure elements make). Keys travel as X.509 SubjectPublicKeyInfo (public) and PKCS #8
 * (private) DER, both from the JDK alone.
 */
public enum KeyAlgorithm {
  ED25519("Ed25519", "Ed25519"),
  EC_P256("EC", "SHA256withECDSA");

  private final String keyFactory;
  private final String signature;

  KeyAlgorithm(String keyFactory, String signature) {
    this.keyFactory = keyFactory;
    this.signature = signature;
  }

  /** The wire name, e.g. {@code ed25519}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<KeyAlgorithm> fromWireName(String name) {
    for (KeyAlgorithm algorithm : values()) {
      if (algorithm.wireName().equals(name)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }

  public KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(keyFactory);
      if (this == EC_P256) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + keyFactory, e);
    }
  }

  /**
   * Decodes a public key of this type.
   *
   * @throws IllegalArgumentException if the bytes are not such a key (P-256 only for EC)
   */
  public PublicKey publicKey(byte[] x509) {
    try {
      PublicKey key =
          KeyFactory.getInstance(keyFactory).generatePublic(new X509EncodedKeySpec(x509));
      if (this == EC_P256
          && !(key instanceof java.security.interfaces.ECPublicKey ec
              && ec.getParams().getCurve().getField().getFieldSize() == 256)) {
        throw new IllegalArgumentException("not a P-256 key");
      }
      return key;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a " + wireName() + " public key", e);
    }
  }

  public PrivateKey privateKey(byte[] pkcs8) {
    try {
      return KeyFactory.getInstance(keyFactory).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a " + wireName() + " private key", e);
    }
  }

  public byte[] sign(PrivateKey key, byte[] payload) {
    try {
      Signature signer = Signature.getInstance(signature);
      signer.initSign(key);
      signer.update(payload);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  /** True only for a valid signature; malformed signatures are simply false. */
  public boolean verify(PublicKey key, byte[] payload, byte[] signatureBytes) {
    try {
      Signature verifier = Signature.getInstance(signature);
      verifier.initVerify(key);
      verifier.update(payload);
      return verifier.verify(signatureBytes);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
