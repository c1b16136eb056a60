package io.latchkey.app;

import io.latchkey.core.qr.QrCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The text a user gives a command that takes a code to scan ({@code add}, {@code activate}): the
 * argument itself, {@code -} to read it from standard input (which keeps it out of the process list
 * and the shell history), or {@code --qr PNG}, an image of the QR code.
 *
 * @param argumentName how the usage names the argument, e.g. "an otpauth:// URI"
 * @param noun what the text is, e.g. "an otpauth URI"
 */
record ScannedText(String argumentName, String noun) {
  // Far above any QR code photo; stops a mistyped path to a huge file from eating memory.
  private static final long MAX_IMAGE_BYTES = 20L * 1024 * 1024;
  private static final int MAX_TEXT_BYTES = 64 * 1024;

  /** Exactly one of {@code argument} and {@code qr} must be given. */
  String read(String argument, Path qr, InputStream stdin) throws IOException {
    if ((argument == null) == (qr == null)) {
      throw new AppException("Give either " + argumentName + " or --qr PNG, not both or neither.");
    }
    if (qr != null) {
      return decodeImage(qr);
    }
    if (argument.equals("-")) {
      return readStdin(stdin);
    }
    return argument;
  }

  private static String decodeImage(Path qr) throws IOException {
    byte[] image;
    try {
      if (Files.size(qr) > MAX_IMAGE_BYTES) {
        throw new AppException("The image " + qr + " is too large to be a QR code.");
      }
      image = Files.readAllBytes(qr);
    } catch (NoSuchFileException e) {
      throw new AppException("The image " + qr + " does not exist.", e);
    }
    try {
      return QrCodes.decode(image);
    } catch (IllegalArgumentException e) {
      throw new AppException("No readable QR code was found in " + qr + ".", e);
    }
  }

  private String readStdin(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_TEXT_BYTES + 1);
    if (bytes.length > MAX_TEXT_BYTES) {
      throw new AppException("The standard input is too long to be " + noun + ".");
    }
    return new String(bytes, StandardCharsets.UTF_8).strip();
  }
}
