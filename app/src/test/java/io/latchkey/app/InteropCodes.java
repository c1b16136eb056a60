package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * The accounts and codes that testdata/interop/README.md lists for each fixture (tables A, B, E),
 * as the app names them ("Issuer: account").
 */
final class InteropCodes {
  /** The Unix times every table lists codes for. */
  static final long[] TIMES = {59, 1111111109, 1234567890, 1700000000, 2000000000};

  /**
   * A TOTP account and its codes at {@link #TIMES}.
   *
   * @param oathtool the oathtool options that make the same codes, key Base32 on stdin
   */
  record Totp(String name, String secret, List<String> oathtool, String... codes) {}

  /** A HOTP account, its stored counter and the next three codes. */
  record Hotp(
      String name, String secret, String algorithm, int digits, long counter, String... codes) {}

  /** E1–E6 of aegis-plain.json, aegis-encrypted.json and aegis-encrypted-multislot.json. */
  static final List<Totp> AEGIS_TOTP =
      List.of(
          new Totp(
              "Example: alice@example.com",
              "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
              List.of("--totp=sha1", "-d", "6", "-s", "30s"),
              "287082",
              "081804",
              "005924",
              "921300",
              "279037"),
          new Totp(
              "ACME Co: bob@acme.test",
              "WETZDJRP6SZJQXMPJKOSWTXLW6P6SHO2LNNMWNTR4QYJ32O4KHDA",
              List.of("--totp=sha256", "-d", "7", "-s", "45s"),
              "5950824",
              "9686455",
              "2542222",
              "9731253",
              "8493098"),
          new Totp(
              "Big Corporation: carol",
              "F4BGAVCRO7I2WOHPLG5FMJBCVK4KG2POLV3LRFLY6SVVEITQ4MABBZB36LFEERDHEQDVZGL6CHAHOAKH3GFTJZARUBTQUPMJ5Y3QP2I",
              List.of("--totp=sha512", "-d", "8", "-s", "90s"),
              "83083758",
              "37064262",
              "31570452",
              "24550563",
              "99827772"),
          new Totp(
              "Tiny: dave@tiny.test",
              "Q7YTBH5677XZF3Q2PSM64Z4TLRLVIQYKGE",
              List.of("--totp=sha1", "-d", "8", "-s", "15s"),
              "64730657",
              "95531620",
              "28764026",
              "31180606",
              "64115018"),
          new Totp(
              "Zürich Bank: erin@example.org",
              "MX6MEODPFSLQDV46WBTY4S5Z3FTQGYXFUTK34HSOBQ",
              List.of("--totp=sha256", "-d", "6", "-s", "120s"),
              "707952",
              "209487",
              "756112",
              "261087",
              "111551"),
          new Totp(
              "frank",
              "HQDGMEAUBBKEOSJX4GJZINC4WGWVNH7W3WHBMPH6IMIS5BRNSWKJHZI5Y2O5C3AN",
              List.of("--totp=sha512", "-d", "6", "-s", "60s"),
              "564593",
              "952315",
              "162775",
              "721925",
              "216934"));

  /** E7 and E8. */
  static final List<Hotp> AEGIS_HOTP =
      List.of(
          new Hotp(
              "HOTP Co: grace",
              "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
              "SHA1",
              6,
              0,
              "755224",
              "287082",
              "359152"),
          new Hotp(
              "Token Inc: heidi",
              "SJMHX7UDRCIIL4ZLMQBD7VLELTWR7PXH",
              "SHA256",
              7,
              42,
              "3717276",
              "0837306",
              "2278813"));

