package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.push.KeyAlgorithm;
import java.net.URI;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Picking devices for {@code --device}: by ID, a unique start of it, or the name. */
class DevicesTest {
  private static final KeyPair KEYS = KeyAlgorithm.ED25519.generate();

  private static Device device(String id, String name) {
    return new Device(
        id,
        URI.create("https://mfa.example.com"),
        "u-1",
        "alice",
        "",
        name,
        KeyAlgorithm.ED25519,
        KEYS.getPrivate(),
        KEYS.getPublic(),
        Instant.EPOCH);
  }

  private final Devices devices =
      Devices.empty()
          .with(device("3f2a1b2c-0000-4000-8000-000000000001", "laptop"))
          .with(device("3f2a9999-0000-4000-8000-000000000002", "desktop"));

  @Test
  void withoutAQueryEveryDeviceIsSelected() {
    assertThat(devices.select(null)).hasSize(2);
  }

  @Test
  void aDeviceIsFoundByItsIdAUniqueStartOfItOrItsName() {
    assertThat(devices.select("3F2A1B2C-0000-4000-8000-000000000001"))
        .extracting(Device::name)
        .containsExactly("laptop");
    assertThat(devices.select("3f2a99")).extracting(Device::name).containsExactly("desktop");
    assertThat(devices.select("Laptop")).extracting(Device::name).containsExactly("laptop");
  }

  @Test
  void anAmbiguousOrUnknownQueryIsOneSentence() {
    assertThatThrownBy(() -> devices.select("3f2a"))
        .hasMessage(
            "\"3f2a\" matches 2 devices; give more of the device ID (the devices command"
                + " lists them).");
    assertThatThrownBy(() -> devices.select("phone"))
        .hasMessage("No push device matches \"phone\"; the devices command lists them.");
    assertThatThrownBy(() -> Devices.empty().select(null))
        .hasMessage("This app has no push device yet; activate one with the activate command.");
  }

  @Test
  void theSameDeviceOfTheSameServerIsNotAddedTwice() {
    Device again = device("3f2a1b2c-0000-4000-8000-000000000001", "again");

    assertThatThrownBy(() -> devices.with(again)).isInstanceOf(AppException.class);
    assertThat(new Devices(List.of()).isEmpty()).isTrue();
  }
}
