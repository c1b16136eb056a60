package io.latchkey.server.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a folder (root only), to be filled up: a data folder with a full disk.
 * {@link #close()} unmounts it (lazily, should a process still hold a file in it).
 */
public final class Tmpfs implements AutoCloseable {
  private final Path mountPoint;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Whether this process may mount (it runs as root). */
  public static boolean canMount() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Mounts a tmpfs of {@code megabytes} on {@code folder} (created if missing). */
  public static Tmpfs mount(Path folder, int megabytes) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(
        "mount",
        "-t",
        "tmpfs",
        "-o",
        "size=" + megabytes + "m,mode=0755",
        "tmpfs",
        folder.toString());
    return new Tmpfs(folder);
  }

  public Path path() {
    return mountPoint;
  }

  /**
   * Writes {@code filler} until the disk is full (the write fails); returns the bytes written. The
   * file stays: deleting it frees the space.
   */
  public long fill(Path filler) {
    byte[] chunk = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
        written += chunk.length;
      }
    } catch (IOException full) {
      if (full.getMessage() == null || !full.getMessage().contains("No space left")) {
        throw new UncheckedIOException("filling " + filler + " failed otherwise", full);
      }
    }
    // The last chunk may have been written in part; take what the disk still has, byte by byte.
    try (OutputStream out =
        Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      for (int i = 0; i < chunk.length; i++) {
        out.write(0);
        out.flush();
      }
    } catch (IOException full) {
      // full now
    }
    return written;
  }

  /** Remounts read-only ({@code true}) or writable; fails if the kernel refuses (busy). */
  public void readOnly(boolean readOnly) {
    run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), mountPoint.toString());
  }

  @Override
  public void close() {
    try {
      run("umount", "-l", mountPoint.toString());
    } catch (AssertionError e) {
      System.err.println("could not unmount " + mountPoint + ": " + e.getMessage());
    }
  }

  private static void run(String... command) {
    try {
      Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", new ArrayList<>(List.of(command))) + ": " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
