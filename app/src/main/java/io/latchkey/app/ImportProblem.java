package io.latchkey.app;

/**
 * Why one file of an import cannot be read at all (a wrong password, a damaged or corrupt file):
 * the whole import stops and nothing is imported. The message is a fragment that the import command
 * puts into one sentence with the file's name ("Could not import X: <message>; nothing was
 * imported."), so it must never hold a secret, a URI or text quoted from the file.
 */
final class ImportProblem extends RuntimeException {

  ImportProblem(String message) {
    super(message);
  }

  ImportProblem(String message, Throwable cause) {
    super(message, cause);
  }
}
