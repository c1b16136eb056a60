package io.latchkey.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code export --format aegis|otpauth [--encrypt] [--output FILE]}: the accounts for another app.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes every account for another authenticator: an Aegis vault (plain, or encrypted with a"
          + " password: scrypt and AES-256-GCM) or a list of otpauth:// URIs, one a line.",
      "The password of --encrypt comes from "
          + FilePasswords.EXPORT_VARIABLE
          + " if set, else a prompt (typed twice).",
      "A plain export holds the keys in the clear: keep it safe and delete it when done."
    })
final class ExportCommand extends AppSubcommand {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      description = "aegis or otpauth.")
  String format;

  @Option(
      names = "--encrypt",
      description = "Encrypt the Aegis vault with a password (--format aegis only).")
  boolean encrypt;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write here (a new file, mode 600) instead of standard output.")
  Path output;

  @Override
  void execute() throws IOException {
    boolean aegis = checkOptions();
    List<Account> accounts;
    try (Vault vault = openVault()) {
      accounts = vault.accounts().all();
    }
    List<String> skipped = new ArrayList<>();
    byte[] bytes;
    if (aegis) {
      char[] password = encrypt ? new FilePasswords(app().env(), app().prompt()).forExport() : null;
      try {
        bytes = AegisFormat.write(accounts, password);
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
      }
    } else {
      bytes = OtpauthList.write(accounts, skipped::add).getBytes(StandardCharsets.UTF_8);
    }
    if (output == null) {
      out().print(new String(bytes, StandardCharsets.UTF_8));
      out().flush();
    } else {
      writeNew(output, bytes);
    }
    Arrays.fill(bytes, (byte) 0);
    skipped.forEach(line -> err().println("Not exported: " + line));
    int written = accounts.size() - skipped.size();
    String what = written == 1 ? "1 account" : written + " accounts";
    String where = output == null ? "" : " to " + output;
    (output == null ? err() : out())
        .println("Exported " + what + where + (encrypt ? ", encrypted." : "."));
    if (!encrypt && written > 0) {
      err()
          .println(
              "Notice: the export holds the keys in the clear; keep it safe and delete it when done.");
    }
  }

  /** True for Aegis, false for otpauth. */
  private boolean checkOptions() {
    boolean aegis = format.equals("aegis");
    if (!aegis && !format.equals("otpauth")) {
      // Not a usage error: picocli's handler would hide a sentence that says "otpauth".
      throw new AppException(
          "Unknown export format " + Messages.quote(format) + "; expected aegis or otpauth.");
    }
    if (encrypt && !aegis) {
      throw new ParameterException(spec.commandLine(), "--encrypt works with --format aegis only");
    }
    if (output != null && Files.exists(output)) {
      throw new AppException(
          "The file " + output + " already exists; an export never replaces a file.");
    }
    return aegis;
  }

  /** A new file readable by its owner only; removed again if writing fails. */
  private static void writeNew(Path path, byte[] bytes) throws IOException {
    try {
      Files.createFile(path, ownerOnly());
    } catch (FileAlreadyExistsException e) {
      throw new AppException(
          "The file " + path + " already exists; an export never replaces a file.", e);
    } catch (NoSuchFileException e) {
      throw new AppException("Could not write " + path + ": its folder does not exist.", e);
    }
    try {
      Files.write(path, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    if (!POSIX) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
    };
  }
}
