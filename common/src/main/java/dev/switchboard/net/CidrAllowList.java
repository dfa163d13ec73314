package dev.switchboard.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A list of address blocks in CIDR notation ({@code 127.0.0.0/8}, {@code ::1/128}, {@code 10.1.2.3}); an address is
 * allowed when it falls in one of them. IPv4 and IPv6 blocks never match each other's addresses.
 */
public final class CidrAllowList {

  private record Block(byte[] network, int prefix, String text) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefix / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }

  private final List<Block> blocks;

  private CidrAllowList(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** @throws IllegalArgumentException naming the first entry that is not an address block */
  public static CidrAllowList parse(List<String> entries) {
    return new CidrAllowList(entries.stream().map(CidrAllowList::block).toList());
  }

  private static Block block(String entry) {
    String text = entry.trim();
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    // Only literal addresses: a host name here would make the list depend on DNS at start-up.
    if (!address.matches("[0-9a-fA-F:.]+") || !(address.contains(".") || address.contains(":"))) {
      throw new IllegalArgumentException("'" + entry + "' is not an address block such as 127.0.0.0/8 or ::1/128");
    }
    byte[] network;
    try {
      network = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + entry + "' is not an address block such as 127.0.0.0/8 or ::1/128");
    }
    int bits = network.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String suffix = text.substring(slash + 1);
      if (!suffix.matches("\\d{1,3}") || Integer.parseInt(suffix) > bits) {
        throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + bits);
      }
      prefix = Integer.parseInt(suffix);
    }
    return new Block(network, prefix, text);
  }

  /** No blocks: nothing is allowed. */
  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  public boolean allows(InetAddress address) {
    byte[] bytes = address.getAddress();
    return blocks.stream().anyMatch(b -> b.contains(bytes));
  }

  @Override
  public String toString() {
    return String.join(", ", blocks.stream().map(Block::text).toList());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CidrAllowList list && list.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
