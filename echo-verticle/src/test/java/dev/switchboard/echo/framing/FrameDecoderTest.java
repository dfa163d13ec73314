package dev.switchboard.echo.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Framing;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private static final Buffer NL = Buffer.buffer("\n");
  private static final Buffer CRLF = Buffer.buffer("\r\n");

  /** Feeds the stream cut at the given offsets and returns the frames as text, plus the remainder as the last element. */
  private static List<String> feed(FrameDecoder decoder, byte[] stream, int... cuts) {
    List<String> frames = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      decoder.decode(Buffer.buffer().appendBytes(stream, from, cut - from), f -> frames.add(text(f)));
      from = cut;
    }
    decoder.decode(Buffer.buffer().appendBytes(stream, from, stream.length - from), f -> frames.add(text(f)));
    frames.add("rest:" + text(decoder.takeRemainder()));
    return frames;
  }

  private static String text(Buffer b) {
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int[] everyByte(int length) {
    int[] cuts = new int[Math.max(0, length - 1)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    return cuts;
  }

  /** The same frames whatever the segmentation: whole, one byte at a time, every two-way split, random splits. */
  private static void assertSplitProof(Supplier<FrameDecoder> decoders, String stream, List<String> expected) {
    byte[] data = bytes(stream);
    assertThat(feed(decoders.get(), data)).as("in one chunk").isEqualTo(expected);
    assertThat(feed(decoders.get(), data, everyByte(data.length))).as("one byte at a time").isEqualTo(expected);
    for (int cut = 1; cut < data.length; cut++) {
      assertThat(feed(decoders.get(), data, cut)).as("split at %d", cut).isEqualTo(expected);
    }
    Random random = new Random(42);
    for (int round = 0; round < 200 && data.length > 2; round++) {
      int[] cuts = random.ints(random.nextInt(1, Math.min(8, data.length)), 1, data.length).sorted().distinct().toArray();
      assertThat(feed(decoders.get(), data, cuts)).as("random splits").isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("line framing: many frames in a chunk, frames across chunks, empty frames, trailing partial frame")
  void lineFrames() {
    assertSplitProof(() -> FrameDecoder.create(Framing.LINE, NL, 0, 100), "one\ntwo\n\nthree\nfour",
        List.of("one\n", "two\n", "\n", "three\n", "rest:four"));
  }

  @Test
  @DisplayName("a multi-byte delimiter split across chunks is still found, and a lone CR is payload")
  void crlfAcrossChunks() {
    assertSplitProof(() -> FrameDecoder.create(Framing.LINE, CRLF, 0, 100), "a\rb\r\n\r\nc\r\r\nd\r",
        List.of("a\rb\r\n", "\r\n", "c\r\r\n", "rest:d\r"));
  }

  @Test
  @DisplayName("line framing: a frame of exactly the limit passes, one byte more is refused before it is all held")
  void lineLimit() {
    FrameDecoder decoder = FrameDecoder.create(Framing.LINE, CRLF, 0, 4);
    List<String> frames = new ArrayList<>();
    decoder.decode(Buffer.buffer("abcd\r\n"), f -> frames.add(f.toString()));
    assertThat(frames).containsExactly("abcd\r\n");
    // 5 bytes and a CR: no delimiter could end this frame within the limit any more.
    decoder.decode(Buffer.buffer("abcd"), f -> frames.add(f.toString()));
    decoder.decode(Buffer.buffer("e"), f -> frames.add(f.toString()));
    assertThatThrownBy(() -> decoder.decode(Buffer.buffer("\r"), f -> frames.add(f.toString())))
        .isInstanceOf(FramingException.class)
        .hasMessage("frame too long (limit 4)")
        .extracting(e -> ((FramingException) e).kind()).isEqualTo(FramingException.Kind.TOO_LONG);
    // A complete oversized frame inside one chunk is refused too.
    assertThatThrownBy(() -> FrameDecoder.create(Framing.LINE, NL, 0, 4).decode(Buffer.buffer("abcdef\nx"), f -> { }))
        .hasMessage("frame too long (limit 4)");
  }

  @Test
  @DisplayName("4-byte length framing: empty frames, many frames, header split across chunks")
  void binaryLength() {
    String stream = "\0\0\0\3abc" + "\0\0\0\0" + "\0\0\0\1z" + "\0\0\0\5ab";
    assertSplitProof(() -> FrameDecoder.create(Framing.LENGTH, NL, 0, 100), stream,
        List.of("\0\0\0\3abc", "\0\0\0\0", "\0\0\0\1z", "rest:\0\0\0\5ab"));
  }

  @Test
  @DisplayName("4-byte length framing: a declared length over the limit is refused from the header alone")
  void binaryLengthLimit() {
    FrameDecoder decoder = FrameDecoder.create(Framing.LENGTH, NL, 0, 65536);
    decoder.decode(Buffer.buffer().appendBytes(new byte[] {0, 1, 0}), f -> { });
    assertThatThrownBy(() -> decoder.decode(Buffer.buffer().appendByte((byte) 1), f -> { }))
        .hasMessage("frame too long (limit 65536)");
    // The unsigned maximum is not mistaken for a negative length.
    assertThatThrownBy(() -> FrameDecoder.create(Framing.LENGTH, NL, 0, 10)
        .decode(Buffer.buffer().appendInt(-1), f -> { })).hasMessage("frame too long (limit 10)");
  }

  @Test
  @DisplayName("5-digit ASCII length framing, as in the socket HOWTO")
  void asciiLength() {
    assertSplitProof(() -> FrameDecoder.create(Framing.LENGTH_ASCII, NL, 0, 100), "00005hello0000000013ab",
        List.of("00005hello", "00000", "rest:00013ab"));
  }

  @Test
  @DisplayName("5-digit ASCII length: a header that is not digits is refused, and so is a length over the limit")
  void asciiLengthErrors() {
    assertThatThrownBy(() -> FrameDecoder.create(Framing.LENGTH_ASCII, NL, 0, 100).decode(Buffer.buffer("12a45xxxx"), f -> { }))
        .isInstanceOf(FramingException.class)
        .hasMessage("bad length header (expected 5 ASCII digits)")
        .extracting(e -> ((FramingException) e).kind()).isEqualTo(FramingException.Kind.BAD_HEADER);
    assertThatThrownBy(() -> FrameDecoder.create(Framing.LENGTH_ASCII, NL, 0, 100).decode(Buffer.buffer("00101"), f -> { }))
        .hasMessage("frame too long (limit 100)");
  }

  @Test
  @DisplayName("fixed framing: exactly N bytes a message, whatever the segmentation")
  void fixed() {
    assertSplitProof(() -> FrameDecoder.create(Framing.FIXED, NL, 3, 100), "abcdefgh",
        List.of("abc", "def", "rest:gh"));
  }

  @Test
  @DisplayName("raw: every chunk passes as it came and nothing is held")
  void raw() {
    FrameDecoder decoder = FrameDecoder.create(Framing.RAW, NL, 0, 1);
    List<String> frames = new ArrayList<>();
    decoder.decode(Buffer.buffer("any length at all"), f -> frames.add(f.toString()));
    decoder.decode(Buffer.buffer(), f -> frames.add(f.toString()));
    assertThat(frames).containsExactly("any length at all");
    assertThat(decoder.inFrame()).isFalse();
  }

  @Test
  @DisplayName("inFrame tells whether a frame has begun and not ended")
  void inFrame() {
    FrameDecoder decoder = FrameDecoder.create(Framing.LINE, NL, 0, 100);
    assertThat(decoder.inFrame()).isFalse();
    decoder.decode(Buffer.buffer("ab"), f -> { });
    assertThat(decoder.inFrame()).isTrue();
    decoder.decode(Buffer.buffer("\n"), f -> { });
    assertThat(decoder.inFrame()).isFalse();
  }

  @Test
  @DisplayName("frames handed on stay intact while the decoder goes on")
  void framesAreStable() {
    FrameDecoder decoder = FrameDecoder.create(Framing.LINE, NL, 0, 1000);
    List<Buffer> frames = new ArrayList<>();
    decoder.decode(Buffer.buffer("ab"), frames::add);
    decoder.decode(Buffer.buffer("c\nde"), frames::add);
    decoder.decode(Buffer.buffer("f\ng"), frames::add);
    decoder.decode(Buffer.buffer("h\n"), frames::add);
    assertThat(frames).extracting(Buffer::toString).containsExactly("abc\n", "def\n", "gh\n");
  }

  @Test
  @DisplayName("an unfinished frame takes about its own size, never twice the frame limit, and nothing once taken")
  void heldBytes() {
    int limit = 64 * 1024;
    for (FrameDecoder decoder : List.of(FrameDecoder.create(Framing.LINE, NL, 0, limit),
        FrameDecoder.create(Framing.LENGTH, NL, 0, limit))) {
      if (decoder instanceof SizedFrameDecoder) {
        decoder.decode(Buffer.buffer().appendInt(limit), f -> { });
      }
      int most = 0;
      for (int i = 0; i < limit / 1000; i++) {
        decoder.decode(Buffer.buffer(new byte[1000]), f -> { });
        most = Math.max(most, decoder.heldBytes());
        assertThat(decoder.heldBytes()).isGreaterThanOrEqualTo(1000 * (i + 1));
      }
      assertThat(most).as("held at most, %s", decoder.getClass().getSimpleName()).isLessThanOrEqualTo(limit + 4);
      decoder.takeRemainder();
      assertThat(decoder.heldBytes()).isZero();
    }
    assertThat(FrameDecoder.create(Framing.RAW, NL, 0, limit).heldBytes()).isZero();
  }
}
