package dev.switchboard.deploy.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Byte-level mutations of a valid input, each named so that the tables say what was tried. */
final class Mutator {

  /** Numbers that break parsers: zero, signs, overflow of int and long, leading zeros, hex, huge. */
  static final List<String> HUGE_NUMBERS = List.of("0", "-1", "2147483647", "2147483648", "4294967295", "4294967296",
      "9223372036854775807", "9223372036854775808", "99999999999999999999999999", "00000000000000000000005", "0x10",
      "1e3", "+5", " 5", "5 ", "");

  private Mutator() { }

  /** One to three random mutations; returns the mutated bytes and the mutation names. */
  static Mutated mutate(Random random, byte[] data, List<byte[]> corpus) {
    int rounds = 1 + random.nextInt(3);
    StringBuilder names = new StringBuilder();
    byte[] out = data;
    for (int i = 0; i < rounds; i++) {
      int which = random.nextInt(8);
      String name;
      switch (which) {
        case 0 -> { out = bitFlip(random, out); name = "bitflip"; }
        case 1 -> { out = insert(random, out); name = "insert"; }
        case 2 -> { out = delete(random, out); name = "delete"; }
        case 3 -> { out = splice(random, out, corpus.get(random.nextInt(corpus.size()))); name = "splice"; }
        case 4 -> { out = duplicate(random, out); name = "duplicate"; }
        case 5 -> { out = truncate(random, out); name = "truncate"; }
        case 6 -> { out = replaceNumber(random, out); name = "number"; }
        default -> { out = insertBytes(random, out, pick(random, "\r\n", "\r", "\n", "\r\n\r\n", "\0", " ", "\t", "\u00ff")); name = "ctl"; }
      }
      names.append(i == 0 ? "" : "+").append(name);
    }
    return new Mutated(out, names.toString());
  }

  record Mutated(byte[] data, String names) { }

  static String pick(Random random, String... options) {
    return options[random.nextInt(options.length)];
  }

  static byte[] bitFlip(Random random, byte[] data) {
    if (data.length == 0) {
      return data;
    }
    byte[] out = data.clone();
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips; i++) {
      out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return out;
  }

  static byte[] insert(Random random, byte[] data) {
    byte[] junk = new byte[1 + random.nextInt(random.nextBoolean() ? 8 : 256)];
    random.nextBytes(junk);
    return insertAt(data, random.nextInt(data.length + 1), junk);
  }

  static byte[] insertBytes(Random random, byte[] data, String text) {
    return insertAt(data, random.nextInt(data.length + 1), text.getBytes(StandardCharsets.ISO_8859_1));
  }

  static byte[] insertAt(byte[] data, int at, byte[] junk) {
    byte[] out = new byte[data.length + junk.length];
    System.arraycopy(data, 0, out, 0, at);
    System.arraycopy(junk, 0, out, at, junk.length);
    System.arraycopy(data, at, out, at + junk.length, data.length - at);
    return out;
  }

  static byte[] delete(Random random, byte[] data) {
    if (data.length == 0) {
      return data;
    }
    int at = random.nextInt(data.length);
    int n = 1 + random.nextInt(Math.min(16, data.length - at));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(data, 0, at);
    out.write(data, at + n, data.length - at - n);
    return out.toByteArray();
  }

  /** The head of this input and the tail of another. */
  static byte[] splice(Random random, byte[] data, byte[] other) {
    int a = random.nextInt(data.length + 1);
    int b = random.nextInt(other.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(data, 0, a);
    out.write(other, b, other.length - b);
    return out.toByteArray();
  }

  /** A run of the input repeated, up to a few times. */
  static byte[] duplicate(Random random, byte[] data) {
    if (data.length == 0) {
      return data;
    }
    int at = random.nextInt(data.length);
    int n = 1 + random.nextInt(Math.min(64, data.length - at));
    byte[] run = Arrays.copyOfRange(data, at, at + n);
    byte[] out = data;
    int times = 1 + random.nextInt(4);
    for (int i = 0; i < times; i++) {
      out = insertAt(out, at, run);
    }
    return out;
  }

  static byte[] truncate(Random random, byte[] data) {
    return Arrays.copyOf(data, data.length == 0 ? 0 : random.nextInt(data.length));
  }

  /** The first run of ASCII digits at or after a random point replaced by a number that breaks parsers. */
  static byte[] replaceNumber(Random random, byte[] data) {
    int start = -1;
    int from = data.length == 0 ? 0 : random.nextInt(data.length);
    for (int pass = 0; pass < 2 && start < 0; pass++) {
      for (int i = pass == 0 ? from : 0; i < data.length; i++) {
        if (data[i] >= '0' && data[i] <= '9') {
          start = i;
          break;
        }
      }
    }
    byte[] number = HUGE_NUMBERS.get(random.nextInt(HUGE_NUMBERS.size())).getBytes(StandardCharsets.US_ASCII);
    if (start < 0) {
      return insertAt(data, from, number);
    }
    int end = start;
    while (end < data.length && data[end] >= '0' && data[end] <= '9') {
      end++;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(data, 0, start);
    out.write(number, 0, number.length);
    out.write(data, end, data.length - end);
    return out.toByteArray();
  }
}
