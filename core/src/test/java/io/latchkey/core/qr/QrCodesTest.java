package io.latchkey.core.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.testing.InteropFixtures;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** QR codes written as PNG and SVG read back to the same text; bad images refused cleanly. */
class QrCodesTest {

  /** The longest URI Latchkey is likely to show: SHA-512, a 64-byte key, long names. */
  private static final String LONG_URI =
      "otpauth://totp/Big%20Corporation%20International%20Holdings:"
          + "carol.with.a.rather.long.address%40subsidiary.example.com?secret="
          + "F4BGAVCRO7I2WOHPLG5FMJBCVK4KG2POLV3LRFLY6SVVEITQ4MABBZB36LFEERDHEQDVZGL6CHAHOAKH3"
          + "GFTJZARUBTQUPMJ5Y3QP2I"
          + "&issuer=Big%20Corporation%20International%20Holdings"
          + "&algorithm=SHA512&digits=8&period=90";

  private static final String NON_ASCII = "Zürich Bank: erin ✓ 東京 🔐";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        LONG_URI,
        NON_ASCII,
        "x"
      })
  void pngDecodesBackToTheSameText(String text) {
    assertThat(QrCodes.decode(QrCodes.png(text, 300))).isEqualTo(text);
  }

  @Test
  void pngIsAPngOfTheRequestedSize() throws IOException {
    byte[] png = QrCodes.png(LONG_URI, 400);

    assertThat(Arrays.copyOf(png, 8))
        .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(400);
    assertThat(image.getHeight()).isEqualTo(400);
  }

  @Test
  void pngKeepsTheQuietZoneLight() throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(QrCodes.png("quiet zone", 29)));

    // "quiet zone" fits version 1 (21 modules); 29 px leaves one pixel per module, so the first
    // and last four rows and columns are the quiet zone.
    assertThat(image.getWidth()).isEqualTo(21 + 2 * QrCodes.QUIET_ZONE);
    for (int i = 0; i < image.getWidth(); i++) {
      for (int edge = 0; edge < QrCodes.QUIET_ZONE; edge++) {
        assertThat(image.getRGB(i, edge) & 0xffffff).isEqualTo(0xffffff);
        assertThat(image.getRGB(edge, i) & 0xffffff).isEqualTo(0xffffff);
        assertThat(image.getRGB(i, image.getHeight() - 1 - edge) & 0xffffff).isEqualTo(0xffffff);
        assertThat(image.getRGB(image.getWidth() - 1 - edge, i) & 0xffffff).isEqualTo(0xffffff);
      }
    }
  }

  @Test
  void pngGrowsToTheCodeWhenTheRequestedSizeIsTooSmall() throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(QrCodes.png(LONG_URI, 1)));

    // One pixel per module: the code's own width, quiet zone included.
    assertThat(image.getWidth())
        .isEqualTo(image.getHeight())
        .isGreaterThan(2 * QrCodes.QUIET_ZONE + 21);
  }

  @Test
  void svgIsAWellFormedStandaloneDocumentWithOnePath() throws Exception {
    String svg = QrCodes.svg(LONG_URI);

    Element root = parseXml(svg).getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getAttribute("shape-rendering")).isEqualTo("crispEdges");
    assertThat(root.getElementsByTagNameNS("*", "path").getLength()).isEqualTo(1);
    assertThat(root.getAttribute("viewBox")).matches("0 0 (\\d+) \\1");
    int side = Integer.parseInt(root.getAttribute("viewBox").split(" ")[2]);
    // Versions 1 to 40 have 21 + 4 (v - 1) modules; the quiet zone adds 4 on each side.
    assertThat((side - 2 * QrCodes.QUIET_ZONE - 21) % 4).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {LONG_URI, NON_ASCII, "<&\"'>]]>"})
  void svgDrawsACodeThatDecodesToTheSameText(String text) throws Exception {
    String svg = QrCodes.svg(text);

    assertThat(QrCodes.decode(rasterize(svg, 6))).isEqualTo(text);
  }

  @Test
  void decodeReadsAQrencodeImageFromTheInteropFixtures() throws IOException {
    byte[] png = Files.readAllBytes(InteropFixtures.file("google-migration.png"));
    String text =
        Files.readString(InteropFixtures.file("google-migration.txt"), StandardCharsets.UTF_8);

    assertThat(QrCodes.decode(png)).isEqualTo(text.strip());
  }

  @Test
  void decodeRefusesBytesThatAreNotAnImage() {
    byte[] text = "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> QrCodes.decode(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an image");
    assertThatThrownBy(() -> QrCodes.decode(new byte[0]))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodeRefusesATruncatedPng() {
    byte[] png = QrCodes.png("truncated", 200);

    assertThatThrownBy(() -> QrCodes.decode(Arrays.copyOf(png, png.length / 2)))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodeRefusesAnImageWithoutACode() throws IOException {
    BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = blank.createGraphics();
    graphics.setColor(Color.WHITE);
    graphics.fillRect(0, 0, 200, 200);
    graphics.dispose();

    assertThatThrownBy(() -> QrCodes.decode(png(blank)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no QR code");
  }

  @Test
  void decodeRefusesAPngThatDeclaresAHugeSizeBeforeDecodingIt() throws IOException {
    byte[] png = png(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_BINARY));
    // IHDR is the first chunk: 8-byte signature, 4-byte length, "IHDR", width, height, ..., CRC.
    ByteBuffer buffer = ByteBuffer.wrap(png);
    buffer.putInt(16, 100_000).putInt(20, 100_000);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    buffer.putInt(29, (int) crc.getValue());

    assertThatThrownBy(() -> QrCodes.decode(png))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pixels");
  }

  /**
   * Every code the server draws for a page reads back, whatever random bytes it carries: ZXing's
   * detector alone misread about 1 in 750 of these activation links (a checksum or format error),
   * which a phone then reported as "no readable QR code".
   */
  @Property(tries = 2000)
  void everyActivationLinkThePageDrawsReadsBack(
      @ForAll @net.jqwik.api.constraints.Size(32) byte[] code,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1024, max = 65535) int port) {
    String uri =
        "latchkey://activate?server=http%3A%2F%2F127.0.0.1%3A"
            + port
            + "&code="
            + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(code)
            + "&expires=2026-11-25T09%3A05%3A05Z";

    assertThat(QrCodes.decode(QrCodes.png(uri, 280))).isEqualTo(uri);
  }

  @Property(tries = 300)
  void decodingArbitraryBytesThrowsNothingButIllegalArgumentException(@ForAll byte[] bytes) {
    byte[] withPngSignature = Arrays.copyOf(QrCodes.png("x", 30), 33 + bytes.length);
    System.arraycopy(bytes, 0, withPngSignature, 33, bytes.length);

    for (byte[] input : new byte[][] {bytes, withPngSignature}) {
      try {
        QrCodes.decode(input);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void refusesEmptyAndOverlongText() {
    assertThatThrownBy(() -> QrCodes.png("", 100))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QrCodes.svg("")).isExactlyInstanceOf(IllegalArgumentException.class);
    // Version 40-M holds 2,331 bytes.
    String tooLong = "x".repeat(3000);
    assertThatThrownBy(() -> QrCodes.png(tooLong, 100))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> QrCodes.svg(tooLong))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QrCodes.png("x", 0))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers ----

  private static Document parseXml(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  /**
   * Draws the SVG's path at {@code scale} pixels per module. Only the commands QrCodes writes are
   * understood ({@code Mx yhNv1h-Nz}), which is enough to check that the path is the code.
   */
  private static byte[] rasterize(String svg, int scale) throws Exception {
    Element root = parseXml(svg).getDocumentElement();
    int side = Integer.parseInt(root.getAttribute("viewBox").split(" ")[2]);
    String d = ((Element) root.getElementsByTagNameNS("*", "path").item(0)).getAttribute("d");
    BufferedImage image =
        new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(Color.WHITE);
    graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
    graphics.setColor(Color.BLACK);
    Matcher run = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-\\3z").matcher(d);
    int end = 0;
    while (run.find()) {
      assertThat(run.start()).as("path commands are contiguous").isEqualTo(end);
      end = run.end();
      int x = Integer.parseInt(run.group(1));
      int y = Integer.parseInt(run.group(2));
      int length = Integer.parseInt(run.group(3));
      graphics.fillRect(x * scale, y * scale, length * scale, scale);
    }
    graphics.dispose();
    assertThat(end).as("the whole path was understood").isEqualTo(d.length());
    return png(image);
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "PNG", out);
    return out.toByteArray();
  }
}
