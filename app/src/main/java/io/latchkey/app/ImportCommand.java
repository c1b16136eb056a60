package io.latchkey.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import FILE... | --qr PNG... | --uri URI}: accounts from another authenticator. Every file
 * is read and checked before the vault is opened, and the vault is written once at the end, so a
 * file that cannot be read leaves the vault exactly as it was.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Imports accounts from an Aegis vault (plain or encrypted), a Google Authenticator export"
          + " (otpauth-migration:// URIs or their QR codes, all parts of a batch together) or a"
          + " list of otpauth:// URIs, one a line. The format is told from the content.",
      "An encrypted vault is opened with "
          + FilePasswords.IMPORT_VARIABLE
          + " if set, else a prompt.",
      "Entries Latchkey cannot compute (Steam, mOTP, MD5, ...) are named with the reason;"
          + " accounts already in the app are skipped."
    })
final class ImportCommand extends AppSubcommand {

  @Parameters(
      arity = "0..*",
      paramLabel = "FILE",
      description = "Files to import; - reads standard input.")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--qr",
      arity = "1..*",
      paramLabel = "PNG",
      description = "Images of QR codes (a Google Authenticator export or otpauth:// accounts).")
  List<Path> images = new ArrayList<>();

  @Option(
      names = "--uri",
      paramLabel = "URI",
      description = "An otpauth-migration:// or otpauth:// URI (repeatable).")
  List<String> uris = new ArrayList<>();

  @Override
  void execute() throws IOException {
    ImportFindings found = read();
    List<String> imported = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (Vault vault = openVault()) {
      Accounts accounts = vault.accounts();
      Set<Account> added = new HashSet<>();
      for (Candidate candidate : found.candidates()) {
        String shown = ImportFindings.shownName(candidate.displayName());
        Optional<Account> same =
            accounts.all().stream()
                .filter(a -> a.sameCredentialAs(candidate.toAccount("")))
                .findFirst();
        if (same.isPresent()) {
          skipped.add(
              added.contains(same.get())
                  ? shown + " from " + candidate.source() + " appears twice; imported once."
                  : shown + " is already in the app as \"" + same.get().name() + "\".");
          continue;
        }
        Account account = candidate.toAccount(freeName(accounts, candidate, found));
        accounts = accounts.with(account);
        added.add(account);
        imported.add(
            "Imported \""
                + account.name()
                + "\" ("
                + account.parameters().type()
                + ", "
                + account.settings()
                + ").");
      }
      if (!imported.isEmpty()) {
        vault.save(accounts);
      }
    }
    report(found, imported, skipped);
  }

  private ImportFindings read() throws IOException {
    if (files.isEmpty() && images.isEmpty() && uris.isEmpty()) {
      throw new AppException("Give the files to import, --qr PNG or --uri URI (- reads stdin).");
    }
    FilePasswords passwords = new FilePasswords(app().env(), app().prompt());
    ImportReader reader = new ImportReader(passwords::forImport);
    if (files.stream().filter(f -> f.equals("-")).count() > 1) {
      throw new AppException("Standard input (-) can be imported only once.");
    }
    for (String file : files) {
      if (file.equals("-")) {
        reader.stdin(app().stdin());
      } else {
        reader.file(Path.of(file));
      }
    }
    for (Path image : images) {
      reader.image(image);
    }
    for (int i = 0; i < uris.size(); i++) {
      reader.uri(
          uris.get(i), uris.size() == 1 ? "the --uri argument" : "--uri argument " + (i + 1));
    }
    return reader.finish();
  }

  /**
   * The entry's name, or, when another account already has it, the name with " (2)", " (3)", ...:
   * names pick accounts, so two must never be the same.
   */
  private static String freeName(Accounts accounts, Candidate candidate, ImportFindings found) {
    String base = Messages.foreign(candidate.displayName());
    if (base.isEmpty()) {
      base = "Unnamed";
    }
    String name = base;
    for (int n = 2; taken(accounts, name); n++) {
      name = base + " (" + n + ")";
    }
    if (!name.equals(candidate.displayName())) {
      found.notice(
          ImportFindings.shownName(candidate.displayName())
              + " is called \""
              + name
              + "\" in the app, since "
              + (base.equals(candidate.displayName())
                  ? "another account has that name"
                  : "it has no name of its own"));
    }
    return name;
  }

  private static boolean taken(Accounts accounts, String name) {
    return accounts.all().stream().anyMatch(a -> a.name().equals(name));
  }

  private void report(ImportFindings found, List<String> imported, List<String> skipped) {
    imported.forEach(out()::println);
    found.refusals().forEach(line -> err().println("Not imported: " + line));
    skipped.forEach(line -> err().println("Skipped: " + line));
    found.warnings().forEach(line -> err().println("Warning: " + line));
    found.notices().forEach(line -> err().println("Notice: " + line));
    StringBuilder summary = new StringBuilder(count(imported.size(), "account") + " imported");
    if (!found.refusals().isEmpty()) {
      summary
          .append("; ")
          .append(count(found.refusals().size(), "entry", "entries"))
          .append(" not imported (named above)");
    }
    if (!skipped.isEmpty()) {
      summary.append("; ").append(skipped.size()).append(" already in the app");
    }
    out().println(summary.append('.'));
    if (imported.isEmpty() && skipped.isEmpty() && !found.refusals().isEmpty()) {
      out().flush();
      throw new AppException("Nothing was imported: Latchkey supports none of the entries.");
    }
  }

  private static String count(int n, String one) {
    return count(n, one, one + "s");
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
