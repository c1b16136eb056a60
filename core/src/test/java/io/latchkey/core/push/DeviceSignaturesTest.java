package io.latchkey.core.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a device signs (docs/PUSH-PROTOCOL.md §2, §3), signed and verified with both key types: a
 * signature holds for exactly the request or answer it was made for, and for nothing else.
 */
class DeviceSignaturesTest {
  private static final UUID CHALLENGE = UUID.fromString("0b6f1c2e-8a4d-4f3b-9c1e-2d7a5b8c9e01");
  private static final UUID USER = UUID.fromString("5e3d2c1b-4a59-4867-9f8e-7d6c5b4a3f21");
  private static final Instant EXPIRES = Instant.parse("2026-11-25T09:01:30Z");
  private static final byte[] BODY = "{\"code\":\"x\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void theRequestTextIsTheProtocolsFiveLines() {
    byte[] payload =
        DeviceSignatures.request("get", "/api/v1/device/stream", 1_764_061_205L, new byte[0]);

    // SHA-256 of zero bytes, standard Base64.
    assertThat(new String(payload, StandardCharsets.UTF_8))
        .isEqualTo(
            "latchkey-device-request-v1\nGET\n/api/v1/device/stream\n1764061205\n"
                + "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assertThat(DeviceSignatures.request("GET", "/api/v1/device/stream", 1_764_061_205L, null))
        .isEqualTo(payload);
  }

  @Test
  void theAnswerTextIsTheProtocolsSixLinesWithTheExpiryInSeconds() {
    byte[] payload =
        DeviceSignatures.answer(CHALLENGE, USER, EXPIRES.plusMillis(750), Decision.APPROVE, "427");

    assertThat(new String(payload, StandardCharsets.UTF_8))
        .isEqualTo(
            "latchkey-push-answer-v1\n"
                + CHALLENGE
                + "\n"
                + USER
                + "\n"
                + EXPIRES.getEpochSecond()
                + "\napprove\n427");
    assertThat(DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.DENY, null))
        .isEqualTo(DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.DENY, ""));
  }

  static Stream<Arguments> requestVariants() {
    return Stream.of(
        Arguments.of(
            "method", DeviceSignatures.request("GET", "/api/v1/device/activate", 100, BODY)),
        Arguments.of("path", DeviceSignatures.request("POST", "/api/v1/device/stream", 100, BODY)),
        Arguments.of(
            "query", DeviceSignatures.request("POST", "/api/v1/device/activate?x=1", 100, BODY)),
        Arguments.of(
            "timestamp", DeviceSignatures.request("POST", "/api/v1/device/activate", 101, BODY)),
        Arguments.of(
            "body",
            DeviceSignatures.request(
                "POST",
                "/api/v1/device/activate",
                100,
                "{\"code\":\"y\"}".getBytes(StandardCharsets.UTF_8))),
        Arguments.of(
            "empty body", DeviceSignatures.request("POST", "/api/v1/device/activate", 100, null)));
  }

  @ParameterizedTest(name = "another {0}")
  @MethodSource("requestVariants")
  void aRequestSignatureDoesNotCoverAnotherRequest(String changed, byte[] other) {
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      KeyPair keys = algorithm.generate();
      byte[] signed = DeviceSignatures.request("POST", "/api/v1/device/activate", 100, BODY);
      byte[] signature = algorithm.sign(keys.getPrivate(), signed);

      assertThat(other).as(changed).isNotEqualTo(signed);
      assertThat(algorithm.verify(keys.getPublic(), signed, signature)).isTrue();
      assertThat(algorithm.verify(keys.getPublic(), other, signature)).as(changed).isFalse();
    }
  }

  static Stream<Arguments> answerVariants() {
    return Stream.of(
        Arguments.of(
            "challenge",
            DeviceSignatures.answer(UUID.randomUUID(), USER, EXPIRES, Decision.APPROVE, "427")),
        Arguments.of(
            "user",
            DeviceSignatures.answer(
                CHALLENGE, UUID.randomUUID(), EXPIRES, Decision.APPROVE, "427")),
        Arguments.of(
            "expiry",
            DeviceSignatures.answer(
                CHALLENGE, USER, EXPIRES.plusSeconds(1), Decision.APPROVE, "427")),
        Arguments.of(
            "decision", DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.DENY, "427")),
        Arguments.of(
            "report", DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.REPORT, "427")),
        Arguments.of(
            "number", DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.APPROVE, "428")),
        Arguments.of(
            "number with a zero",
            DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.APPROVE, "0427")));
  }

  @ParameterizedTest(name = "another {0}")
  @MethodSource("answerVariants")
  void anAnswerSignatureIsBoundToOneChallengeOfOneUser(String changed, byte[] other) {
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      KeyPair keys = algorithm.generate();
      byte[] signed = DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.APPROVE, "427");
      byte[] signature = algorithm.sign(keys.getPrivate(), signed);

      assertThat(algorithm.verify(keys.getPublic(), signed, signature)).isTrue();
      assertThat(algorithm.verify(keys.getPublic(), other, signature)).as(changed).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void keysSurviveTheirWireEncodingAndSignWhatTheOtherSideVerifies(KeyAlgorithm algorithm) {
    KeyPair keys = algorithm.generate();
    byte[] payload = DeviceSignatures.request("GET", "/api/v1/device/challenges", 5, null);

    // The app stores PKCS #8 and sends SPKI; the server decodes the SPKI it received.
    byte[] signature =
        algorithm.sign(algorithm.privateKey(keys.getPrivate().getEncoded()), payload);
    boolean verified =
        algorithm.verify(algorithm.publicKey(keys.getPublic().getEncoded()), payload, signature);

    assertThat(verified).isTrue();
    assertThat(KeyAlgorithm.fromWireName(algorithm.wireName())).contains(algorithm);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void anotherDevicesKeyOrADamagedSignatureDoesNotVerify(KeyAlgorithm algorithm) {
    KeyPair mine = algorithm.generate();
    KeyPair other = algorithm.generate();
    byte[] payload = DeviceSignatures.answer(CHALLENGE, USER, EXPIRES, Decision.APPROVE, "427");
    byte[] signature = algorithm.sign(mine.getPrivate(), payload);
    byte[] flipped = signature.clone();
    flipped[flipped.length / 2] ^= 1;

    assertThat(algorithm.verify(other.getPublic(), payload, signature)).isFalse();
    assertThat(algorithm.verify(mine.getPublic(), payload, flipped)).isFalse();
    assertThat(algorithm.verify(mine.getPublic(), payload, new byte[0])).isFalse();
    assertThat(algorithm.verify(mine.getPublic(), payload, new byte[] {1, 2, 3})).isFalse();
  }

  @Test
  void aKeyOfTheOtherTypeOrAnotherCurveIsNotAcceptedAsADeviceKey() throws Exception {
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    byte[] p384Key = p384.generateKeyPair().getPublic().getEncoded();
    byte[] ed25519Key = KeyAlgorithm.ED25519.generate().getPublic().getEncoded();

    assertThatThrownBy(() -> KeyAlgorithm.EC_P256.publicKey(p384Key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a ec_p256 public key");
    assertThatThrownBy(() -> KeyAlgorithm.EC_P256.publicKey(ed25519Key))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyAlgorithm.ED25519.publicKey(new byte[] {0x30, 0x00}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(KeyAlgorithm.fromWireName("rsa")).isEmpty();
  }
}
