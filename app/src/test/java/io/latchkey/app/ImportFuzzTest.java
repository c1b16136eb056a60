package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Hostile import files (issue 13): mutations of every interop fixture (Aegis vaults plain and
 * encrypted, Google Authenticator exports as text and as QR images, otpauth lists) and random bytes
 * are either imported or refused with the app's own {@link AppException} (one sentence naming the
 * file), within a bound. The reader is the one {@code import} uses, from standard input, so the
 * format is told from the bytes as it is for a file.
 */
@AddLifecycleHook(Fuzz.Tries.class)
class ImportFuzzTest {
  private static final List<byte[]> TEXT_SEEDS =
      seeds(
          "aegis-plain.json",
          "aegis-plain-other-types.json",
          "google-migration.txt",
          "google-migration-batch.txt",
          "google-migration-truncated.txt",
          "google-migration-unescaped.txt",
          "google-migration-unsupported.txt");

  /** The accepted URIs of otpauth-uri-cases.tsv, one a line: an otpauth list. */
  private static final byte[] OTPAUTH_LIST = otpauthList();

  /** Encrypted vaults cost one scrypt run (N=2^15) a try when the slot survives the mutation. */
  private static final List<byte[]> ENCRYPTED_SEEDS =
      seeds("aegis-encrypted.json", "aegis-encrypted-multislot.json");

  private static final List<byte[]> IMAGE_SEEDS = seeds("google-migration.png");

  @Property(tries = 1500)
  void mutatedTextFilesImportOrAreRefused(@ForAll("text") byte[] seed, @ForAll Random random) {
    check(Fuzz.mutate(seed, random));
  }

  @Property(tries = 500)
  void mutatedOtpauthListsImportOrAreRefused(@ForAll Random random) {
    check(Fuzz.mutate(OTPAUTH_LIST, random));
  }

  @Property(tries = 60)
  void mutatedEncryptedVaultsImportOrAreRefused(
      @ForAll("encrypted") byte[] seed, @ForAll Random random) {
    check(Fuzz.mutate(seed, random));
  }

  @Property(tries = 150)
  void mutatedQrImagesImportOrAreRefused(@ForAll("images") byte[] seed, @ForAll Random random) {
    check(Fuzz.mutate(seed, random));
  }

  @Property(tries = 500)
  void randomBytesImportOrAreRefused(@ForAll byte[] bytes) {
    check(bytes);
  }

  @Property(tries = 500)
  void randomMigrationDataIsRefusedOrImported(@ForAll byte[] payload) {
    String data = java.util.Base64.getEncoder().encodeToString(payload);
    check(
        ("otpauth-migration://offline?data="
                + java.net.URLEncoder.encode(data, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8));
  }

  private static void check(byte[] file) {
    Fuzz.within(
        () -> {
          ImportReader reader = new ImportReader(source -> "Latchkey interop vault".toCharArray());
          try {
            reader.stdin(new ByteArrayInputStream(file));
            assertThat(reader.finish()).isNotNull();
          } catch (AppException refused) {
            assertThat(refused.getMessage()).startsWith("Could not import").doesNotContain("\n");
          }
        });
  }

  @Provide
  Arbitrary<byte[]> text() {
    return Arbitraries.of(TEXT_SEEDS);
  }

  @Provide
  Arbitrary<byte[]> encrypted() {
    return Arbitraries.of(ENCRYPTED_SEEDS);
  }

  @Provide
  Arbitrary<byte[]> images() {
    return Arbitraries.of(IMAGE_SEEDS);
  }

  private static byte[] otpauthList() {
    try {
      return Files.readAllLines(Fixtures.file("otpauth-uri-cases.tsv")).stream()
          .map(line -> line.split("\t"))
          .filter(columns -> columns.length > 2 && columns[1].equals("accept"))
          .map(columns -> columns[2] + "\n")
          .collect(java.util.stream.Collectors.joining())
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<byte[]> seeds(String... names) {
    return java.util.Arrays.stream(names)
        .map(
            name -> {
              try {
                return Files.readAllBytes(Fixtures.file(name));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }
}