  /** M1, M2, M3, M5, M6 of google-migration.txt (all 30 s). */
  static final List<Totp> MIGRATION_TOTP =
      List.of(
          new Totp(
              "Example: alice@example.com",
              "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
              List.of("--totp=sha1", "-d", "6"),
              "287082",
              "081804",
              "005924",
              "921300",
              "279037"),
          new Totp(
              "ACME Co: bob@acme.test",
              "KUBRGYZ2VRTMFOSWAEDOVQKPTJXEY73VC2ET73SWGTKOAPK663YA",
              List.of("--totp=sha1", "-d", "6"),
              "691500",
              "778969",
              "025566",
              "745817",
              "272277"),
          new Totp(
              "Big Corporation: carol@example.net",
              "6URMRQXGQSLKRY6FLHRBWA6B54CPEUB3S65X6VRIP575A3UC65CQ",
              List.of("--totp=sha256", "-d", "8"),
              "09963825",
              "41375493",
              "52979062",
              "75637777",
              "58995634"),
          new Totp(
              "Zürich Bank: erin",
              "BG5JC3AWL7TEMYKJS2VHDPSEOQVRV2IL4KB7TBCFPO6YCPKPYIPIY4Z547TFL3QEHB4EMGOTICG5247MQZ5XZZV5NMRX4TLR45EVZLY",
              List.of("--totp=sha512", "-d", "6"),
              "323189",
              "421005",
              "359557",
              "572488",
              "112633"),
          new Totp(
              "Example: frank@example.com",
              "FOFZI73JMBH2TYKRXGYSMYOLXWYV4CT4",
              List.of("--totp=sha1", "-d", "6"),
              "548424",
              "852818",
              "319292",
              "916399",
              "141700"));

  /** M4. */
  static final Hotp MIGRATION_HOTP =
      new Hotp(
          "HOTP Co: dave",
          "UMWX6F4C4G5776QH3J3RWWVLLIAEDRRF",
          "SHA1",
          6,
          7,
          "435135",
          "561488",
          "142293");

  /** B1–B3 of google-migration-batch.txt; B1 and B2 in part 1, B3 in part 2. */
  static final List<Totp> BATCH =
      List.of(
          new Totp(
              "Batch One: kim@example.com",
              "Z5YMZPIF4US2XPHUHPX4KSXA2GBWLZ46",
              List.of("--totp=sha1"),
              "799087",
              "754016",
              "664706",
              "062564",
              "744310"),
          new Totp(
              "Batch Two: lee@example.com",
              "G2GGNH3CYIGDLNZPWVQEYS4BMUVX6MX4",
              List.of("--totp=sha1"),
              "148641",
              "467076",
              "367443",
              "206168",
              "759393"),
          new Totp(
              "Batch Three: max@example.com",
              "CJRA7N7QM5H6SCX7HUQ76HTB627W55I6",
              List.of("--totp=sha1"),
              "050918",
              "428091",
              "803331",
              "797660",
              "623389"));

  /** U1 of google-migration-unsupported.txt. */
  static final Totp GOOD_ENTRY =
      new Totp(
          "Good Entry: nina@example.com",
          "NMWGM4QXAIXUXVNHWBL3WNI3FDJKRWBU",
          List.of("--totp=sha1"),
          "527778",
          "421806",
          "866838",
          "416931",
          "838663");

  /** O1 of aegis-plain-other-types.json. */
  static final Totp PLAIN_TOTP =
      new Totp(
          "Plain TOTP: ivan@example.com",
          "MJW6IOFA7H6BROBK33VF5JZW5VMXRHHR",
          List.of("--totp=sha1"),
          "048304",
          "305595",
          "225151",
          "442200",
          "097871");

  private InteropCodes() {}

  /** The app shows every listed code of {@code totp} at every listed time. */
  static void assertTotpCodes(AppDriver app, Totp totp) {
    for (int i = 0; i < TIMES.length; i++) {
      assertThat(app.at(TIMES[i]).ok("code", totp.name()))
          .as("%s at t=%d", totp.name(), TIMES[i])
          .isEqualTo(totp.codes()[i] + "\n");
    }
  }

  /** The app's next three codes of {@code hotp} are the listed ones, the counter moving on. */
  static void assertHotpCodes(AppDriver app, Hotp hotp) {
    for (String code : hotp.codes()) {
      assertThat(app.ok("code", hotp.name())).as(hotp.name()).isEqualTo(code + "\n");
    }
  }
}
