package dev.switchboard.gateway.screen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeadScannerTest {

  private static boolean foldedInPieces(String head, int piece) {
    ByteBuf bytes = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
    HeadScanner scanner = new HeadScanner();
    for (int from = 0; from < bytes.writerIndex(); from += piece) {
      scanner.scan(bytes, from, Math.min(bytes.writerIndex(), from + piece));
    }
    return scanner.folded();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a folded header | GET / HTTP/1.1\\r\\nA: 1\\r\\n 2\\r\\n\\r\\n | true",
      "folded with a tab | GET / HTTP/1.1\\r\\nA: 1\\r\\n\\t2\\r\\n\\r\\n | true",
      "bare line feeds | GET / HTTP/1.1\\nA: 1\\n 2\\n\\n | true",
      "plain head | GET / HTTP/1.1\\r\\nA: 1 2\\r\\n\\r\\n | false",
      "leading empty lines | \\r\\n\\r\\nGET / HTTP/1.1\\r\\nA: 1\\r\\n\\r\\n | false",
      "spaces in the body after the head | POST / HTTP/1.1\\r\\nContent-Length: 4\\r\\n\\r\\n\\r\\n 12 | false",
  })
  @DisplayName("folding is found however the head is split, and never in the body")
  void folding(String name, String head, boolean folded) {
    String real = head.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    for (int piece = 1; piece <= real.length(); piece++) {
      assertThat(foldedInPieces(real, piece)).as(name + " in pieces of " + piece).isEqualTo(folded);
    }
  }
}
