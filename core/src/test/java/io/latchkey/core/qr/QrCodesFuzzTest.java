package io.latchkey.core.qr;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.testing.Fuzz;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Hostile images (issue 13): random bytes, PNG headers over junk and mutated PNGs of real QR codes
 * are decoded or refused with the documented {@link IllegalArgumentException}, within a bound and
 * without filling the heap.
 */
@AddLifecycleHook(Fuzz.Tries.class)
class QrCodesFuzzTest {
  private static final byte[] PNG =
      QrCodes.png("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example", 200);
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @Property(tries = 300)
  void mutatedPngsDecodeOrAreRefused(@ForAll Random random) {
    check(Fuzz.mutate(PNG, random));
  }

  @Property(tries = 300)
  void junkBehindAPngSignatureIsRefused(@ForAll @Size(max = 2048) byte[] junk) {
    byte[] image = new byte[PNG_SIGNATURE.length + junk.length];
    System.arraycopy(PNG_SIGNATURE, 0, image, 0, PNG_SIGNATURE.length);
    System.arraycopy(junk, 0, image, PNG_SIGNATURE.length, junk.length);
    check(image);
  }

  @Property(tries = 300)
  void randomBytesAreRefused(@ForAll byte[] bytes) {
    check(bytes);
  }

  private static void check(byte[] image) {
    Fuzz.within(
        () -> {
          try {
            assertThat(QrCodes.decode(image)).isNotNull();
          } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
          }
        });
  }
}
