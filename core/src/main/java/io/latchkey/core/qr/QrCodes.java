package io.latchkey.core.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.GlobalHistogramBinarizer;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** QR codes with ZXing: PNG and SVG out, text back from a PNG. Rendered locally, never remotely. */
public final class QrCodes {

  /**
   * The quiet zone of ISO/IEC 18004 §6.3.8: four light modules on every side. Scanners need it to
   * find the code on a busy page.
   */
  static final int QUIET_ZONE = 4;

  /**
   * Level M restores about 15% of the modules: enough for a screen photographed at an angle or with
   * glare, while keeping a long otpauth URI at a version phones still read easily.
   */
  private static final ErrorCorrectionLevel ERROR_CORRECTION = ErrorCorrectionLevel.M;

  /** Largest image decoded: 25 megapixels covers phone photos and screenshots of any screen. */
  static final long MAX_PIXELS = 25_000_000;

  private QrCodes() {}

  /**
   * A PNG of {@code text}, error correction M, quiet zone 4 modules, about {@code size} px.
   *
   * <p>ZXing scales by whole pixels per module and centres the code, so the image is {@code size}
   * px square when {@code size} is at least the code's width in modules (quiet zone included), and
   * that width otherwise.
   *
   * @throws IllegalArgumentException if {@code text} is empty or too long for a QR code, or {@code
   *     size} is not positive
   */
  public static byte[] png(String text, int size) {
    requireText(text);
    if (size < 1) {
      throw new IllegalArgumentException("the image size must be positive, not " + size);
    }
    BitMatrix matrix;
    try {
      matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size, hints(text));
    } catch (WriterException e) {
      throw new IllegalArgumentException(
          "the text is too long for a QR code (" + text.length() + " characters)", e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MatrixToImageWriter.writeToStream(matrix, "PNG", out);
    } catch (IOException e) {
      // Writing to memory fails only if the JDK's PNG writer is missing.
      throw new UncheckedIOException("the PNG could not be written", e);
    }
    return out.toByteArray();
  }

  /**
   * A standalone SVG document of {@code text} (one path, crisp at any size).
   *
   * <p>The {@code viewBox} counts modules, quiet zone included, so one unit is one module and the
   * document scales to whatever size the page gives it. A white background is drawn because
   * scanners need dark modules on a light ground, and a page in dark mode would otherwise show
   * through. {@code shape-rendering="crispEdges"} (SVG 1.1 §11.7.1) stops anti-aliasing from
   * blurring the module edges into grey seams.
   *
   * @throws IllegalArgumentException if {@code text} is empty or too long for a QR code
   */
  public static String svg(String text) {
    requireText(text);
    ByteMatrix modules;
    try {
      modules = Encoder.encode(text, ERROR_CORRECTION, hints(text)).getMatrix();
    } catch (WriterException e) {
      throw new IllegalArgumentException(
          "the text is too long for a QR code (" + text.length() + " characters)", e);
    }
    int side = modules.getWidth() + 2 * QUIET_ZONE;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < modules.getHeight(); y++) {
      int x = 0;
      while (x < modules.getWidth()) {
        if (modules.get(x, y) != 1) {
          x++;
          continue;
        }
        // One rectangle per horizontal run of dark modules keeps the path short.
        int run = 1;
        while (x + run < modules.getWidth() && modules.get(x + run, y) == 1) {
          run++;
        }
        path.append('M')
            .append(x + QUIET_ZONE)
            .append(' ')
            .append(y + QUIET_ZONE)
            .append('h')
            .append(run)
            .append("v1h-")
            .append(run)
            .append('z');
        x += run;
      }
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
        + side
        + " "
        + side
        + "\" shape-rendering=\"crispEdges\">"
        + "<rect width=\""
        + side
        + "\" height=\""
        + side
        + "\" fill=\"#ffffff\"/>"
        + "<path fill=\"#000000\" d=\""
        + path
        + "\"/></svg>\n";
  }

  /**
   * The text of the (first) QR code in a PNG/JPEG image.
   *
   * <p>Byte segments without an ECI header are read as UTF-8: that is what {@code qrencode} and
   * most apps write, although ISO/IEC 18004 names ISO-8859-1 as the default; an ECI header, when
   * present, still wins.
   *
   * @throws IllegalArgumentException if the bytes are not an image or hold no readable QR code
   */
  public static String decode(byte[] image) {
    Objects.requireNonNull(image, "image");
    BufferedImage picture = read(image);
    BufferedImageLuminanceSource source = new BufferedImageLuminanceSource(picture);
    Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
    hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
    hints.put(DecodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
    Map<DecodeHintType, Object> pure = new EnumMap<>(hints);
    pure.put(DecodeHintType.PURE_BARCODE, Boolean.TRUE);
    // ZXing's finder-pattern detector misses, or misreads into a checksum or format error, about 1
    // in 100 to 1 in 1,000 clean, machine-made codes (seen with qrencode output that zbarimg reads,
    // and with our own activation codes). Such images hold nothing but the code and its quiet zone,
    // which is exactly what PURE_BARCODE decodes without the detector; the global-histogram
    // binarizer is the last try. The first error is the one reported.
    Exception first = null;
    for (BinaryBitmap bitmap :
        new BinaryBitmap[] {
          new BinaryBitmap(new HybridBinarizer(source)),
          new BinaryBitmap(new GlobalHistogramBinarizer(source))
        }) {
      for (Map<DecodeHintType, Object> attempt : List.of(hints, pure)) {
        try {
          return new QRCodeReader().decode(bitmap, attempt).getText();
        } catch (NotFoundException | ChecksumException | FormatException e) {
          if (first == null) {
            first = e;
          }
        }
      }
    }
    throw new IllegalArgumentException(
        first instanceof NotFoundException
            ? "the image holds no QR code that could be found"
            : "the image holds a QR code that could not be read",
        first);
  }

  /**
   * Reads the first image in the bytes, refusing more than {@link #MAX_PIXELS} before any pixel is
   * decoded: a PNG of a few kilobytes can declare a size that fills the heap.
   */
  private static BufferedImage read(byte[] image) {
    // An ImageInputStream over memory: ImageIO.read(InputStream) may cache to a temporary file.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IllegalArgumentException("the bytes are not an image in a format Java can read");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new IllegalArgumentException(
              "the image has " + pixels + " pixels, more than the " + MAX_PIXELS + " read");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // ImageIO's readers report some corrupt files with other unchecked exceptions
      // (ArrayIndexOutOfBoundsException, NegativeArraySizeException), not only IIOException.
      throw new IllegalArgumentException("the bytes are not a readable image", e);
    }
  }

  /**
   * Error correction M, quiet zone 4 and, only for text beyond ASCII, a UTF-8 ECI header. Pure
   * ASCII gets no ECI header: its bytes are the same in ISO-8859-1 and UTF-8, and some older
   * scanners stumble over ECI.
   */
  private static Map<EncodeHintType, Object> hints(String text) {
    Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
    hints.put(EncodeHintType.ERROR_CORRECTION, ERROR_CORRECTION);
    hints.put(EncodeHintType.MARGIN, QUIET_ZONE);
    if (!StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
      hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
    }
    return hints;
  }

  private static void requireText(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("a QR code needs some text");
    }
  }
}
