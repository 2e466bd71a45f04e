package dev.duplex.protocol;

/**
 * Every way a peer can break RFC 6455 / RFC 7692 or a configured limit, each with the close code the
 * connection is failed with and a short sentence for the close reason and the logs.
 */
public enum Violation {
    // RFC 6455 5.1: masking by role.
    UNMASKED_CLIENT_FRAME(CloseCode.PROTOCOL_ERROR, "Client frames must be masked."),
    MASKED_SERVER_FRAME(CloseCode.PROTOCOL_ERROR, "Server frames must not be masked."),
    // RFC 6455 5.2: header fields.
    RESERVED_OPCODE(CloseCode.PROTOCOL_ERROR, "Reserved opcode."),
    RESERVED_BITS(CloseCode.PROTOCOL_ERROR, "Reserved bits set without a negotiated extension."),
    LENGTH_TOP_BIT_SET(CloseCode.PROTOCOL_ERROR, "64-bit payload length has its top bit set."),
    NON_MINIMAL_LENGTH(CloseCode.PROTOCOL_ERROR, "Payload length not in its minimal encoding."),
    // RFC 6455 5.5: control frames.
    CONTROL_FRAME_TOO_LONG(CloseCode.PROTOCOL_ERROR, "Control frame payload longer than 125 bytes."),
    FRAGMENTED_CONTROL_FRAME(CloseCode.PROTOCOL_ERROR, "Control frames must not be fragmented."),
    // RFC 6455 5.4: fragmentation.
    UNEXPECTED_CONTINUATION(CloseCode.PROTOCOL_ERROR, "Continuation frame without a message to continue."),
    EXPECTED_CONTINUATION(CloseCode.PROTOCOL_ERROR, "New data frame inside a fragmented message."),
    // RFC 6455 5.5.1 and 7.4.
    CLOSE_PAYLOAD_ONE_BYTE(CloseCode.PROTOCOL_ERROR, "Close frame payload of one byte."),
    INVALID_CLOSE_CODE(CloseCode.PROTOCOL_ERROR, "Invalid close code."),
    INVALID_CLOSE_REASON(CloseCode.INVALID_PAYLOAD, "Close reason is not valid UTF-8."),
    // RFC 6455 8.1.
    INVALID_UTF8(CloseCode.INVALID_PAYLOAD, "Text message is not valid UTF-8."),
    // RFC 7692 6.1 and 8.
    RSV1_ON_CONTROL_FRAME(CloseCode.PROTOCOL_ERROR, "RSV1 set on a control frame."),
    RSV1_ON_CONTINUATION(CloseCode.PROTOCOL_ERROR, "RSV1 set on a continuation frame."),
    INVALID_COMPRESSED_DATA(CloseCode.INVALID_PAYLOAD, "Compressed message cannot be inflated."),
    // Limits.
    FRAME_TOO_BIG(CloseCode.MESSAGE_TOO_BIG, "Frame larger than the limit."),
    MESSAGE_TOO_BIG(CloseCode.MESSAGE_TOO_BIG, "Message larger than the limit."),
    DECOMPRESSED_TOO_BIG(CloseCode.MESSAGE_TOO_BIG, "Message inflates past the limit."),
    TOO_MANY_FRAGMENTS(CloseCode.MESSAGE_TOO_BIG, "Message split into more fragments than the limit.");

    private final CloseCode closeCode;
    private final String message;

    Violation(CloseCode closeCode, String message) {
        this.closeCode = closeCode;
        this.message = message;
    }

    /** The code the connection is failed with. */
    public CloseCode closeCode() {
        return closeCode;
    }

    /** A short sentence naming what was seen; fits a close reason (under 123 bytes). */
    public String message() {
        return message;
    }
}
