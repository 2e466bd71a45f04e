package dev.duplex.protocol;

/**
 * The negotiated parameters of permessage-deflate (RFC 7692 7.1), as agreed in the opening handshake.
 * Window bits are 8–15; 15 when the parameter was absent.
 */
public record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                                int serverMaxWindowBits, int clientMaxWindowBits) {

    /** No parameters: both sides keep their context, 15-bit windows. */
    public static final DeflateParameters DEFAULT = new DeflateParameters(false, false, 15, 15);

    public DeflateParameters {
        if (serverMaxWindowBits < 8 || serverMaxWindowBits > 15
                || clientMaxWindowBits < 8 || clientMaxWindowBits > 15) {
            throw new IllegalArgumentException("window bits must be 8..15");
        }
    }

    /** Whether the side in {@code role} resets its compression context after each message. */
    public boolean noContextTakeover(Role role) {
        return role == Role.SERVER ? serverNoContextTakeover : clientNoContextTakeover;
    }

    /** The LZ77 window of the side in {@code role}, in bits. */
    public int maxWindowBits(Role role) {
        return role == Role.SERVER ? serverMaxWindowBits : clientMaxWindowBits;
    }
}
