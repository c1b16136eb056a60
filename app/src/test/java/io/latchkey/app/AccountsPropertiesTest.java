package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/** Name lookup over arbitrary names, not only the ones the examples thought of. */
class AccountsPropertiesTest {

  @Property
  void everyAccountIsFoundByItsOwnWholeName(
      @ForAll @Size(min = 1, max = 8) @UniqueElements List<@NotBlank String> names) {
    Accounts accounts = accountsNamed(names);

    for (int i = 0; i < names.size(); i++) {
      assertThat(accounts.find(names.get(i))).isSameAs(accounts.all().get(i));
      assertThat(accounts.findWhole(names.get(i))).isSameAs(accounts.all().get(i));
    }
  }

  @Property
  void aLookupEitherFindsAnAccountContainingTheQueryOrFailsWithOneSentence(
      @ForAll @Size(min = 1, max = 8) @UniqueElements List<@NotBlank String> names,
      @ForAll @NotBlank String query) {
    Accounts accounts = accountsNamed(names);

    try {
      Account found = accounts.find(query);
      assertThat(found.name().toLowerCase(java.util.Locale.ROOT))
          .contains(query.toLowerCase(java.util.Locale.ROOT));
    } catch (AppException e) {
      assertThat(e.getMessage()).endsWith(".");
    }
  }

  @Property
  void aKeyCannotBeAddedTwiceWhateverItIsCalled(
      @ForAll @NotBlank String first, @ForAll @NotBlank String second) {
    Accounts one = accountsNamed(List.of(first));
    Account twin = new Account(second, "Issuer", "user", key(0), OtpParameters.TOTP_DEFAULT);

    assertThatThrownBy(() -> one.with(twin))
        .isInstanceOf(AppException.class)
        .hasMessageContaining("already in the app");
  }

  private static Accounts accountsNamed(List<String> names) {
    Accounts accounts = Accounts.empty();
    for (int i = 0; i < names.size(); i++) {
      accounts =
          accounts.with(
              new Account(names.get(i), "Issuer", "user", key(i), OtpParameters.TOTP_DEFAULT));
    }
    assertThat(Set.copyOf(accounts.all())).hasSize(names.size());
    return accounts;
  }

  private static Secret key(int index) {
    byte[] bytes = new byte[Secret.ISSUED_BYTES];
    bytes[0] = (byte) index;
    return new Secret(bytes);
  }
}
